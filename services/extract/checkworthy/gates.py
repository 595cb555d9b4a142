"""Sentences the extractor never keeps as claims, whatever the model says.

The model ranks sentences as fact-checkers rank debate lines; these gates drop what
is not a reporter's or a source's statement of fact in an article: questions,
imperatives, headings, fragments without a finite verb, very short lines, opinion
cues, and the writer's own first-person voice (first person outside quotes with no
speaker: columns and letters, where the debate-trained model cannot tell).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIN_TOKENS", "Shape", "is_statement"]

MIN_TOKENS = 5


@dataclass(frozen=True, slots=True)
class Shape:
    """What the parse says about a sentence's form."""

    n_tokens: int
    has_finite_verb: bool
    question: bool
    imperative: bool
    heading: bool
    opinion_cues: int
    writer_first_person: bool


def is_statement(shape: Shape) -> bool:
    """True when the sentence can state a checkable fact."""
    return not (
        shape.question
        or shape.imperative
        or shape.heading
        or not shape.has_finite_verb
        or shape.n_tokens < MIN_TOKENS
        or shape.opinion_cues > 0
        or shape.writer_first_person
    )
