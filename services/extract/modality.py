"""Hedging cues and negation."""

from __future__ import annotations

import re

from spacy.tokens import Token

__all__ = ["DENIAL_CUES", "find_hedges", "is_negated"]

# Longest alternatives first so "may have" wins over "may".
_HEDGE_PHRASES = (
    "could not be independently verified",
    "could not independently verify",
    "could not be independently confirmed",
    "has not been confirmed",
    "have not been confirmed",
    "not independently verified",
    "could not confirm",
    "could not be confirmed",
    "not been confirmed",
    "did not confirm",
    "not been verified",
    "if confirmed",
    "if true",
    "being verified",
    "being checked",
    "being investigated",
    "yet to be confirmed",
    "may have",
    "might have",
    "could have",
    "must have",
    "is believed to",
    "are believed to",
    "was believed to",
    "were believed to",
    "is thought to",
    "are thought to",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "appears to",
    "appeared to",
    "seems to",
    "seemed to",
    "is understood to",
    "according to claims",
    "according to information",
    "reportedly",
    "allegedly",
    "alleged",
    "purportedly",
    "purports",
    "purported",
    "supposedly",
    "apparently",
    "presumably",
    "possibly",
    "probably",
    "likely",
    "unlikely",
    "unconfirmed",
    "unverified",
    "suspected",
    "rumoured",
    "rumored",
    "claims",
    "claimed",
    "may",
    "might",
    "could",
    "perhaps",
)
_HEDGE = re.compile(
    r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _HEDGE_PHRASES) + r")\b",
    re.IGNORECASE,
)
_MAY_VERB = re.compile(r"May\s+(?:have|be|not|also|still|well|already)\b")
_NEGATIVE_WORDS = frozenset({"no", "never", "nobody", "nothing", "none", "neither", "nor"})
DENIAL_CUES = frozenset({"deny", "reject", "dismiss", "refute", "rebut", "dispute"})


def find_hedges(text: str) -> list[str]:
    """Hedging cues as written, in order, without repeats."""
    seen: list[str] = []
    for match in _HEDGE.finditer(text):
        if match.group(0).startswith("May") and not _MAY_VERB.match(text, match.start()):
            continue  # the month, not the modal
        cue = " ".join(match.group(0).lower().split())
        if cue not in seen:
            seen.append(cue)
    return seen


def is_negated(head: Token) -> bool:
    """The clause headed by ``head`` is negated ("did not kill", "no one was hurt").

    A verbless head, as headlines have ("Batmobile wasn't stolen: Cops", "item not a
    nuclear weapon"), carries the negation of the clause or noun phrase it governs."""
    if _negates_directly(head):
        return True
    if head.pos_ in {"VERB", "AUX"}:
        return False
    return any(
        _negates_directly(child) for child in head.children if child.dep_ in _VERBLESS_CLAUSE_DEPS
    )


_VERBLESS_CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "npadvmod", "appos", "acl"})


def _negates_directly(head: Token) -> bool:
    for child in head.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in {"aux", "auxpass"} and any(c.dep_ == "neg" for c in child.children):
            return True
        if child.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"}:
            if child.lower_ in _NEGATIVE_WORDS:
                return True
            if any(c.dep_ == "det" and c.lower_ == "no" for c in child.children):
                return True
    return False
