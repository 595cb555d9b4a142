"""Classification figures: accuracy, per-class precision/recall/F1, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ClassReport", "classification_report", "share"]


def share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 digits, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class ClassReport:
    labels: tuple[str, ...]
    n: int
    accuracy: float | None
    macro_f1: float | None
    precision: dict[str, float | None]
    recall: dict[str, float | None]
    f1: dict[str, float]
    predicted: dict[str, int]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "predicted": self.predicted,
            "confusion_gold_by_predicted": self.confusion,
        }


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], *, labels: Sequence[str]
) -> ClassReport:
    """Figures of ``predicted`` against ``gold``; macro-F1 averages F1 over ``labels``."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    precision: dict[str, float | None] = {}
    recall: dict[str, float | None] = {}
    f1: dict[str, float] = {}
    for label in labels:
        hit = confusion[label][label]
        said = sum(confusion[g][label] for g in labels)
        real = sum(confusion[label].values())
        precision[label] = share(hit, said)
        recall[label] = share(hit, real)
        both = (precision[label] or 0.0) + (recall[label] or 0.0)
        f1[label] = (
            round(2 * (precision[label] or 0.0) * (recall[label] or 0.0) / both, 4) if both else 0.0
        )
    n = len(gold)
    correct = sum(confusion[label][label] for label in labels)
    return ClassReport(
        labels=tuple(labels),
        n=n,
        accuracy=share(correct, n),
        macro_f1=round(sum(f1.values()) / len(labels), 4) if n else None,
        precision=precision,
        recall=recall,
        f1=f1,
        predicted={p: sum(confusion[g][p] for g in labels) for p in labels},
        confusion=confusion,
    )
