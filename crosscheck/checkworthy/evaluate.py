"""Score debates with a model, report the ranking metrics, write per-line scores."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crosscheck.checkworthy.data import Debate
from crosscheck.checkworthy.metrics import CUTOFFS, RankingScores, mean_scores, ranking_scores
from services.extract.checkworthy.model import CheckworthyModel

__all__ = ["evaluate", "format_table", "score_debates", "write_scores"]


def score_debates(model: CheckworthyModel, debates: Sequence[Debate]) -> list[NDArray[np.float64]]:
    """Calibrated scores of each debate's lines, each debate scored as one document."""
    return [model.score(d.texts) for d in debates]


def evaluate(
    debates: Sequence[Debate], scores: Sequence[NDArray[np.float64]]
) -> dict[str, RankingScores]:
    """Metrics of every labelled debate, by name; unlabelled ones are left out."""
    return {
        d.name: ranking_scores(d.labels, s.tolist())
        for d, s in zip(debates, scores, strict=True)
        if d.labels is not None
    }


def format_table(per_debate: dict[str, RankingScores]) -> str:
    """Per-debate rows and the macro mean (the task's MAP and means)."""
    head = ["debate", "AP", "R-Prec", *(f"P@{k}" for k in CUTOFFS)]
    rows = [[name, *_cells(s)] for name, s in per_debate.items()]
    rows.append(["overall (mean)", *_cells(mean_scores(list(per_debate.values())))])
    width = max(len(r[0]) for r in [head, *rows])
    lines = [f"{head[0]:<{width}}  " + "  ".join(f"{h:>6}" for h in head[1:])]
    lines += [f"{r[0]:<{width}}  " + "  ".join(f"{c:>6}" for c in r[1:]) for r in rows]
    return "\n".join(lines)


def _cells(s: RankingScores) -> list[str]:
    return [f"{v:.4f}" for v in (s.average_precision, s.r_precision, *s.precision_at.values())]


def write_scores(
    path: Path, debates: Sequence[Debate], scores: Sequence[NDArray[np.float64]]
) -> None:
    """``debate<TAB>line_number<TAB>score`` with a header, every line in input order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["debate", "line_number", "score"])
        for debate, values in zip(debates, scores, strict=True):
            for number, value in zip(debate.line_numbers, values, strict=True):
                writer.writerow([debate.name, number, f"{value:.6f}"])
