"""The official FNC-1 score, per-class F1 and the confusion matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.verify.stance.labels import STANCE_CLASSES

__all__ = ["FncReport", "confusion_matrix", "evaluate", "fnc_score", "format_report"]

_RELATED = frozenset(STANCE_CLASSES[:3])


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """Raw FNC-1 score and the maximum possible score on ``gold``.

    Gold unrelated earns 0.25 when predicted unrelated. Gold related earns 0.25 for
    any related prediction and 0.75 more when the label is exact.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    raw = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        if g == "unrelated":
            best += 0.25
            raw += 0.25 if p == "unrelated" else 0.0
        else:
            best += 1.0
            if p in _RELATED:
                raw += 0.25 + (0.75 if p == g else 0.0)
    return raw, best


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str]) -> list[list[int]]:
    """Counts with gold classes as rows and predictions as columns, STANCE_CLASSES order."""
    index = {c: i for i, c in enumerate(STANCE_CLASSES)}
    matrix = [[0] * len(STANCE_CLASSES) for _ in STANCE_CLASSES]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


@dataclass(frozen=True)
class FncReport:
    """Every number we report for a labelled set."""

    n: int
    raw_score: float
    max_score: float
    relative_score: float
    f1: dict[str, float]
    macro_f1: float
    confusion: list[list[int]]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FncReport:
        """The report ``as_dict`` wrote (a model's stored dev scores)."""
        return cls(
            n=data["n"],
            raw_score=data["fnc_raw"],
            max_score=data["fnc_max"],
            relative_score=data["fnc_relative_pct"],
            f1=data["f1"],
            macro_f1=data["macro_f1"],
            confusion=data["confusion"],
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "fnc_raw": self.raw_score,
            "fnc_max": self.max_score,
            "fnc_relative_pct": self.relative_score,
            "f1": dict(self.f1),
            "macro_f1": self.macro_f1,
            "confusion": [list(r) for r in self.confusion],
        }


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> FncReport:
    """Score predictions against gold labels."""
    unknown = (set(gold) | set(predicted)) - set(STANCE_CLASSES)
    if unknown:
        raise ValueError(f"unknown stance labels: {sorted(unknown)}")
    raw, best = fnc_score(gold, predicted)
    matrix = confusion_matrix(gold, predicted)
    f1: dict[str, float] = {}
    for i, name in enumerate(STANCE_CLASSES):
        tp = matrix[i][i]
        gold_n = sum(matrix[i])
        pred_n = sum(row[i] for row in matrix)
        f1[name] = 2.0 * tp / (gold_n + pred_n) if gold_n + pred_n else 0.0
    return FncReport(
        n=len(gold),
        raw_score=raw,
        max_score=best,
        relative_score=100.0 * raw / best if best else 0.0,
        f1=f1,
        macro_f1=sum(f1.values()) / len(f1),
        confusion=matrix,
    )


def format_report(report: FncReport) -> str:
    """Plain-text rendering for the CLI."""
    width = max(len(c) for c in STANCE_CLASSES) + 2
    lines = [
        f"pairs: {report.n}",
        f"FNC score: {report.raw_score:.2f} / {report.max_score:.2f} "
        f"= {report.relative_score:.2f}%",
        "per-class F1: " + ", ".join(f"{c} {report.f1[c]:.4f}" for c in STANCE_CLASSES),
        f"macro-F1: {report.macro_f1:.4f}",
        "confusion (rows gold, columns predicted):",
        " " * width + "".join(f"{c:>{width}}" for c in STANCE_CLASSES),
    ]
    for name, row in zip(STANCE_CLASSES, report.confusion, strict=True):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines)
