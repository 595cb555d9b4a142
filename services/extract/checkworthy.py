"""Check-worthiness: how much a sentence states something a fact-checker could verify.

A linear score over a few interpretable features, clipped to [0, 1]. Names, numbers,
dates and attribution raise it; opinion, questions, first-person voice and
stative or vague predicates lower it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Features", "score"]

_VAGUE_PREDICATES = frozenset(
    {
        "look",
        "seem",
        "feel",
        "think",
        "believe",
        "hope",
        "wish",
        "like",
        "love",
        "want",
        "wonder",
        "guess",
        "imagine",
        "need",
        "deserve",
    }
)


@dataclass(frozen=True, slots=True)
class Features:
    n_tokens: int
    has_finite_verb: bool
    named_entities: int
    quantities: int
    times: int
    attributed: bool
    question: bool
    opinion_cues: int
    first_person: bool
    imperative: bool
    predicate: str | None
    past: bool = False
    heading: bool = False


def score(features: Features) -> float:
    """A score in [0, 1]; the caller compares it with ``checkworthy_threshold``."""
    f = features
    if f.question or f.imperative or f.heading or not f.has_finite_verb or f.n_tokens < 5:
        return 0.0
    value = 0.2
    value += 0.25 if f.named_entities else 0.0
    value += 0.05 if f.named_entities >= 2 else 0.0
    value += 0.2 if f.quantities else 0.0
    value += 0.15 if f.times else 0.0
    value += 0.1 if f.attributed else 0.0
    # Something that happened is checkable in a way a plan or a view is not.
    value += 0.1 if f.past else 0.0
    if f.predicate and f.predicate not in _VAGUE_PREDICATES and f.predicate != "be":
        value += 0.1
    if f.predicate in _VAGUE_PREDICATES:
        value -= 0.2
    value -= 0.45 * min(f.opinion_cues, 2)
    value -= 0.3 if f.first_person else 0.0
    value -= 0.1 if f.n_tokens > 80 else 0.0
    return max(0.0, min(1.0, round(value, 3)))
