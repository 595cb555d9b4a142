"""The four FNC-1 stance labels, in the column order of every probability matrix."""

from __future__ import annotations

from typing import Final

__all__ = ["STANCE_CLASSES"]

STANCE_CLASSES: Final = ("agree", "disagree", "discuss", "unrelated")
