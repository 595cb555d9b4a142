"""Training: claim-grouped dev split, two LightGBM stages, decision-weight tuning.

Procedure (every step seeded, LightGBM single-threaded and deterministic):

1. Group pairs into claims (bodies linked by a shared related headline) and hold out
   ``dev_fraction`` of the claims as the dev split. No body, and no related
   headline, is on both sides.
2. Fit the feature space and both stages on the train side; tune the decision
   weights on grouped out-of-fold predictions of the train side; score on dev.
3. Unless ``refit`` is off, repeat step 2 on all pairs (feature space, stages and
   weights) for the shipped model. Dev scores always come from step 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import sklearn
from numpy.typing import NDArray
from scipy import sparse

from crosscheck.stance.data import FncPairs, claim_groups
from crosscheck.stance.scoring import evaluate
from services.verify.stance.features import (
    FEATURE_NAMES,
    FeatureSpace,
    FloatMatrix,
    LinearInputs,
    extract_with_inputs,
    fit_feature_space,
)
from services.verify.stance.labels import STANCE_CLASSES
from services.verify.stance.linear_stance import (
    LINEAR_NAMES,
    LINEAR_SOURCES,
    LinearStance,
    fit_linear_stance,
)
from services.verify.stance.model import StanceModel, combine_stages

__all__ = [
    "HeldOutEstimate",
    "TrainConfig",
    "dev_mask",
    "heldout_estimate",
    "train_model",
    "tune_weights",
]

_UNRELATED = STANCE_CLASSES.index("unrelated")
IntArray = NDArray[np.int64]


def _related_params() -> dict[str, Any]:
    return {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
    }


def _stance_params() -> dict[str, Any]:
    return {
        "objective": "multiclass",
        "num_class": 3,
        "learning_rate": 0.03,
        "num_leaves": 15,
        "min_data_in_leaf": 40,
        "feature_fraction": 0.7,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 2.0,
    }


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines the trained model besides the data."""

    seed: int = 20170601
    dev_fraction: float = 0.2
    cv_folds: int = 4
    refit: bool = True
    related_rounds: int = 400
    stance_rounds: int = 300
    # Sample weights of agree / disagree / discuss in stage two: disagree is rare.
    stance_class_weight: tuple[float, float, float] = (1.5, 4.0, 1.0)
    # Inverse regularisation of the stacked body-stance logistic regression.
    linear_c: float = 1.0
    related_params: dict[str, Any] = field(default_factory=_related_params)
    stance_params: dict[str, Any] = field(default_factory=_stance_params)


def _lgb_params(params: dict[str, Any], seed: int) -> dict[str, Any]:
    return {
        **params,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }


def dev_mask(groups: Sequence[int], *, fraction: float, seed: int) -> NDArray[np.bool_]:
    """True for pairs whose group falls in the dev share (about ``fraction`` of pairs)."""
    group_arr = np.asarray(groups)
    ids, sizes = np.unique(group_arr, return_counts=True)
    order = np.random.default_rng(seed).permutation(len(ids))
    target = fraction * len(group_arr)
    chosen: list[int] = []
    taken = 0
    for i in order:
        if taken >= target:
            break
        chosen.append(int(ids[i]))
        taken += int(sizes[i])
    return np.isin(group_arr, chosen)


def _fit_stages(
    x: FloatMatrix, y: IntArray, *, config: TrainConfig
) -> tuple[lgb.Booster, lgb.Booster]:
    related = lgb.train(
        _lgb_params(config.related_params, config.seed),
        lgb.Dataset(x, label=(y != _UNRELATED).astype(np.float64), free_raw_data=True),
        num_boost_round=config.related_rounds,
    )
    mask = y != _UNRELATED
    y3 = y[mask]
    weight = np.asarray(config.stance_class_weight, dtype=np.float64)[y3]
    stance = lgb.train(
        _lgb_params(config.stance_params, config.seed),
        lgb.Dataset(x[mask], label=y3, weight=weight, free_raw_data=True),
        num_boost_round=config.stance_rounds,
    )
    return related, stance


