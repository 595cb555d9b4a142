"""Tokenising, light stemming, sentence splitting and the cue lexicons.

Everything here is pure and deterministic; the lexicons are hand-written for this
project and deliberately small, since the gradient-boosted model weighs them.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from functools import lru_cache

__all__ = [
    "CUE_NAMES",
    "STOPWORDS",
    "content_stems",
    "cue_counts",
    "numbers",
    "split_sentences",
    "stem",
    "tokenize",
]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A sentence ends at . ! ? (optionally followed by a closing quote) before whitespace,
# or at a line break; news bodies use both.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+|\n+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with you your yours yourself
    yourselves s t would also says said say new one two like get got us mr mrs ms
    """
)

# Cue families. Words are matched on lower-cased surface tokens, not stems, so that
# e.g. "claims" (hedge) and "claimed" stay distinct from unrelated stems.
_REFUTE = _words(
    """
    fake fakes faked fraud fraudulent hoax hoaxes false falsely deny denies denied denying
    denial bogus debunk debunks debunked debunking retract retracts retracted retraction
    refute refutes refuted untrue misleading satire satirical fabricated fabrication myth
    incorrect wrong baseless unfounded dismiss dismissed dismisses reject rejected rejects
    prank pranks spoof parody photoshopped doctored nonsense lie lies lied liar rubbish
    ridiculous absurd joke scam fiction fictional invented made-up erroneous inaccurate
    disputed dispute disputes contradict contradicts contradicted nope
    """
)
_HEDGE = _words(
    """
    reportedly allegedly alleged alleges claim claims claimed claiming rumor rumors rumored
    rumour rumours rumoured unconfirmed unverified may might could possibly possible
    perhaps apparently purportedly purported appears appear appeared seems seem seemed
    suggest suggests suggested speculation speculated speculate report reports reported
    according sources source believed supposedly whether unclear unknown suspected likely
    probably maybe if reports circulating circulated viral surfaced emerged
    """
)
_SUPPORT = _words(
    """
    confirmed confirms confirm confirmation officially announced announces announce
    verified true indeed revealed reveals shows showed proof proves proved evidence
    actually finally footage video photos pictured captured released admitted admits
    """
)
_NEGATION = _words(
    """
    not no never none nobody nothing neither nor without cannot nowhere hardly
    """
)

CUE_NAMES = ("refute", "hedge", "support", "negation", "question", "quote")


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Strip common English suffixes; crude but enough to match 'crashes'/'crashed'."""
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, keep in (
        ("ational", 5),
        ("ingly", 4),
        ("edly", 4),
        ("ness", 4),
        ("ment", 4),
        ("ings", 4),
        ("ing", 3),
        ("ies", 3),
        ("ied", 3),
        ("ers", 3),
        ("ed", 3),
        ("es", 3),
        ("ly", 3),
        ("er", 3),
        ("s", 3),
    ):
        if token.endswith(suffix) and len(token) - len(suffix) >= keep:
            base = token[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if suffix == "s" and base.endswith("s"):
                return token
            return base
    return token


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; apostrophe contractions stay attached ("isn't")."""
    return _TOKEN.findall(text.lower())


def content_stems(tokens: list[str]) -> list[str]:
    """Stems of the tokens that carry topic: no stopwords, no single characters."""
    # Interned: cached bodies share one copy of each stem instead of one per body.
    return [sys.intern(stem(t)) for t in tokens if len(t) > 1 and t not in STOPWORDS]


def numbers(text: str) -> frozenset[str]:
    """Numbers mentioned in the text, with thousands separators removed."""
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences (or paragraph lines) of a body; never empty for non-empty text."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    kept = [p for p in parts if p]
    return kept or [text]


def cue_counts(text: str, tokens: list[str]) -> tuple[int, int, int, int, int, int]:
    """Counts of each cue family in CUE_NAMES order."""
    counts = Counter(tokens)
    words = counts.keys()
    negation = sum(counts[t] for t in words & _NEGATION)
    negation += sum(c for t, c in counts.items() if t.endswith("n't"))
    quote = text.count('"') + text.count("\u201c") + text.count("\u201d")
    return (
        sum(counts[t] for t in words & _REFUTE),
        sum(counts[t] for t in words & _HEDGE),
        sum(counts[t] for t in words & _SUPPORT),
        negation,
        text.count("?"),
        quote,
    )
