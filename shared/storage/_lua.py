"""The Lua scripts of the store, read once per process from ``lua/``; each file documents
its KEYS and ARGV."""

from __future__ import annotations

import functools
from pathlib import Path

_DIR = Path(__file__).with_name("lua")


@functools.cache
def script(name: str) -> str:
    """The text of ``lua/<name>.lua``, sent with EVAL: one command in the caller's pipeline,
    where EVALSHA would need a round trip to load it first on a fresh server."""
    return (_DIR / f"{name}.lua").read_text()
