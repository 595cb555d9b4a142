"""Headline-style text: lines without a final stop, Title Case, and short debunks.

Rumours travel as headlines ("Christian Bale Is Steve Jobs", "Bodies found in Mexico
town"), so a line without a final full stop is read like a sentence when it has a verb.
Headlines drop auxiliaries ("found" for "were found", "to appear" for "will appear"), so
a participle or a *to*-infinitive counts as their verb. Title Case makes the tagger read
every word as a proper name; ``recase`` lower-cases the words that are only ever common
words in English (function words, and words the lemmatizer's WordNet tables know as verb,
adjective or adverb but never as a noun), which keeps names such as "Apple" or "Bale"
capitalised. Lower-casing keeps every offset, so the parse is read against the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Span

__all__ = [
    "Lexicon",
    "elided_denial",
    "headline_verb",
    "is_debunk",
    "is_title_case",
    "lexicon",
    "misread_verb",
    "recase",
]

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
# A line is Title Case when at least this share of its longer non-function words is capitalised.
_TITLE_SHARE = 0.75
_TITLE_MIN_WORDS = 3
# Names of this many words or more are checked for a headline run into them.
_RUNAWAY_MIN_WORDS = 3
_ELIDED_TAGS = frozenset({"VBN", "VBG"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Words saying that a story, report or picture is false; read on the clause's predicate.
_DEBUNK_TEXT = """hoax hoaxes fake fakes false untrue myth myths fabricated fabrication
    fiction fictional bogus baseless groundless debunked satire satirical spoof prank
    photoshopped doctored unfounded misinformation disinformation
    lie lies inaccurate exaggerated misleading erroneous nonsense"""
_DEBUNK_WORDS = frozenset(_DEBUNK_TEXT.split())
_DEBUNK_PHRASES = re.compile(
    r"\b(?:not\s+true|no\s+truth|made\s+up|not\s+real|never\s+happened|did\s+not\s+happen"
    r"|didn't\s+happen|is\s+a\s+joke|was\s+a\s+joke)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lower-case words known only as common words (never as a noun)."""

    common: frozenset[str]
    verb_forms: dict[str, str]
    nouns: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()  # every verb the tables know, nouns too ("catch")

    def english_share(self, text: str) -> float:
        """Share of the words of ``text`` that are English words the tables know.

        A capitalised word the tables do not know is a name ("Fidel Castro"), in any
        language, so it counts neither way: "Fidel Castro has died" is all English.
        """
        known = unknown = 0
        for word in _WORD.findall(text):
            low = word.lower()
            # Two-letter words the tables know ("ha", "la", "en") are other languages' words
            # too; English's own are stop words.
            if low in STOP_WORDS or (len(low) > 2 and self._known(low)):
                known += 1
            elif not word[:1].isupper():
                unknown += 1
        return known / (known + unknown) if known else 0.0

    def _known(self, low: str) -> bool:
        return self.only_common(low) or low in self.nouns or low.rstrip("s") in self.nouns

    def name_length(self, name: str) -> int:
        """How much of ``name``, a named entity of a Title Case line, is a name: the tagger
        runs names on into the headline ("Obama Orders Fed To Adopt Euro Currency",
        "Abu Bakr al-Baghdadi Detained"). The name ends before its first later capitalised
        word that is only ever a common word, trailing function words dropped; 0 when
        nothing of it is left, ``len(name)`` when it is whole."""
        words = list(_WORD.finditer(name))
        if len(words) < _RUNAWAY_MIN_WORDS:
            return len(name)
        cut = next(
            (
                i
                for i, m in enumerate(words[1:], start=1)
                if m.group(0)[:1].isupper()
                and m.group(0).lower() not in STOP_WORDS
                and self.only_common(m.group(0))
            ),
            None,
        )
        if cut is None:
            return len(name)
        kept = words[:cut]
        while kept and kept[-1].group(0).lower() in STOP_WORDS:
            kept.pop()
        return kept[-1].end() if kept else 0

    def only_common(self, word: str) -> bool:
        low = word.lower()
        if low in STOP_WORDS:
            return True
        return low in self.common or self.verb_forms.get(low, "") in self.common


def _tables(nlp: Language) -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    if "lemmatizer" not in nlp.pipe_names:
        return {}, {}
    lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    index = lookups.get_table("lemma_index") if lookups.has_table("lemma_index") else {}
    exc = lookups.get_table("lemma_exc") if lookups.has_table("lemma_exc") else {}
    return (
        {pos: list(index.get(pos, [])) for pos in ("noun", "verb", "adj", "adv")},
        {"verb": dict(exc.get("verb", {}))},
    )


@cache
def lexicon(nlp: Language) -> Lexicon:
    """The common-word lexicon of ``nlp``'s lemmatizer tables (empty without them)."""
    index, exc = _tables(nlp)
    nouns = set(index.get("noun", []))
    common = {
        w
        for pos in ("verb", "adj", "adv")
        for w in index.get(pos, [])
        if w not in nouns and w.isalpha()
    }
    verb_forms = {form: lemmas[0] for form, lemmas in exc.get("verb", {}).items() if lemmas}
    # Regular inflections of the verbs kept, so "Discovered" and "Rethinking" are found.
    for verb in [w for w in common if w in set(index.get("verb", []))]:
        stem = verb[:-1] if verb.endswith("e") else verb
        for form in (verb + "s", verb + "es", stem + "ed", verb + "d", stem + "ing"):
            verb_forms.setdefault(form, verb)
    return Lexicon(
        common=frozenset(common),
        verb_forms=verb_forms,
        nouns=frozenset(nouns),
        verbs=frozenset(index.get("verb", [])),
    )


