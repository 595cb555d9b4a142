"""Who asserts a sentence: reporting verbs, "according to", and carry-over between sentences.

``find_cue`` reads one parsed sentence. ``SpeakerTracker`` carries the last speaker
forward so "it said", "the statement read" and bare quotes resolve to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

__all__ = [
    "PRONOUN_SPEAKERS",
    "REFERRING_SPEAKERS",
    "Cue",
    "find_cue",
    "is_media",
    "is_pronoun_speaker",
    "is_report_noun",
]

CUE_LEMMAS = frozenset(
    {
        "say",
        "claim",
        "state",
        "tell",
        "announce",
        "deny",
        "add",
        "report",
        "confirm",
        "insist",
        "allege",
        "assert",
        "warn",
        "note",
        "explain",
        "write",
        "declare",
        "acknowledge",
        "admit",
        "estimate",
        "argue",
        "suggest",
        "reveal",
        "maintain",
        "contend",
        "testify",
        "read",
        "indicate",
        "conclude",
        "rule",
        "accuse",
        "predict",
        "vow",
        "stress",
        "emphasize",
        "emphasise",
        "tweet",
        "post",
        "disclose",
        "reiterate",
        "counter",
        "reject",
        "dismiss",
        "find",
        "show",
        "signal",
        "concede",
        "boast",
    }
)
# Verbs an outlet reports with; "CNN confirmed" or "the Sun revealed" relays their report.
_RELAY_VERBS = frozenset(
    [
        "say",
        "report",
        "claim",
        "state",
        "write",
        "tell",
        "reveal",
        "confirm",
        "disclose",
        "note",
        "add",
        "publish",
        "announce",
    ]
)
# Verbs that report only with a clausal complement; "find" or "show" alone are events.
_NEEDS_CLAUSE = frozenset({"find", "show", "read", "post", "rule", "signal", "indicate", "write"})
_SOURCE_NOUNS = frozenset(
    {
        "claim",
        "information",
        "report",
        "statement",
        "data",
        "figure",
        "estimate",
        "account",
        "document",
        "record",
        "assessment",
        "analysis",
        "release",
        "filing",
        "source",
        "result",
        "count",
        "tally",
        "poll",
        "survey",
        "study",
        "finding",
        "projection",
    }
)
PRONOUN_SPEAKERS = frozenset({"it", "he", "she", "they", "we", "i"})
# Nouns that refer back to the last speaker's words, not to a new speaker.
REFERRING_SPEAKERS = frozenset({"statement", "communique", "communiqu"})
# A subject that cannot be a speaker: a relative or demonstrative word ("who said", "this
# shows"), a bare quantifier ("some say"), or a named thing that is not a party (a film, a
# product, a law, a date or a number: "Total Recall shows").
_NOT_SPEAKER_WORDS = frozenset(
    [
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "what",
        "this",
        "these",
        "those",
        "there",
        "here",
        "some",
        "many",
        "most",
        "all",
        "both",
        "each",
        "few",
        "several",
        "another",
        "any",
        "either",
        "neither",
        "others",
        "none",
    ]
)
_NOT_SPEAKER_LABELS = frozenset(
    [
        "WORK_OF_ART",
        "PRODUCT",
        "EVENT",
        "LAW",
        "DATE",
        "TIME",
        "MONEY",
        "QUANTITY",
        "PERCENT",
        "CARDINAL",
        "ORDINAL",
        "LANGUAGE",
    ]
)
# Nouns naming a report rather than a party: "reports say", "according to media reports".
_REPORT_NOUNS = frozenset(
    [
        "report",
        "reports",
        "media",
        "press",
        "story",
        "stories",
        "article",
        "articles",
        "rumour",
        "rumours",
        "rumor",
        "rumors",
        "tabloid",
        "tabloids",
    ]
)
# Words that make a speaker a news outlet: what it says is its report, relayed.
_MEDIA_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "mail",
        "journal",
        "herald",
        "tribune",
        "telegraph",
        "guardian",
        "gazette",
        "media",
        "daily",
        "weekly",
        "magazine",
        "newspaper",
        "newspapers",
        "paper",
        "tv",
        "television",
        "radio",
        "channel",
        "broadcaster",
        "wire",
        "outlet",
        "outlets",
        "website",
        "blog",
        "tabloid",
        "tabloids",
        "reuters",
        "ap",
        "afp",
        "bloomberg",
        "cnn",
        "bbc",
        "nbc",
        "abc",
        "cbs",
        "fox",
        "msnbc",
        "tmz",
        "buzzfeed",
        "gawker",
        "mashable",
        "techcrunch",
        "engadget",
        "variety",
        "politico",
        "axios",
        "sputnik",
        "tass",
        "xinhua",
        "dpa",
        "upi",
        "ria",
        "interfax",
        "yonhap",
        "kyodo",
        "aljazeera",
        "al-jazeera",
    ]
)
_QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb'\u2018\u2019"
_BREAKS = frozenset({"(", ")", "\u2014", "\u2013", ",", ":", "--"})
_TRIM = _QUOTES + " ,;:\u2014\u2013-"


@dataclass(frozen=True, slots=True)
class Cue:
    """An attribution found in one sentence; offsets are into the parsed doc."""

    speaker: str
    speaker_start: int
    speaker_end: int
    cue: str
    cue_lemma: str
    content_start: int
    content_end: int
    content_head: Token
    direct_quote: bool
    verb: Token | None
    relay: bool = False  # the speaker is a report or a news outlet: the sentence relays it


def is_pronoun_speaker(text: str) -> bool:
    return text.lower() in PRONOUN_SPEAKERS


def is_report_noun(word: str) -> bool:
    """``word`` names a report, not a party ("reports", "media")."""
    return word.lower() in _REPORT_NOUNS


def is_media(text: str) -> bool:
    """``text`` names a news outlet ("the Daily Mail", "CNN", "local media", "TMZ.com")."""
    lowered = text.lower()
    if re.search(r"\b[\w-]+\.(?:com|co\.uk|org|net|tv)\b", lowered):
        return True
    return any(w in _MEDIA_WORDS for w in re.findall(r"[\w-]+", lowered))


# What a picture shows is what it depicts; the picture has no voice ("Shocking picture
# shows mother trying to sell her son").
_IMAGE_NOUNS = frozenset(
    {"picture", "photo", "photograph", "image", "video", "footage", "clip", "pic", "snap"}
)


def _can_speak(head: Token, tokens: list[Token]) -> bool:
    """Whether a subject is a possible speaker (see ``_NOT_SPEAKER_WORDS``)."""
    if head.ent_type_ in _NOT_SPEAKER_LABELS:
        return False
    if head.lemma_.lower() in _IMAGE_NOUNS or head.lower_ in _IMAGE_NOUNS:
        return False
    words = [t for t in tokens if not t.is_punct]
    if len(words) == 1 and not words[0].text.isupper():
        return words[0].lower_ not in _NOT_SPEAKER_WORDS
    return True


def _relays(speaker: str, head: Token, cue_lemma: str) -> bool:
    if head.lemma_.lower() in _REPORT_NOUNS or head.lower_ in _REPORT_NOUNS:
        return True
    return is_media(speaker) and cue_lemma in _RELAY_VERBS


def _speaker_tokens(head: Token) -> list[Token]:
    """The speaker phrase, cut at the first comma or bracket after its head."""
    tokens = list(head.subtree)
    # Drop anything before a break that precedes the head, such as a "(MOSCOW) --" dateline.
    breaks = [t.i for t in tokens if t.i < head.i and t.text in _BREAKS]
    if breaks:
        tokens = [t for t in tokens if t.i > max(breaks)]
    kept: list[Token] = []
    for token in tokens:
        if token.i > head.i and (
            token.text in {",", "(", "\u2014", "\u2013"} or token.dep_ == "relcl"
        ):
            break
        kept.append(token)
    while kept and kept[-1].is_punct:
        kept.pop()
    return kept or [head]


def _span_chars(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and (text[end - 1] in _TRIM or text[end - 1] in ".!?"):
        end -= 1
    return start, end


def _is_direct(doc_text: str, start: int, end: int) -> bool:
    before = doc_text[max(0, start - 3) : start]
    return any(q in before for q in '"\u201c\u201e\u00ab') or (
        start < len(doc_text) and doc_text[start] in '"\u201c\u201e\u00ab'
    )


def _content_excluding(sent: Span, removed: set[int]) -> tuple[int, int] | None:
    """Character range of the sentence without the removed tokens, if it is one piece."""
    kept = [t for t in sent if t.i not in removed]
    while kept and (kept[0].is_punct or kept[0].is_space):
        kept.pop(0)
    while kept and (kept[-1].is_punct or kept[-1].is_space):
        kept.pop()
    if not kept:
        return None
    first, last = kept[0].i, kept[-1].i
    if any(i in removed for i in range(first, last + 1)):
        return None
    return _span_chars(kept)


def _own_clause(head: Token) -> bool:
    """A complement with a subject or a "that" of its own: "the study found that X rose" and
    "police found he had fled" report; "found growing at the palace", "finds husband
    cheating" and "picture shows mother trying to sell" describe what was seen."""
    return any(
        c.dep_ in {"nsubj", "nsubjpass", "expl"} or (c.dep_ == "mark" and c.lower_ == "that")
        for c in head.children
    )


