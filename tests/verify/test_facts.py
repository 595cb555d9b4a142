"""Same fact or another fact of the story; opposite polarity; relays and own outlets."""

from __future__ import annotations

from services.verify import facts
from services.verify.assess import CandidateEvidence, assess
from services.verify.scoring import SUPPORT_MIN_CONFIDENCE, Signal, score
from shared.schemas import ClaimKind, Quantity, Verdict
from tests.verify.factories import claim, entity, fixed_stance

ROSENBERG = entity("per:rosenberg", "PERSON", "Rosenberg")
KURDS = entity("norp:kurdish", "NORP", "Kurdish")
ESPN = entity("org:espn", "ORG", "ESPN")


def test_another_fact_of_the_story_is_not_the_same_fact() -> None:
    unharmed = claim(
        "a", text="Rosenberg is unharmed and was not captured", source="x", entities=[ROSENBERG]
    )
    online = claim(
        "b",
        text="Rosenberg communicated with Kurdish fighters online before deciding to join them",
        source="y",
        entities=[ROSENBERG, KURDS],
    )
    assert not facts.same_fact(unharmed, online)


def test_the_same_event_in_other_words_is_the_same_fact() -> None:
    memorial = entity("fac:war_memorial", "FAC", "National War Memorial")
    ottawa = entity("loc:ottawa", "GPE", "Ottawa")
    shot = claim(
        "a",
        text="A soldier was shot at the National War Memorial in Ottawa by a gunman",
        source="x",
        entities=[memorial, ottawa],
    )
    fired = claim(
        "b",
        text="Shots have been fired at the National War Memorial in Ottawa",
        source="y",
        entities=[memorial, ottawa],
    )
    assert facts.same_fact(shot, fired)


def test_one_amount_in_one_place_is_one_event_told_twice() -> None:
    residents = claim(
        "a",
        text="A fire forced about 400 residents of nearby streets to leave their homes",
        source="x",
        places=["dornholm"],
        quantities=[Quantity(text="about 400", value=400, approximate=True, noun="resident")],
    )
    evacuated = claim(
        "b",
        text="Flames rose and around 400 people living near the site were evacuated",
        source="y",
        places=["dornholm"],
        quantities=[Quantity(text="around 400", value=400, approximate=True, noun="people")],
    )
    assert facts.same_fact(residents, evacuated)
    elsewhere = evacuated.model_copy(update={"places": ["valtrena"]})
    assert not facts.same_fact(residents, elsewhere)


def test_a_debunk_of_a_shared_name_alone_is_not_about_the_claim() -> None:
    apple = entity("org:apple", "ORG", "Apple")
    platinum = claim(
        "a",
        text="Apple is considering a platinum edition of its watch",
        source="x",
        entities=[apple],
    )
    bending = claim(
        "b",
        text="Debunk: No, Apple didn't change iPhone internals to avoid bending",
        source="y",
        entities=[apple],
    )
    assert not facts.same_fact(platinum, bending)


def test_a_debunk_of_the_same_event_is_the_same_fact_and_opposite() -> None:
    panel = claim(
        "a",
        text="ESPN planned a special domestic violence panel",
        source="x",
        entities=[ESPN],
    )
    not_real = claim(
        "b",
        text="ESPN's all-male panel on domestic violence is not real",
        source="y",
        entities=[ESPN],
    )
    assert facts.same_fact(panel, not_real)
    assert facts.opposite_polarity(panel, not_real)
    assert not facts.opposite_polarity(panel, panel)


def test_a_negation_on_a_side_clause_is_not_opposite() -> None:
    baghdadi = entity("per:baghdadi", "PERSON", "Baghdadi")
    first = claim(
        "a",
        text="This was not the first time that rumors of Baghdadi's death have surfaced",
        source="x",
        entities=[baghdadi],
        negated=True,
    )
    exploded = claim(
        "b",
        text="Rumors of Baghdadi's death exploded over the weekend on social media with a photo",
        source="y",
        entities=[baghdadi],
    )
    assert not facts.opposite_polarity(first, exploded)


def _signal(origin: str, *, hedged: bool) -> Signal:
    return Signal(
        origin=origin, agree=0.9, disagree=0.0, discuss=0.1, relatedness=0.9, hedged=hedged
    )


def test_relays_that_hedge_are_no_independent_confirmation() -> None:
    relays = [_signal(f"outlet:relay{i}", hedged=True) for i in range(5)]
    result = score(
        signals=relays, own_origin="outlet:own", kind=ClaimKind.assertion, claim_hedged=False
    )
    assert result.single_origin
    assert result.verdict is not Verdict.supported
    one = score(
        signals=[*relays, _signal("outlet:own_sourcing", hedged=False)],
        own_origin="outlet:own",
        kind=ClaimKind.assertion,
        claim_hedged=False,
    )
    assert one.independent_origins == 2
    assert one.verdict is Verdict.unverified
    assert one.confidence < SUPPORT_MIN_CONFIDENCE
    confirmed = score(
        signals=[*relays, *(_signal(f"outlet:sourcing{i}", hedged=False) for i in range(2))],
        own_origin="outlet:own",
        kind=ClaimKind.assertion,
        claim_hedged=False,
    )
    assert confirmed.verdict is Verdict.supported
    assert confirmed.independent_origins == 3


def test_two_outlets_witness_a_statement() -> None:
    result = score(
        signals=[_signal("outlet:second", hedged=False)],
        own_origin="outlet:own",
        kind=ClaimKind.attribution,
        claim_hedged=False,
    )
    assert result.verdict is Verdict.supported


def test_reporting_without_endorsing_adds_no_support_to_an_assertion() -> None:
    observing = [
        Signal(origin=f"outlet:o{i}", agree=0.1, disagree=0.0, discuss=0.9, relatedness=0.9)
        for i in range(6)
    ]
    result = score(
        signals=observing, own_origin="outlet:own", kind=ClaimKind.assertion, claim_hedged=False
    )
    assert result.verdict is Verdict.unverified
    assert result.independent_origins == 1


def test_another_article_of_the_claims_own_outlet_is_not_a_second_origin() -> None:
    quake = entity("loc:kerava", "GPE", "Kerava")
    text = "An earthquake killed 12 people in Kerava on Monday, officials said"
    killed = [Quantity(text="12", value=12, noun="people")]
    # The claim quotes an official; the outlet's other article states it unattributed.
    mine = claim(
        "a",
        text=text,
        source="daily.example",
        article_id="art-1",
        entities=[quake],
        quantities=killed,
        speaker=("per:lind", "Mayor Lind"),
    )
    again = claim(
        "b",
        text="The Kerava earthquake on Monday left 12 people dead, rescuers reported",
        source="daily.example",
        article_id="art-2",
        entities=[quake],
        quantities=killed,
    )
    other = claim(
        "c",
        text="Twelve people died when an earthquake struck Kerava on Monday morning",
        source="other.example",
        article_id="art-3",
        entities=[quake],
        quantities=[Quantity(text="Twelve", value=12, noun="people")],
    )
    agree = fixed_stance([0.9, 0.02, 0.06, 0.02])
    alone = assess(
        claim=mine,
        candidates=[CandidateEvidence(claim=again)],
        stance_fn=agree,  # type: ignore[arg-type]
        near_copy_threshold=0.99,
    )
    assert alone.independent_origins == 1
    assert alone.verdict is not Verdict.supported
    with_other = assess(
        claim=mine,
        candidates=[CandidateEvidence(claim=again), CandidateEvidence(claim=other)],
        stance_fn=agree,  # type: ignore[arg-type]
        near_copy_threshold=0.99,
    )
    assert with_other.independent_origins == 2
