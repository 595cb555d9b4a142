"""Union-find: sets named by their first member in rank, whatever the order of unions."""

from __future__ import annotations

import itertools

from shared.unionfind import UnionFind


def test_sets_are_named_by_their_smallest_member_in_any_union_order() -> None:
    pairs = [("d", "b"), ("b", "c"), ("x", "y")]
    for order in itertools.permutations(pairs):
        groups = UnionFind("abcdxyz")
        for a, b in order:
            groups.union(a, b)
        assert groups.groups() == {"a": ["a"], "b": ["b", "c", "d"], "x": ["x", "y"], "z": ["z"]}


def test_a_rank_chooses_the_name_and_unseen_items_join() -> None:
    seen_first = {"late": 2, "early": 0, "middle": 1}
    groups = UnionFind(rank=seen_first.__getitem__)
    groups.union("late", "middle")
    groups.union("middle", "early")
    assert groups.find("late") == "early"
    assert groups.groups() == {"early": ["early", "late", "middle"]}
