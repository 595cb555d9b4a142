"""Check-worthiness of sentences: a trained linear model plus the extractor's gates.

Usage::

    model = load_checkworthy_model()          # the committed artifact, once per process
    probs = model.score(document_sentences)   # in order: neighbours are context
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from services.extract.checkworthy.model import CheckworthyModel, read_model

__all__ = ["DEFAULT_MODEL_PATH", "CheckworthyModel", "load_checkworthy_model"]

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "artifacts" / "checkworthy_model.zip"


@lru_cache(maxsize=4)
def load_checkworthy_model(path: str | None = None) -> CheckworthyModel:
    """Load a model once per process; ``None`` or ``""`` means the committed artifact."""
    return read_model(Path(path) if path else DEFAULT_MODEL_PATH)
