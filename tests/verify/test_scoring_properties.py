"""Properties the confidence must keep, whatever the evidence."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from services.verify.scoring import HEDGE_CAP, VERDICT_CONFIDENCE_MAX, Signal, score
from shared.schemas import ClaimKind

OWN = "outlet:own"
probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
origin_names = st.sampled_from([f"outlet:o{i}" for i in range(6)] + ["speaker:ministry", OWN])
kinds = st.sampled_from(list(ClaimKind))


@st.composite
def signals(draw: st.DrawFn, origin: st.SearchStrategy[str] = origin_names) -> Signal:
    agree, disagree, discuss = draw(probability), draw(probability), draw(probability)
    total = agree + disagree + discuss + draw(probability) + 1e-9
    return Signal(
        origin=draw(origin),
        agree=agree / total,
        disagree=disagree / total,
        discuss=discuss / total,
        relatedness=draw(probability),
        conflicts=draw(st.integers(min_value=0, max_value=2)),
        hedged=draw(st.booleans()),
        external=draw(st.booleans()),
        weight=draw(st.sampled_from([0.9, 1.0])),
    )


@st.composite
def agreeing(draw: st.DrawFn, origin: str) -> Signal:
    agree = draw(st.floats(min_value=0.5, max_value=1.0))
    return Signal(
        origin=origin,
        agree=agree,
        disagree=draw(st.floats(min_value=0.0, max_value=1.0 - agree)),
        discuss=0.0,
        relatedness=draw(st.floats(min_value=0.3, max_value=1.0)),
        hedged=draw(st.booleans()),
    )


@st.composite
def disagreeing(draw: st.DrawFn, origin: str) -> Signal:
    disagree = draw(st.floats(min_value=0.6, max_value=1.0))
    rest = 1.0 - disagree
    agree = draw(st.floats(min_value=0.0, max_value=rest))
    return Signal(
        origin=origin,
        agree=agree,
        disagree=disagree,
        discuss=rest - agree,
        relatedness=draw(st.floats(min_value=0.3, max_value=1.0)),
    )


evidence_lists = st.lists(signals(), max_size=8)


def confidence(items: list[Signal], *, kind: ClaimKind, hedged: bool) -> float:
    return score(signals=items, own_origin=OWN, kind=kind, claim_hedged=hedged).confidence


@settings(max_examples=300)
@given(items=evidence_lists, kind=kinds, hedged=st.booleans(), data=st.data())
def test_an_independent_agreeing_origin_never_lowers_confidence(
    items: list[Signal], kind: ClaimKind, hedged: bool, data: st.DataObject
) -> None:
    new = data.draw(agreeing("outlet:brand-new"))
    before = confidence(items, kind=kind, hedged=hedged)
    after = confidence([*items, new], kind=kind, hedged=hedged)
    assert after >= before - 1e-12


@settings(max_examples=300)
@given(
    items=st.lists(signals(), min_size=1, max_size=8),
    kind=kinds,
    hedged=st.booleans(),
    data=st.data(),
)
def test_a_near_copy_of_existing_evidence_does_not_raise_confidence(
    items: list[Signal], kind: ClaimKind, hedged: bool, data: st.DataObject
) -> None:
    # Near-copy detection gives the copy its original's origin; the copy says the same thing.
    original = data.draw(st.sampled_from(items))
    before = confidence(items, kind=kind, hedged=hedged)
    after = confidence([*items, dataclasses.replace(original)], kind=kind, hedged=hedged)
    assert after <= before + 1e-12


@settings(max_examples=300)
@given(items=evidence_lists, kind=kinds, hedged=st.booleans(), data=st.data())
def test_a_credible_disagreeing_origin_lowers_confidence(
    items: list[Signal], kind: ClaimKind, hedged: bool, data: st.DataObject
) -> None:
    new = data.draw(disagreeing("outlet:brand-new"))
    before = confidence(items, kind=kind, hedged=hedged)
    judged = score(signals=[*items, new], own_origin=OWN, kind=kind, claim_hedged=hedged)
    after = judged.confidence
    # Strictly lower, unless already nothing, or held at a contested verdict's ceiling.
    ceiling = VERDICT_CONFIDENCE_MAX.get(judged.verdict)
    assert after < before or before == 0.0 or (after == before == ceiling)
    assert after <= before


@settings(max_examples=300)
@given(items=evidence_lists, kind=kinds, hedged=st.booleans())
def test_a_contested_verdict_never_reads_confident(
    items: list[Signal], kind: ClaimKind, hedged: bool
) -> None:
    judged = score(signals=items, own_origin=OWN, kind=kind, claim_hedged=hedged)
    if judged.verdict in VERDICT_CONFIDENCE_MAX:
        assert judged.confidence <= VERDICT_CONFIDENCE_MAX[judged.verdict]


@settings(max_examples=300)
@given(
    items=st.lists(signals(origin=st.just("speaker:ministry")), max_size=8),
    extra_hedged=st.lists(signals(), max_size=4),
)
def test_hedging_caps_confidence(items: list[Signal], extra_hedged: list[Signal]) -> None:
    # A hedged assertion whose support is all relays of its own origin, or hedged itself,
    # stays under the cap however much of it there is.
    hedged_support = [dataclasses.replace(s, hedged=True) for s in extra_hedged]
    result = score(
        signals=[*items, *hedged_support],
        own_origin="speaker:ministry",
        kind=ClaimKind.assertion,
        claim_hedged=True,
    )
    assert result.confidence <= HEDGE_CAP


@settings(max_examples=200)
@given(items=evidence_lists, kind=kinds, hedged=st.booleans(), seed=st.integers(0, 2**32))
def test_evidence_order_does_not_matter(
    items: list[Signal], kind: ClaimKind, hedged: bool, seed: int
) -> None:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    a = score(signals=items, own_origin=OWN, kind=kind, claim_hedged=hedged)
    b = score(signals=shuffled, own_origin=OWN, kind=kind, claim_hedged=hedged)
    assert a == b


@given(items=evidence_lists, kind=kinds, hedged=st.booleans())
def test_confidence_is_a_probability(items: list[Signal], kind: ClaimKind, hedged: bool) -> None:
    assert 0.0 <= confidence(items, kind=kind, hedged=hedged) <= 1.0
