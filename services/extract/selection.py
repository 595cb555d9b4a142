"""Which of an article's sentences become claims: a score threshold, then a budget by length.

A sentence is kept when a rule keeps it (the title, the body's first headline-style line,
the lede that restates the title, a debunk), or when it ranks within the article's budget
and its check-worthiness reaches the threshold or a rule lets it in (later headline-style
lines: captions and crossheads, which can be dozens in one article). The budget is every statement of a short article; beyond ``full_up_to``
statements it grows as the fourth root of length, since a long story adds background,
quotes and restatements faster than it adds facts.

Within the article, sentences that name something or carry a number or a date rank
before those that do not; then the score, discounted by position (news puts its central
claims first). On FNC-1 news bodies, the sentences ranked low this way are the ones that
least often state what other outlets' headlines say about the same story
(``bench/claims_per_article.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Candidate", "claim_budget", "select_sentences"]

# A statement's score counts half at its 11th statement, a third at its 21st: the
# inverted pyramid, softly; within a short article it decides nothing.
_POSITION_SCALE = 10.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence of an article, as the selection sees it."""

    score: float  # calibrated check-worthiness
    statement: bool  # passed the gates: it can state a checkable fact
    always: bool  # kept by rule, whatever its score and rank
    checkable: bool  # names something, or carries a number or a date
    by_rule: bool = False  # a rule lets it in below the threshold, within the budget (it counts)


def claim_budget(statements: int, *, full_up_to: int, growth: float) -> int:
    """How many of an article's ``statements`` may be kept (rule-kept sentences aside).

    All of them up to ``full_up_to``; beyond, ``ceil(full_up_to * (statements /
    full_up_to) ** growth)``: equal to ``full_up_to`` where the two meet, then growing
    with exponent ``growth`` (0 is a flat cap, 1 no cap).
    """
    if statements <= full_up_to:
        return max(statements, 0)
    return math.ceil(full_up_to * math.pow(statements / full_up_to, growth))


def select_sentences(
    candidates: Sequence[Candidate], *, threshold: float, full_up_to: int, growth: float
) -> list[bool]:
    """Whether each sentence, given in the article's order, becomes a claim."""
    position: list[int] = []  # how many statements (rule-admitted lines too) precede each
    statements = 0
    for c in candidates:
        position.append(statements)
        statements += int(c.statement or c.by_rule)
    budget = claim_budget(statements, full_up_to=full_up_to, growth=growth)
    eligible = [
        i
        for i, c in enumerate(candidates)
        if not c.always and (c.by_rule or (c.statement and c.score >= threshold))
    ]

    def rank(i: int) -> tuple[bool, float, int]:
        c = candidates[i]
        return (not c.checkable, -c.score / (1.0 + position[i] / _POSITION_SCALE), i)

    chosen = set(sorted(eligible, key=rank)[:budget])
    return [c.always or i in chosen for i, c in enumerate(candidates)]