def is_title_case(text: str) -> bool:
    """Most longer content words of ``text`` start with a capital (a Title Case headline)."""
    words = [w for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in STOP_WORDS]
    if len(words) < _TITLE_MIN_WORDS or all(w.isupper() for w in words):
        return False
    capital = sum(1 for w in words if w[:1].isupper())
    return capital >= _TITLE_SHARE * len(words)


def recase(text: str, lex: Lexicon) -> str:
    """``text`` with its Title Case common words lower-cased; same length, same offsets."""
    out = list(text)
    first = True
    for match in _WORD.finditer(text):
        word = match.group(0)
        if first:
            first = False
            continue
        if word[:1].isupper() and word[1:].islower() and lex.only_common(word):
            out[match.start()] = word[0].lower()
    return "".join(out)


def headline_verb(sent: Span) -> bool:
    """The line has a subject and a verb, counting the forms headlines use for finite ones.

    A line that ends in a colon introduces what follows ("The Daily Mail added:"), and one
    without a subject is a fragment ("More to come").
    """
    if sent.text.rstrip().endswith(":"):
        return False
    root = sent.root
    subject = any(t.dep_ in {"nsubj", "nsubjpass", "expl"} for t in sent) or (
        root.pos_ in {"NOUN", "PROPN"} and any(c.dep_ in {"acl", "relcl"} for c in root.children)
    )
    if not subject:
        return False
    for token in sent:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        if token.tag_ in _FINITE_TAGS or token.tag_ in _ELIDED_TAGS:
            return True
        if token.tag_ == "VB" and any(c.lower_ == "to" for c in token.children):
            return True
    return False


def misread_verb(sent: Span, verbs: frozenset[str]) -> bool:
    """A headline verb the tagger read as a plural noun: "Italian fisherman catches monstrous
    280-pound catfish", "Bali spider burrows under Aussie's chest". The sentence's root is
    a plural noun right after a noun (its subject), is the third person of a known verb,
    and has words after it (its object or complement)."""
    root = sent.root
    if root.tag_ != "NNS" or root.i <= sent.start or root.i + 1 >= sent.end:
        return False
    if sent.doc[root.i - 1].tag_ not in {"NN", "NNP", "NNPS"}:
        return False
    if all(t.is_punct or t.is_space for t in sent.doc[root.i + 1 : sent.end]):
        return False
    word = root.lower_
    stems = [word[:-1]] + ([word[:-2]] if word.endswith("es") else [])
    return word.endswith("s") and any(s in verbs for s in stems)


def elided_denial(sent: Span) -> bool:
    """A verbless headline that denies: "al-Baghdadi Not Dead", "Missing item not a nuclear
    weapon", "No gender segregation on Saudia". Headlines drop the copula, not the "not".

    The negation must follow a noun (the subject) and be followed by what it denies; a
    leading "No" must govern a noun with something said of it.
    """
    tokens = [t for t in sent if not t.is_punct and not t.is_space]
    if len(tokens) < 3 or any(t.tag_ in _FINITE_TAGS for t in tokens):
        return False
    # A line, or a speaker's words after a colon ("Homeland Security: No ISIL fighters on
    # U.S. border"), opening with "No".
    openers = [tokens[0], *(t.nbor() for t in sent[:-1] if t.text == ":")]
    for first in openers:
        if first.lower_ == "no" and first.head.pos_ in {"NOUN", "PROPN"}:
            head = first.head
            if any(t.dep_ in {"prep", "amod", "acl"} and t.head == head for t in tokens):
                return True
    for n, token in enumerate(tokens[1:-1], start=1):
        if token.lower_ != "not" or token.dep_ != "neg":
            continue
        subject = any(t.pos_ in {"NOUN", "PROPN"} for t in tokens[:n])
        denied = tokens[n + 1].pos_ in {"DET", "ADJ", "NOUN", "PROPN", "ADP", "NUM"}
        if subject and denied:
            return True
    return False


def is_debunk(sent: Span) -> bool:
    """The sentence calls a story, report or claim false ("the story is a hoax")."""
    if _DEBUNK_PHRASES.search(sent.text):
        return True
    root = sent.root
    for token in sent:
        if token.lower_ not in _DEBUNK_WORDS:
            continue
        # On a predicate ("is a hoax", "said the report was fake"), not inside a subject
        # ("a hoax caller").
        on_clause = token.head.i == root.i or token.head.dep_ in {"ccomp", "xcomp"}
        if on_clause and token.dep_ in {"attr", "acomp", "oprd", "dobj"}:
            return True
        # A verbless headline's predicate hangs off its subject: "3-Boobed Woman a Fake".
        if token.dep_ == "appos" and token.head.i == root.i and root.pos_ in {"NOUN", "PROPN"}:
            return True
        if token.i == root.i or (token.dep_ == "amod" and token.head.dep_ in {"attr", "oprd"}):
            return True
    return False
