"""Training: leave-one-debate-out cross-validation, Platt calibration, the final fit.

1. For each debate, fit IDF and a class-weighted logistic regression on the other
   debates and score the held-out one: per-debate AP, R-Precision and P@k, and the
   out-of-fold decisions.
2. Fit the Platt calibration (a one-feature logistic regression) on those
   out-of-fold decisions, so probabilities reflect unseen debates.
3. Fit IDF and the regression on every debate for the shipped model.

liblinear with a fixed seed and IDF from counts make the result deterministic.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy
import sklearn
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from crosscheck.checkworthy.data import Debate
from crosscheck.checkworthy.metrics import RankingScores, mean_scores, ranking_scores
from services.extract.checkworthy import features
from services.extract.checkworthy.features import (
    FeatureSpace,
    HashedCounts,
    count_features,
    fit_idf,
)
from services.extract.checkworthy.model import FORMAT, CheckworthyModel

__all__ = ["CrossValidation", "TrainConfig", "cross_validate", "train_model"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    c: float = 1.0
    class_weight: str = "balanced"  # ~3 % positives
    max_iter: int = 5000
    seed: int = 0


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Leave-one-debate-out results, in the debates' order."""

    names: list[str]
    per_debate: list[RankingScores]
    decisions: list[FloatArray]

    @property
    def overall(self) -> RankingScores:
        return mean_scores(self.per_debate)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": "leave-one-debate-out",
            "overall": self.overall.as_dict(),
            "per_debate": {
                n: s.as_dict() for n, s in zip(self.names, self.per_debate, strict=True)
            },
        }


def _labels(debate: Debate) -> NDArray[np.int64]:
    if debate.labels is None:
        raise ValueError(f"{debate.name} has no labels")
    return np.asarray(debate.labels, dtype=np.int64)


def _fit(
    counts: Sequence[HashedCounts], labels: Sequence[NDArray[np.int64]], config: TrainConfig
) -> tuple[FeatureSpace, LogisticRegression]:
    space = fit_idf(HashedCounts.stack(counts))
    x = sparse.vstack([space.transform(c) for c in counts]).tocsr()
    y = np.concatenate(labels)
    regression = LogisticRegression(
        C=config.c,
        class_weight=config.class_weight,
        solver="liblinear",
        max_iter=config.max_iter,
        random_state=config.seed,
    )
    regression.fit(x, y)
    return space, regression


def _decide(
    space: FeatureSpace, regression: LogisticRegression, counts: HashedCounts
) -> FloatArray:
    return np.asarray(regression.decision_function(space.transform(counts)), dtype=np.float64)


def cross_validate(debates: Sequence[Debate], *, config: TrainConfig) -> CrossValidation:
    """Hold out each debate in turn; needs at least two debates."""
    if len(debates) < 2:
        raise ValueError("cross-validation by debate needs at least two debates")
    counts = [count_features(d.texts) for d in debates]
    labels = [_labels(d) for d in debates]
    per_debate: list[RankingScores] = []
    decisions: list[FloatArray] = []
    for held in range(len(debates)):
        rest = [i for i in range(len(debates)) if i != held]
        space, regression = _fit([counts[i] for i in rest], [labels[i] for i in rest], config)
        decided = _decide(space, regression, counts[held])
        decisions.append(decided)
        per_debate.append(ranking_scores(labels[held].tolist(), decided.tolist()))
    return CrossValidation([d.name for d in debates], per_debate, decisions)


def _platt(decisions: FloatArray, labels: NDArray[np.int64]) -> tuple[float, float]:
    """Scale and shift mapping decisions to calibrated probabilities."""
    calibrator = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    calibrator.fit(decisions.reshape(-1, 1), labels)
    return float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def train_model(
    debates: Sequence[Debate], *, config: TrainConfig, data_files: dict[str, str]
) -> tuple[CheckworthyModel, CrossValidation]:
    """Cross-validate, calibrate and fit the shipped model; ``data_files`` maps name -> sha256."""
    cv = cross_validate(debates, config=config)
    labels = [_labels(d) for d in debates]
    scale, shift = _platt(np.concatenate(cv.decisions), np.concatenate(labels))
    space, regression = _fit([count_features(d.texts) for d in debates], labels, config)
    metadata: dict[str, Any] = {
        "format": FORMAT,
        "data_files": data_files,
        "sentences": int(sum(len(d) for d in debates)),
        "positives": int(sum(int(y.sum()) for y in labels)),
        "features": {
            "word_ngrams": [1, 2],
            "word_buckets": 2**features.WORD_BITS,
            "tf": "sublinear, idf-weighted, l2-normalised",
            "context": f"previous and next sentence words, weight {features.CONTEXT_WEIGHT}",
            "cues": list(features.CUE_NAMES),
        },
        "params": asdict(config) | {"model": "LogisticRegression(liblinear)"},
        "calibration": {"method": "platt on out-of-fold decisions", "scale": scale, "shift": shift},
        "cross_validation": cv.as_dict(),
        "libraries": library_versions(),
    }
    model = CheckworthyModel(
        space=space,
        coef=np.asarray(regression.coef_[0], dtype=np.float64),
        intercept=float(regression.intercept_[0]),
        platt_scale=scale,
        platt_shift=shift,
        metadata=metadata,
    )
    return model, cv