def _stage_probs(
    related: lgb.Booster, stance: lgb.Booster, x: FloatMatrix
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p_rel = np.asarray(related.predict(x, num_threads=1), dtype=np.float64)
    p_st = np.asarray(stance.predict(x, num_threads=1), dtype=np.float64).reshape(len(x), 3)
    return p_rel, p_st


def _objective(gold: IntArray, pred: IntArray) -> float:
    """Relative FNC score (0..1) plus macro-F1: both count, the second guards disagree."""
    unrelated = gold == _UNRELATED
    raw = 0.25 * np.sum(unrelated & (pred == _UNRELATED))
    related_hit = ~unrelated & (pred != _UNRELATED)
    raw += 0.25 * np.sum(related_hit) + 0.75 * np.sum(related_hit & (pred == gold))
    best = 0.25 * np.sum(unrelated) + np.sum(~unrelated)
    k = len(STANCE_CLASSES)
    matrix = np.bincount(gold * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(matrix)
    denom = matrix.sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2.0 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(raw / best + f1.mean())


def tune_weights(
    p_related: NDArray[np.float64], p_stance: NDArray[np.float64], gold: IntArray
) -> tuple[float, float, float, float]:
    """Grid-search decision weights (discuss fixed at 1) on held-out probabilities."""
    best = (-1.0, (1.0, 1.0, 1.0, 1.0))
    grid_agree = np.geomspace(0.5, 3.0, 10)
    grid_disagree = np.geomspace(0.5, 8.0, 13)
    grid_unrelated = np.geomspace(0.5, 2.0, 7)
    for wa, wd, wu in itertools.product(grid_agree, grid_disagree, grid_unrelated):
        weights = (float(wa), float(wd), 1.0, float(wu))
        pred = combine_stages(p_related, p_stance, weights).argmax(axis=1)
        score = _objective(gold, pred)
        if score > best[0] + 1e-12:
            best = (score, weights)
    return best[1]


def _fold_of(groups: IntArray, *, folds: int, seed: int) -> IntArray:
    ids = np.unique(groups)
    shuffled = np.random.default_rng(seed).permutation(ids)
    fold_by_group = {int(g): i % folds for i, g in enumerate(shuffled)}
    return np.fromiter((fold_by_group[int(g)] for g in groups), dtype=np.int64, count=len(groups))


def _oof_probs(
    x: FloatMatrix, y: IntArray, fold: IntArray, *, config: TrainConfig
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p_rel = np.zeros(len(y))
    p_st = np.zeros((len(y), 3))
    for k in np.unique(fold):
        held = fold == k
        related, stance = _fit_stages(x[~held], y[~held], config=config)
        p_rel[held], p_st[held] = _stage_probs(related, stance, x[held])
    return p_rel, p_st


def _fit_linear(
    *,
    rows: sparse.csr_matrix,
    text_idx: IntArray,
    y: IntArray,
    pick: NDArray[np.bool_],
    config: TrainConfig,
) -> LinearStance:
    """Fit on the related pairs selected by ``pick``, one row per (text, stance).

    Each distinct (text, stance) counts once: weighting by the number of pairs let
    bodies with many headlines dominate, and scored worse on held-out claims
    (macro-F1 and disagree F1, on dev and out of fold).
    """
    related = pick & (y != _UNRELATED)
    keys = sorted(set(zip(text_idx[related].tolist(), y[related].tolist(), strict=True)))
    return fit_linear_stance(
        rows[[t for t, _ in keys]],
        [label for _, label in keys],
        weights=[1.0] * len(keys),
        c=config.linear_c,
    )


def _stack_linear(
    space: FeatureSpace,
    x: FloatMatrix,
    *,
    inputs: LinearInputs,
    y: IntArray,
    fold: IntArray,
    config: TrainConfig,
) -> None:
    """Fill the linear-stance columns of ``x`` out of fold and set the full-data models."""
    start = len(FEATURE_NAMES) - len(LINEAR_NAMES)
    for k, source in enumerate(LINEAR_SOURCES):
        rows, text_idx = inputs.rows[source], inputs.index[source]
        cols = slice(start + 3 * k, start + 3 * k + 3)
        for f in np.unique(fold):
            held = fold == f
            linear = _fit_linear(rows=rows, text_idx=text_idx, y=y, pick=~held, config=config)
            x[held, cols] = linear.scores(rows[text_idx[held]])
        space.linear[source] = _fit_linear(
            rows=rows, text_idx=text_idx, y=y, pick=np.ones(len(y), dtype=bool), config=config
        )


@dataclass
class _Fitted:
    model: StanceModel
    oof_report: dict[str, object]


def _fit_all(
    *,
    headlines: Sequence[str],
    bodies: Sequence[str],
    y: IntArray,
    groups: IntArray,
    config: TrainConfig,
) -> _Fitted:
    space = fit_feature_space(headlines=headlines, bodies=bodies, seed=config.seed)
    x, inputs = extract_with_inputs(space, headlines=headlines, bodies=bodies)
    fold = _fold_of(groups, folds=config.cv_folds, seed=config.seed)
    _stack_linear(space, x, inputs=inputs, y=y, fold=fold, config=config)
    p_rel, p_st = _oof_probs(x, y, fold, config=config)
    weights = tune_weights(p_rel, p_st, y)
    oof_pred = combine_stages(p_rel, p_st, weights).argmax(axis=1)
    oof = evaluate([STANCE_CLASSES[i] for i in y], [STANCE_CLASSES[i] for i in oof_pred])
    related, stance = _fit_stages(x, y, config=config)
    model = StanceModel(space=space, related=related, stance=stance, weights=weights)
    return _Fitted(model=model, oof_report=oof.as_dict())


def _take(items: Sequence[str], mask: NDArray[np.bool_]) -> list[str]:
    return [s for s, keep in zip(items, mask, strict=True) if keep]


def train_model(pairs: FncPairs, *, config: TrainConfig, data_hash: dict[str, str]) -> StanceModel:
    """Train on labelled pairs; the returned model's metadata records how."""
    if pairs.stances is None:
        raise ValueError("training needs labelled pairs")
    y = np.asarray([STANCE_CLASSES.index(s) for s in pairs.stances], dtype=np.int64)
    groups = np.asarray(
        claim_groups(headlines=pairs.headlines, body_ids=pairs.body_ids, stances=pairs.stances),
        dtype=np.int64,
    )
    dev = dev_mask(groups.tolist(), fraction=config.dev_fraction, seed=config.seed)
    train = ~dev
    fitted = _fit_all(
        headlines=_take(pairs.headlines, train),
        bodies=_take(pairs.bodies, train),
        y=y[train],
        groups=groups[train],
        config=config,
    )
    dev_pred = fitted.model.predict(_take(pairs.headlines, dev), _take(pairs.bodies, dev))
    dev_report = evaluate([STANCE_CLASSES[i] for i in y[dev]], dev_pred)
    final = fitted
    if config.refit:
        final = _fit_all(
            headlines=pairs.headlines, bodies=pairs.bodies, y=y, groups=groups, config=config
        )
    model = final.model
    model.metadata = {
        "format": "crosscheck-stance/1",
        "classes": list(STANCE_CLASSES),
        "data_sha256": data_hash,
        "n_pairs": len(y),
        "n_bodies": len(set(pairs.body_ids)),
        "config": asdict(config),
        "seeds": {
            "split": config.seed,
            "cv": config.seed,
            "lightgbm": config.seed,
            "svd": config.seed,
        },
        "feature_names": list(FEATURE_NAMES),
        "split": {
            "kind": "claim-grouped (bodies linked by a shared related headline); "
            "implies a split by Body ID",
            "dev_pairs": int(dev.sum()),
            "dev_bodies": len(set(_take(pairs.body_ids, dev))),
            "train_pairs": int(train.sum()),
        },
        "dev_scores": dev_report.as_dict(),
        "dev_weights": list(fitted.model.weights),
        "train_side_oof_scores": fitted.oof_report,
        "final_fit": "all pairs" if config.refit else "train side only",
        "final_oof_scores": final.oof_report,
        "weights": list(model.weights),
        "versions": {
            "lightgbm": lgb.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    return model


@dataclass(frozen=True)
class HeldOutEstimate:
    """Scores of models that never saw the groups they were scored on."""

    folds: int
    n_groups: int
    # Every pair predicted once, by the fold's model that held out its group.
    pooled: dict[str, object]
    per_fold: list[dict[str, object]]


def heldout_estimate(
    pairs: FncPairs,
    *,
    holdout_groups: Sequence[int],
    inner_groups: Sequence[int],
    folds: int,
    config: TrainConfig,
) -> HeldOutEstimate:
    """Cross-validate the whole training procedure over ``holdout_groups``.

    Each fold trains as :func:`train_model` does for its dev split (feature space,
    stacking and decision weights from the other folds only, the inner folds drawn
    by ``inner_groups``) and predicts the held-out groups. Coarser holdout groups
    (topics rather than claims) keep related stories out of training too.
    """
    if pairs.stances is None:
        raise ValueError("an estimate needs labelled pairs")
    y = np.asarray([STANCE_CLASSES.index(s) for s in pairs.stances], dtype=np.int64)
    outer = np.asarray(holdout_groups, dtype=np.int64)
    inner = np.asarray(inner_groups, dtype=np.int64)
    if len(outer) != len(y) or len(inner) != len(y):
        raise ValueError("one group id per pair is needed")
    if len(np.unique(outer)) < folds:
        raise ValueError(f"{len(np.unique(outer))} groups cannot fill {folds} folds")
    fold = _fold_of(outer, folds=folds, seed=config.seed)
    predicted = [""] * len(y)
    per_fold: list[dict[str, object]] = []
    for k in range(folds):
        held = fold == k
        fitted = _fit_all(
            headlines=_take(pairs.headlines, ~held),
            bodies=_take(pairs.bodies, ~held),
            y=y[~held],
            groups=inner[~held],
            config=config,
        )
        fold_pred = fitted.model.predict(_take(pairs.headlines, held), _take(pairs.bodies, held))
        for i, label in zip(np.flatnonzero(held), fold_pred, strict=True):
            predicted[i] = label
        report = evaluate([STANCE_CLASSES[i] for i in y[held]], fold_pred)
        per_fold.append({**report.as_dict(), "weights": list(fitted.model.weights)})
    pooled = evaluate(list(pairs.stances), predicted)
    return HeldOutEstimate(
        folds=folds, n_groups=len(np.unique(outer)), pooled=pooled.as_dict(), per_fold=per_fold
    )
