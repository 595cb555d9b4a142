"""Canonical entity keys that survive transliteration and spelling variants.

A key is ``<type>:<body>``. Types are coarse (``per``, ``org``, ``loc``, ``norp``,
``misc``) because the tagger often confuses them.

* Person: the phonetic skeleton of the surname (last name token after titles and
  suffixes are removed). "Abu Bakr al-Baghdadi", "Ibrahim Abu-Bakr al-Baghdadi" and
  "al-Baghdadi" all become ``per:bkd``. This favours recall: two people who share a
  surname share a key, and the verifier must use time and place to tell them apart.
* Organisation: an alias table for well-known families (ISIS/IS/ISIL/Daesh), then
  the sorted set of word skeletons, so word order and "of"/"the" do not matter and
  "Defence"/"Defense" fold together.
* Place: alias table (US, UK, Russia...), then word skeletons.

The skeleton drops the Arabic article, folds digraphs that transliterate one sound
(kh/h/q/k/g, dh/z/d, sh/s, ou/u/w, y/i), collapses doubled letters and removes
vowels except a leading one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

__all__ = [
    "entity_key",
    "key_type",
    "normalize_words",
    "person_surname",
    "skeleton",
    "strip_titles",
]

_TYPE_OF_LABEL = {
    "PERSON": "per",
    "ORG": "org",
    "GPE": "loc",
    "LOC": "loc",
    "FAC": "loc",
    "NORP": "norp",
}

_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ud|ul|es|ed|er|et)[-\u2010\u2011']")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Ordered: longer digraphs first, so "shch" is not read as "sh" + "ch".
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("shch", "s"),
    ("tsch", "c"),
    ("sch", "s"),
    ("dzh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("dj", "j"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
)
# One class per sound family; vowels are removed afterwards.
_LETTER_CLASS = str.maketrans(
    {
        "h": "k",
        "q": "k",
        "g": "k",
        "c": "k",
        "x": "k",
        "z": "d",
        "w": "v",
        "y": "a",
        "e": "a",
        "i": "a",
        "o": "a",
        "u": "a",
    }
)
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
_U_BETWEEN_VOWELS = re.compile(r"(?<=[aeio])u(?=[aeio])")

# British spellings folded to American ones, word by word.
_SPELLING = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "organisation": "organization",
    "organisations": "organizations",
    "programme": "program",
    "centre": "center",
    "theatre": "theater",
    "labour": "labor",
    "honour": "honor",
    "armour": "armor",
    "harbour": "harbor",
    "neighbour": "neighbor",
    "favour": "favor",
}

_ORG_ALIASES = {
    "isis": "isis",
    "isil": "isis",
    "is": "isis",
    "daesh": "isis",
    "daish": "isis",
    "islamic state": "isis",
    "islamic state group": "isis",
    "islamic state of iraq and syria": "isis",
    "islamic state of iraq and the levant": "isis",
    "islamic state of iraq and al sham": "isis",
    "isis isil": "isis",
    "is isis": "isis",
    "un": "un",
    "united nations": "un",
    "nato": "nato",
    "north atlantic treaty organization": "nato",
    "eu": "eu",
    "european union": "eu",
    "who": "who",
    "world health organization": "who",
}

_PLACE_ALIASES = {
    "us": "us",
    "u s": "us",
    "usa": "us",
    "united states": "us",
    "united states of america": "us",
    "america": "us",
    "uk": "uk",
    "u k": "uk",
    "britain": "uk",
    "great britain": "uk",
    "united kingdom": "uk",
    "russian federation": "russia",
    "russia": "russia",
    "moskva": "moscow",
    "kyiv": "kiev",
    "kiev": "kiev",
}

# Country words that organisations are named after, folded to one form.
_DEMONYMS = {
    "russia": "russian",
    "russias": "russian",
    "syria": "syrian",
    "syrias": "syrian",
    "america": "american",
    "ukraine": "ukrainian",
    "britain": "british",
    "france": "french",
    "china": "chinese",
    "iran": "iranian",
    "iraq": "iraqi",
    "turkey": "turkish",
}

_ARABIC_ARTICLES = frozenset({"al", "el", "ash", "es", "ad", "az", "ar", "ud", "ul"})
_ORG_STOPWORDS = frozenset({"the", "of", "s", "and", "for", "a", "an", "group", "inc", "ltd", "co"})

_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "emir",
        "amir",
        "sheikh",
        "shaikh",
        "sheik",
        "president",
        "vice",
        "prime",
        "minister",
        "premier",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "gen",
        "general",
        "col",
        "colonel",
        "maj",
        "major",
        "lt",
        "capt",
        "captain",
        "sgt",
        "admiral",
        "commander",
        "leader",
        "chief",
        "head",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "mayor",
        "judge",
        "justice",
        "ceo",
        "chairman",
        "chairwoman",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ayatollah",
        "imam",
        "mullah",
        "pope",
        "rev",
        "father",
        "brother",
        "sister",
        "caliph",
        "self",
        "styled",
        "former",
        "late",
        "deputy",
        "foreign",
        "defense",
        "defence",
        "interior",
        "of",
        "security",
        "isis",
        "isil",
        "is",
        "daesh",
        "state",
        "islamic",
        "militant",
        "mid",
        "level",
        "senior",
        "top",
        "acting",
        "interim",
        "elect",
        "mp",
        "mep",
        "director",
        "founder",
    }
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})
_LETTER_DIGIT = re.compile(r"([a-z])[- ](\d)")
_TOKEN_SPLIT = re.compile(r"[\s\u00a0]+")


_DETERMINERS = frozenset({"the", "a", "an", "this", "that"})


def content_words(text: str) -> list[str]:
    """``normalize_words`` without determiners: what "the ministry" and "ministry" share."""
    return [w for w in normalize_words(text) if w not in _DETERMINERS]


def normalize_words(text: str) -> list[str]:
    """ASCII, lowercase words with punctuation and possessives removed, spelling folded."""
    ascii_text = unidecode(text).lower().replace("'s ", " ").replace("\u2019s ", " ")
    ascii_text = re.sub(r"'s$", "", ascii_text)
    # "Su-34" and "F 16" name one thing: keep letters and digits together.
    ascii_text = _LETTER_DIGIT.sub(r"\1\2", ascii_text)
    words = [w for w in _NON_ALNUM.split(ascii_text) if w]
    return [_SPELLING.get(w, w) for w in words]


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Phonetic skeleton of one word: transliteration variants share it."""
    w = unidecode(word).lower().strip()
    w = _ARTICLE_PREFIX.sub("", w)
    w = _NON_ALNUM.sub("", w)
    if not w:
        return ""
    if w.isdigit():
        return w
    w = _FINAL_H.sub("", w)
    w = _U_BETWEEN_VOWELS.sub("w", w)
    for old, new in _DIGRAPHS:
        w = w.replace(old, new)
    w = w.translate(_LETTER_CLASS)
    w = re.sub(r"(.)\1+", r"\1", w)
    head, rest = w[0], w[1:].replace("a", "")
    out = re.sub(r"(.)\1+", r"\1", head + rest)
    return out or w


