"""Development splits by group (claim or story), fixed by a seed.

A group's items are all on one side. ``dev`` is where figures are reported; ``fit`` is what
anything tuned or trained may look at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal

__all__ = ["DEFAULT_SEED", "DEV_SHARE", "Split", "in_split", "split_of"]

Split = Literal["all", "dev", "fit"]
DEFAULT_SEED = 20
DEV_SHARE = 0.4


def split_of(group: str, *, seed: int = DEFAULT_SEED, dev_share: float = DEV_SHARE) -> str:
    """``dev`` or ``fit`` for ``group``: a hash of seed and group, so adding groups to a
    file never moves the others."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return "dev" if int.from_bytes(digest[:8], "big") / 2**64 < dev_share else "fit"


def in_split(
    groups: Iterable[str], split: Split, *, seed: int = DEFAULT_SEED, dev_share: float = DEV_SHARE
) -> set[str]:
    """The groups of ``groups`` on side ``split`` (all of them for ``all``)."""
    chosen = set(groups)
    if split == "all":
        return chosen
    return {g for g in chosen if split_of(g, seed=seed, dev_share=dev_share) == split}
