"""Ranking metrics of the CheckThat! task: AP, R-Precision and P@k per debate, and means.

A debate's sentences are ranked by score, highest first; ties keep input order (a
stable sort), so a constant score ranks the debate as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CUTOFFS",
    "RankingScores",
    "average_precision",
    "mean_scores",
    "precision_at",
    "r_precision",
    "ranking_scores",
]

CUTOFFS = (5, 10, 20)


def _ranked(labels: Sequence[int], scores: Sequence[float]) -> np.ndarray:
    if len(labels) != len(scores):
        raise ValueError("labels and scores differ in length")
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return np.asarray(labels, dtype=np.int64)[order]


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Mean of the precision at each relevant sentence's rank; 0 with none relevant."""
    ranked = _ranked(labels, scores)
    relevant = int(ranked.sum())
    if relevant == 0:
        return 0.0
    hits = np.cumsum(ranked)
    precision = hits / np.arange(1, len(ranked) + 1)
    return float((precision * ranked).sum() / relevant)


def precision_at(labels: Sequence[int], scores: Sequence[float], k: int) -> float:
    """Relevant sentences among the top ``k``, over ``k`` (the official P@k)."""
    if k <= 0:
        raise ValueError("k must be positive")
    return float(_ranked(labels, scores)[:k].sum() / k)


def r_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Precision at R, R being the number of relevant sentences; 0 with none relevant."""
    ranked = _ranked(labels, scores)
    relevant = int(ranked.sum())
    return float(ranked[:relevant].sum() / relevant) if relevant else 0.0


@dataclass(frozen=True, slots=True)
class RankingScores:
    average_precision: float
    r_precision: float
    precision_at: dict[int, float]

    def as_dict(self) -> dict[str, float]:
        out = {"ap": self.average_precision, "r_precision": self.r_precision}
        out.update({f"p@{k}": v for k, v in self.precision_at.items()})
        return out


def ranking_scores(labels: Sequence[int], scores: Sequence[float]) -> RankingScores:
    """Every metric for one debate."""
    return RankingScores(
        average_precision=average_precision(labels, scores),
        r_precision=r_precision(labels, scores),
        precision_at={k: precision_at(labels, scores, k) for k in CUTOFFS},
    )


def mean_scores(per_debate: Sequence[RankingScores]) -> RankingScores:
    """Macro means over debates (MAP and the rest, as the task reports them)."""
    if not per_debate:
        raise ValueError("no debates to average")
    return RankingScores(
        average_precision=float(np.mean([s.average_precision for s in per_debate])),
        r_precision=float(np.mean([s.r_precision for s in per_debate])),
        precision_at={k: float(np.mean([s.precision_at[k] for s in per_debate])) for k in CUTOFFS},
    )