def key_type(label: str) -> str:
    return _TYPE_OF_LABEL.get(label, "misc")


def strip_titles(words: list[str]) -> list[str]:
    """Drop leading titles and roles ("Emir", "ISIS leader", "President") and suffixes."""
    start = 0
    while start < len(words) - 1 and words[start] in _TITLES:
        start += 1
    end = len(words)
    while end > start + 1 and words[end - 1] in _SUFFIXES:
        end -= 1
    return words[start:end]


def person_surname(text: str) -> str:
    """The surname as written after titles are removed ("" if none is left)."""
    raw = [t for t in _TOKEN_SPLIT.split(text.strip()) if t]
    raw = [re.sub(r"(?:'s|\u2019s)$", "", t) for t in raw]
    norm = [" ".join(normalize_words(t)) for t in raw]
    kept = [r for r, n in zip(raw, norm, strict=True) if n]
    kept_norm = [n for n in norm if n]
    if not kept:
        return ""
    stripped = strip_titles(kept_norm)
    if len(stripped) == 1 and stripped[0] in _TITLES:
        return ""
    offset = len(kept_norm) - len(stripped)
    tail = kept[offset : offset + len(stripped)]
    # "Abu-Bakr" is one token; its last part is what matters for a surname only if alone.
    return tail[-1] if tail else ""


def _org_body(words: list[str]) -> str:
    joined = " ".join(words)
    if joined in _ORG_ALIASES:
        return _ORG_ALIASES[joined]
    bare = [w for w in words if w != "the" and w not in _ARABIC_ARTICLES]
    joined = " ".join(bare)
    if joined in _ORG_ALIASES:
        return _ORG_ALIASES[joined]
    folded = sorted({skeleton(_DEMONYMS.get(w, w)) for w in bare if w not in _ORG_STOPWORDS} - {""})
    return " ".join(folded)


def _place_body(words: list[str]) -> str:
    bare = [w for w in words if w != "the" and w not in _ARABIC_ARTICLES]
    joined = " ".join(bare)
    if joined in _PLACE_ALIASES:
        return _PLACE_ALIASES[joined]
    return " ".join(s for s in (skeleton(w) for w in bare) if s)


def entity_key(text: str, label: str) -> str:
    """Canonical key of one mention, without article context ("" if nothing is left)."""
    kind = key_type(label)
    if kind == "per":
        surname = person_surname(text)
        body = " ".join(skeleton(p) for p in normalize_words(surname) if skeleton(p))
        # "Abu-Bakr" splits in two; the surname is its last part.
        body = body.split(" ")[-1] if body else ""
    elif kind == "org":
        body = _org_body(normalize_words(text))
    elif kind == "loc":
        body = _place_body(normalize_words(text))
    else:
        words = [w for w in normalize_words(text) if w != "the"]
        body = " ".join(s for s in (skeleton(_DEMONYMS.get(w, w)) for w in words) if s)
    return f"{kind}:{body}" if body else ""
