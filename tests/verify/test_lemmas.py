"""Event words in their dictionary form, from the installed pipeline's lemma tables."""

from __future__ import annotations

import pytest

from services.verify import facts
from services.verify.lemmas import lemma
from tests.verify.factories import claim, entity


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("died", "die"),
        ("dies", "die"),
        ("dead", "die"),
        ("death", "die"),
        ("found", "find"),
        ("stolen", "steal"),
        ("fled", "flee"),
        ("leaves", "leave"),  # a verb before a noun
        ("news", "news"),
        ("crosscheckery", "crosscheckery"),  # unknown words are their own lemma
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_one_event_in_other_inflections_is_one_fact() -> None:
    hank = entity("per:big_bank_hank", "PERSON", "Big Bank Hank")
    gang = entity("org:sugarhill_gang", "ORG", "Sugarhill Gang")
    dead = claim(
        "a", text="Big Bank Hank of the Sugarhill Gang is dead", source="x", entities=[hank, gang]
    )
    dies = claim(
        "b",
        text="Sugarhill Gang rapper Big Bank Hank dies at 57",
        source="y",
        entities=[hank, gang],
    )
    tour = claim(
        "c",
        text="Big Bank Hank of the Sugarhill Gang is touring Europe",
        source="z",
        entities=[hank, gang],
    )
    assert facts.same_fact(dead, dies)
    assert not facts.same_fact(dies, tour)
