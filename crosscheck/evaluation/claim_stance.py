"""Fit the claim-vs-claim stance (``services.verify.stance.claim_pairs``) on Emergent pairs.

Only the fit side of the claim split (``splits``, seed 20) is used for fitting and for
cross-validation (grouped by claim); the dev side is scored once, for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from crosscheck.evaluation.metrics import classification_report
from crosscheck.evaluation.splits import DEFAULT_SEED, split_of
from crosscheck.evaluation.veracity import EmergentClaim, read_emergent
from services.verify.stance import load_stance_model
from services.verify.stance.claim_pairs import EMERGENT_LABELS, ClaimStance, features

__all__ = ["fit_claim_stance"]

FOLDS = 5
C = 1.0


def _pairs(claims: Sequence[EmergentClaim]) -> tuple[list[str], list[str], list[int], list[str]]:
    texts, others, labels, groups = [], [], [], []
    for claim in claims:
        for head in claim.headlines:
            if head.stance not in EMERGENT_LABELS:
                continue
            texts.append(claim.text)
            others.append(head.text)
            labels.append(EMERGENT_LABELS.index(head.stance))
            groups.append(claim.claim_id)
    return texts, others, labels, groups


def _fit(x: NDArray[np.float64], y: NDArray[np.int64]) -> NDArray[np.float64]:
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit(x[:, :-1], y)  # the bias column is the intercept
    weights = np.vstack([model.coef_.T, model.intercept_[None, :]])
    order = [list(model.classes_).index(k) for k in range(len(EMERGENT_LABELS))]
    out: NDArray[np.float64] = weights[:, order]
    return out


def _report(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, Any]:
    names = list(EMERGENT_LABELS)
    return classification_report(
        [names[g] for g in gold], [names[p] for p in predicted], labels=names
    ).as_dict()


def fit_claim_stance(data: Path, *, seed: int = DEFAULT_SEED) -> tuple[ClaimStance, dict[str, Any]]:
    """Fit on the fit side; figures: grouped CV on the fit side, FNC-1 alone, and dev."""
    claims = read_emergent(data)
    fit = [c for c in claims if split_of(c.claim_id, seed=seed) == "fit"]
    dev = [c for c in claims if split_of(c.claim_id, seed=seed) == "dev"]
    fnc = load_stance_model()

    def matrix(part: Sequence[EmergentClaim]) -> tuple[Any, ...]:
        texts, others, labels, groups = _pairs(part)
        probs = np.asarray(fnc.predict_proba(texts, others), dtype=np.float64)
        return features(probs, texts, others), np.asarray(labels), groups, probs

    x, y, groups, probs = matrix(fit)
    oof = np.zeros(len(y), dtype=np.int64)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        oof[test] = np.argmax(x[test] @ _fit(x[train], y[train]), axis=1)
    weights = _fit(x, y)
    xd, yd, _, probs_dev = matrix(dev)
    figures: dict[str, Any] = {
        "fit_claims": len(fit),
        "fit_pairs": len(y),
        "dev_claims": len(dev),
        "dev_pairs": len(yd),
        "cv_fit": _report(y.tolist(), oof.tolist()),
        "fnc_alone_fit": _report(y.tolist(), np.argmax(probs[:, :3], axis=1).tolist()),
        "dev": _report(yd.tolist(), np.argmax(xd @ weights, axis=1).tolist()),
        "fnc_alone_dev": _report(yd.tolist(), np.argmax(probs_dev[:, :3], axis=1).tolist()),
    }
    metadata = {
        "fitted_on": f"{data.name}, fit side of the claim split (seed {seed})",
        "labels": list(EMERGENT_LABELS),
        "C": C,
        "cv_fit_macro_f1": figures["cv_fit"]["macro_f1"],
        "dev_macro_f1": figures["dev"]["macro_f1"],
    }
    return ClaimStance(weights=weights, metadata=metadata), figures
