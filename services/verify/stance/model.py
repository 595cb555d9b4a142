"""The two-stage stance model and its on-disk form.

Stage one scores relatedness (related vs unrelated); stage two splits related pairs
into agree / disagree / discuss. The stances' joint probability is
``p(related) * p(stance | related)``. Decision weights, tuned on out-of-fold
predictions at training time, rescale the four columns and are folded into
:meth:`StanceModel.predict_proba`, so ``predict`` is simply its argmax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from services.verify.stance.features import BodyCache, FeatureSpace, extract_features
from services.verify.stance.labels import STANCE_CLASSES
from shared.errors import ModelUnavailable

__all__ = ["StanceModel", "combine_stages", "read_model", "write_model"]

_FORMAT = "crosscheck-stance/1"
# Encoded excerpts kept per process: ~23 kB each, so ~95 MB per verify process when full.
# Smaller costs speed as the corpus grows: the same candidates recur less often, and at
# 1,024 entries verify time per claim at 50k articles was 1.66x its time at 1k, against
# 1.19-1.34x at 4,096 (bench/scaling.py; figures in bench/PERFORMANCE.md).
BODY_CACHE_SIZE = 4096


def combine_stages(
    p_related: NDArray[np.float64],
    p_stance: NDArray[np.float64],
    weights: Sequence[float],
) -> NDArray[np.float64]:
    """Joint four-column probabilities, rescaled by ``weights`` and renormalised."""
    joint = np.empty((len(p_related), len(STANCE_CLASSES)), dtype=np.float64)
    joint[:, :3] = p_related[:, None] * p_stance
    joint[:, 3] = 1.0 - p_related
    joint *= np.asarray(weights, dtype=np.float64)
    total = joint.sum(axis=1, keepdims=True)
    return np.asarray(joint / np.where(total > 0, total, 1.0), dtype=np.float64)


@dataclass
class StanceModel:
    """A fitted stance classifier; build with ``train.train_model`` or ``read_model``."""

    space: FeatureSpace
    related: lgb.Booster
    stance: lgb.Booster
    weights: tuple[float, float, float, float]
    metadata: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> NDArray[np.float64]:
        """(n, 4) probabilities in STANCE_CLASSES order; rows sum to 1."""
        if len(headlines) != len(bodies):
            raise ValueError("headlines and bodies differ in length")
        if len(headlines) == 0:
            return np.zeros((0, len(STANCE_CLASSES)), dtype=np.float64)
        x = extract_features(
            self.space, headlines=headlines, bodies=bodies, cache=self.body_cache()
        )
        p_related = np.asarray(self.related.predict(x, num_threads=1), dtype=np.float64)
        p_stance = np.asarray(self.stance.predict(x, num_threads=1), dtype=np.float64)
        return combine_stages(p_related, p_stance.reshape(len(x), 3), self.weights)

    def body_cache(self) -> BodyCache:
        """This process's cache of encoded bodies: candidate excerpts recur across verdicts."""
        cache = self.__dict__.get("_body_cache")
        if not isinstance(cache, BodyCache) or cache.space is not self.space:
            cache = BodyCache(self.space, maxsize=BODY_CACHE_SIZE)
            self.__dict__["_body_cache"] = cache
        return cache

    def __getstate__(self) -> dict[str, Any]:
        # The cache is per process: never pickled into the artifact.
        state = dict(self.__dict__)
        state.pop("_body_cache", None)
        return state

    def predict(self, headlines: Sequence[str], bodies: Sequence[str]) -> list[str]:
        """The most probable stance of each pair."""
        probs = self.predict_proba(headlines, bodies)
        return [STANCE_CLASSES[i] for i in probs.argmax(axis=1)]


def write_model(model: StanceModel, path: Path) -> None:
    """Persist with joblib; LightGBM boosters pickle as their text model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"format": _FORMAT, "model": model}, path, compress=("xz", 6))


def read_model(path: Path) -> StanceModel:
    """Load a model written by :func:`write_model` (trusted files only: it unpickles)."""
    if not path.is_file():
        raise ModelUnavailable(f"stance model not found: {path}")
    payload = joblib.load(path)
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ModelUnavailable(f"{path} is not a {_FORMAT} artifact")
    model = payload["model"]
    if not isinstance(model, StanceModel):
        raise ModelUnavailable(f"{path} holds {type(model).__name__}, not StanceModel")
    return model
