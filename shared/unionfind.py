"""Disjoint sets of strings, for grouping what is linked pairwise (speakers, near-copies,
stories)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["UnionFind"]


class UnionFind:
    """Union-find over strings. A set is named by the member ``rank`` puts first (by
    default the smallest string), so the order of the unions never changes the names."""

    def __init__(
        self, items: Iterable[str] = (), *, rank: Callable[[str], Any] | None = None
    ) -> None:
        self._parent = {item: item for item in items}
        self._rank: Callable[[str], Any] = rank if rank is not None else (lambda item: item)

    def find(self, item: str) -> str:
        """The name of ``item``'s set (an item not seen before is a set of its own)."""
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        first, second = sorted((self.find(a), self.find(b)), key=self._rank)
        self._parent[second] = first

    def groups(self) -> dict[str, list[str]]:
        """Each set's name -> its members, sorted."""
        out: dict[str, list[str]] = {}
        for item in sorted(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return out
