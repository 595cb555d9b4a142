"""Load the spaCy pipeline once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from shared.errors import ModelUnavailable

__all__ = ["load_nlp"]


@lru_cache(maxsize=4)
def load_nlp(name: str) -> Language:
    """The named pipeline, cached; ``ModelUnavailable`` if it is not installed."""
    try:
        return spacy.load(name)
    except OSError as exc:  # spaCy raises OSError (E050) for a missing package
        raise ModelUnavailable(f"spaCy pipeline {name!r} cannot be loaded: {exc}") from exc
