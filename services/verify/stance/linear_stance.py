"""Linear text classifiers of stance, stacked as features for LightGBM.

The hand-written cue lexicons are small; logistic regressions over TF-IDF terms
learn the wider vocabulary of hedging, confirming and refuting. One reads the
body, one the headline (see LINEAR_SOURCES). A third over the body sentences
most similar to the headline was tried; it tripled training time for no dev gain. At training time their scores for a
pair must come from a model that did not see that pair's claim (out-of-fold), or
LightGBM would learn to trust them too much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression

__all__ = ["LINEAR_NAMES", "LINEAR_SOURCES", "LinearStance", "fit_linear_stance"]

LINEAR_SOURCES = ("body", "head")
_CLASSES = ("agree", "disagree", "discuss")
LINEAR_NAMES = tuple(f"lin_{src}_{c}" for src in LINEAR_SOURCES for c in _CLASSES)


@dataclass(frozen=True)
class LinearStance:
    """Multinomial logistic regression weights over the word vocabulary."""

    coef: NDArray[np.float32]
    intercept: NDArray[np.float32]

    def scores(self, x: sparse.csr_matrix) -> NDArray[np.float32]:
        """Class probabilities (agree, disagree, discuss) for TF-IDF rows."""
        logits = np.asarray(x @ self.coef.T, dtype=np.float64) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def fit_linear_stance(
    x: sparse.csr_matrix, labels: Sequence[int], *, weights: Sequence[float], c: float
) -> LinearStance:
    """Fit on body TF-IDF rows with stance labels 0..2 and sample weights."""
    y = np.asarray(labels, dtype=np.int64)
    n_classes = len(_CLASSES)
    coef = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
    # A class absent from the training slice gets a strongly negative bias.
    intercept = np.full(n_classes, -10.0, dtype=np.float32)
    present = np.unique(y)
    if len(present) < 2:
        intercept[present] = 0.0
        return LinearStance(coef=coef, intercept=intercept)
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, y, sample_weight=np.asarray(weights, dtype=np.float64))
    if len(present) == 2:
        # sklearn keeps one weight vector for two classes: logit of the second one.
        coef[present[1]] = clf.coef_[0]
        intercept[present[0]] = 0.0
        intercept[present[1]] = clf.intercept_[0]
    else:
        coef[:] = clf.coef_
        intercept[:] = clf.intercept_
    return LinearStance(coef=coef, intercept=intercept)
