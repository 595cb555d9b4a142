"""Stance of an article body toward a headline (the FNC-1 task), on CPU.

Usage::

    model = load_stance_model()
    probs = model.predict_proba(headlines, bodies)  # (n, 4), STANCE_CLASSES order
    labels = model.predict(headlines, bodies)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from services.verify.stance.labels import STANCE_CLASSES
from services.verify.stance.model import StanceModel, read_model

__all__ = ["DEFAULT_MODEL_PATH", "STANCE_CLASSES", "StanceModel", "load_stance_model"]

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "artifacts" / "stance_model.joblib"


@lru_cache(maxsize=4)
def load_stance_model(path: str | None = None) -> StanceModel:
    """Load a stance model once per process; ``None`` means the committed artifact."""
    return read_model(DEFAULT_MODEL_PATH if path is None else Path(path))