def _verb_cue(sent: Span, doc_text: str) -> Cue | None:
    for verb in sent:
        if verb.lemma_.lower() not in CUE_LEMMAS or verb.pos_ not in {"VERB", "AUX"}:
            continue
        if verb.dep_ not in {"ROOT", "parataxis", "conj", "advcl", "ccomp"}:
            continue
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if not subjects and verb.dep_ == "conj":
            # "X claimed victory and said ...": the second verb shares the first one's subject.
            subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
        if not subjects or subjects[0].dep_ == "nsubjpass":
            continue
        lemma = verb.lemma_.lower()
        clause = [
            c
            for c in verb.children
            if (c.dep_ == "ccomp" and (lemma not in _NEEDS_CLAUSE or _own_clause(c)))
            or (c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"} and lemma not in _NEEDS_CLAUSE)
        ]
        content_head: Token | None = clause[0] if clause else None
        if content_head is not None:
            tokens = [t for t in content_head.subtree if t.i != verb.i]
            start, end = _span_chars(tokens)
        elif verb.dep_ in {"parataxis", "ccomp", "advcl"} and verb.head.i != verb.i:
            if verb.lemma_.lower() in _NEEDS_CLAUSE and verb.lemma_.lower() != "read":
                continue
            content_head = verb.head
            chars = _content_excluding(sent, {t.i for t in verb.subtree})
            if chars is None:
                continue
            start, end = chars
        else:
            continue
        speaker = _speaker_tokens(subjects[0])
        if not _can_speak(subjects[0], speaker):
            continue
        s_start, s_end = _span_chars(speaker)
        start, end = _trimmed(doc_text, start, end)
        if doc_text[start : start + 5].lower() == "that ":
            start += 5
        if end <= start:
            continue
        return Cue(
            speaker=doc_text[s_start:s_end],
            speaker_start=s_start,
            speaker_end=s_end,
            cue=verb.text,
            cue_lemma=verb.lemma_.lower(),
            content_start=start,
            content_end=end,
            content_head=content_head,
            direct_quote=_is_direct(doc_text, start, end),
            verb=verb,
            relay=_relays(doc_text[s_start:s_end], subjects[0], verb.lemma_.lower()),
        )
    return None


def _according_cue(sent: Span, doc_text: str) -> Cue | None:
    for token in sent:
        if token.lower_ != "according":
            continue
        preps = [c for c in token.children if c.lower_ == "to"]
        objects = [c for p in preps for c in p.children if c.dep_ == "pobj"]
        if not objects:
            continue
        source = objects[0]
        speaker_head = source
        if source.lemma_.lower() in _SOURCE_NOUNS:
            for sub in source.subtree:
                if sub.dep_ in {"agent", "prep"} and sub.lower_ in {"by", "from", "of", "in"}:
                    pobj = [c for c in sub.children if c.dep_ == "pobj"]
                    if pobj:
                        speaker_head = pobj[0]
                        break
        phrase = {t.i for t in token.subtree} | {token.i}
        chars = _content_excluding(sent, phrase)
        if chars is None:
            continue
        start, end = _trimmed(doc_text, *chars)
        if end <= start:
            continue
        heads = [t for t in sent if t.i not in phrase and t.dep_ == "ROOT"]
        head = heads[0] if heads else sent.root
        speaker = _speaker_tokens(speaker_head)
        if not _can_speak(speaker_head, speaker):
            continue
        s_start, s_end = _span_chars(speaker)
        # "According to reports", "according to a report in the Sun", "according to CNN".
        relay = source.lemma_.lower() in _REPORT_NOUNS or is_media(doc_text[s_start:s_end])
        return Cue(
            speaker=doc_text[s_start:s_end],
            speaker_start=s_start,
            speaker_end=s_end,
            cue="according to",
            cue_lemma="according to",
            content_start=start,
            content_end=end,
            content_head=head,
            direct_quote=_is_direct(doc_text, start, end),
            verb=None,
            relay=relay,
        )
    return None


# People who speak in a headline's "Analyst: ..." or "...: Cops" without a name of their own.
_SPEAKER_ROLES_TEXT = """analyst analysts congressman congresswoman rep senator official officials police cops
    expert experts source sources insider insiders witness witnesses doctor doctors scientist
    scientists researcher researchers lawyer lawyers spokesman spokeswoman spokesperson
    government ministry military army navy pentagon paper newspaper report reports study
    survey poll family mother father sister brother wife husband president minister chief
    governor mayor sheriff prosecutor prosecutors court judge agency watchdog activists
    group rebels militants"""
_SPEAKER_ROLES = frozenset(_SPEAKER_ROLES_TEXT.split())
_FIRST_PERSON_WORDS = frozenset({"i", "we", "our", "us", "my", "me"})
_COLON_SIDE_MAX = 5  # tokens: "Rep. Duncan Hunter", "South Korea paper"


def _colon_speaker(tokens: list[Token]) -> bool:
    """Whether a short verbless side of a headline's colon names who says the other side."""
    words = [t for t in tokens if not t.is_punct]
    if not words or len(words) > _COLON_SIDE_MAX:
        return False
    if any(t.pos_ in {"VERB", "AUX"} for t in words):
        return False
    head = words[-1]  # an English noun phrase ends in its head: "South Korea *paper*"
    if head.lower_ == "news":  # a section label: "Isis Syria News: ..."
        return False
    if head.ent_type_ in _NOT_SPEAKER_LABELS or not _can_speak(head, words):
        return False
    if head.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}:
        return True
    return head.lower_ in _SPEAKER_ROLES or head.lemma_.lower() in _SPEAKER_ROLES


def _colon_cue(sent: Span, doc_text: str) -> Cue | None:
    """A headline's "Speaker: statement" or "statement: Speaker"."""
    colons = [t for t in sent if t.text == ":"]
    if len(colons) != 1:
        return None
    colon = colons[0]
    tokens = [t for t in sent if not t.is_space]
    left = [t for t in tokens if t.i < colon.i]
    right = [t for t in tokens if t.i > colon.i and not (t.is_punct and t.i == tokens[-1].i)]
    if _colon_speaker(left) and len(right) >= 3:
        speaker, content = left, right
    elif _colon_speaker(right) and len(left) >= 3:
        speaker, content = right, left
    else:
        return None
    named = [t for t in speaker if not t.is_punct]
    # "Bosnia: Seven girls return from school trip pregnant" says where, not who; a country
    # speaks through a colon only in the first person ("Iraq: We will retake Mosul").
    if named[-1].ent_type_ in {"GPE", "LOC"} and not any(
        t.lower_ in _FIRST_PERSON_WORDS for t in content
    ):
        return None
    s_start, s_end = _span_chars(named)
    start, end = _trimmed(doc_text, *_span_chars(content))
    if end <= start:
        return None
    roots = [t for t in content if t.head.i == t.i or t.head not in content]
    head = roots[0] if roots else content[0]
    said_by = doc_text[s_start:s_end]
    last = speaker[-1]
    return Cue(
        speaker=said_by,
        speaker_start=s_start,
        speaker_end=s_end,
        cue=":",
        cue_lemma=":",
        content_start=start,
        content_end=end,
        content_head=head,
        direct_quote=_is_direct(doc_text, start, end),
        verb=None,
        relay=last.lower_ in _REPORT_NOUNS
        or last.lemma_.lower() in _REPORT_NOUNS
        or is_media(said_by),
    )


def find_cue(sent: Span, doc_text: str) -> Cue | None:
    """The attribution of one sentence; a reporting verb wins over "according to", which
    wins over a headline's colon.

    ``doc_text`` is ``sent.doc.text``, passed in because spaCy rebuilds it on every access.
    """
    return _verb_cue(sent, doc_text) or _according_cue(sent, doc_text) or _colon_cue(sent, doc_text)
