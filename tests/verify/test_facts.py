"""Same fact or another fact of the story; opposite polarity; relays and own outlets."""

from __future__ import annotations

from typing import Any

import pytest

from services.verify import facts
from services.verify.assess import CandidateEvidence, assess
from services.verify.scoring import SUPPORT_MIN_CONFIDENCE, Signal, score
from shared.schemas import Claim, ClaimKind, Quantity, Verdict
from tests.verify.factories import claim, entity, fixed_stance

ROSENBERG = entity("per:rosenberg", "PERSON", "Rosenberg")
KURDS = entity("norp:kurdish", "NORP", "Kurdish")
ESPN = entity("org:espn", "ORG", "ESPN")
MEMORIAL = [
    entity("fac:war_memorial", "FAC", "National War Memorial"),
    entity("loc:ottawa", "GPE", "Ottawa"),
]
APPLE = [entity("org:apple", "ORG", "Apple")]
BAGHDADI = [entity("per:baghdadi", "PERSON", "Baghdadi")]
OBAMA = [entity("per:obama", "PERSON", "Michelle Obama's")]

RESIDENTS = {
    "text": "A fire forced about 400 residents of nearby streets to leave their homes",
    "places": ["dornholm"],
    "quantities": [Quantity(text="about 400", value=400, approximate=True, noun="resident")],
}
EVACUATED = {
    "text": "Flames rose and around 400 people living near the site were evacuated",
    "places": ["dornholm"],
    "quantities": [Quantity(text="around 400", value=400, approximate=True, noun="people")],
}
PANEL = {"text": "ESPN planned a special domestic violence panel", "entities": [ESPN]}
NOT_REAL = {"text": "ESPN's all-male panel on domestic violence is not real", "entities": [ESPN]}


def _pair(first: dict[str, Any], second: dict[str, Any]) -> tuple[Claim, Claim]:
    """Claim ``a`` of outlet x and claim ``b`` of outlet y."""
    return claim("a", source="x", **first), claim("b", source="y", **second)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        pytest.param(
            {"text": "Rosenberg is unharmed and was not captured", "entities": [ROSENBERG]},
            {
                "text": "Rosenberg communicated with Kurdish fighters online before deciding "
                "to join them",
                "entities": [ROSENBERG, KURDS],
            },
            False,
            id="another-fact-of-the-story",
        ),
        pytest.param(
            {
                "text": "A soldier was shot at the National War Memorial in Ottawa by a gunman",
                "entities": MEMORIAL,
            },
            {
                "text": "Shots have been fired at the National War Memorial in Ottawa",
                "entities": MEMORIAL,
            },
            True,
            id="the-same-event-in-other-words",
        ),
        pytest.param(RESIDENTS, EVACUATED, True, id="one-amount-in-one-place-told-twice"),
        pytest.param(
            RESIDENTS, {**EVACUATED, "places": ["valtrena"]}, False, id="one-amount-elsewhere"
        ),
        pytest.param(
            {"text": "Apple is considering a platinum edition of its watch", "entities": APPLE},
            {
                "text": "Debunk: No, Apple didn't change iPhone internals to avoid bending",
                "entities": APPLE,
            },
            False,
            id="a-debunk-of-a-shared-name-alone",
        ),
        pytest.param(PANEL, NOT_REAL, True, id="a-debunk-of-the-same-event"),
        pytest.param(
            {"text": "Saudi TV blurred out Michelle Obama's face", "entities": OBAMA},
            {
                # Title Case: the tagger swallows the name into a longer "person".
                "text": "Michelle Obama Not Blurred Out on Saudi TV",
                "entities": [entity("per:obama_not_blurred", "PERSON", "Michelle Obama Not")],
            },
            True,
            id="a-name-the-tagger-garbled-in-a-title-case-denial",
        ),
    ],
)
def test_same_fact(first: dict[str, Any], second: dict[str, Any], same: bool) -> None:
    assert facts.same_fact(*_pair(first, second)) is same


@pytest.mark.parametrize(
    ("first", "second", "opposite"),
    [
        pytest.param(PANEL, NOT_REAL, True, id="a-debunk-of-the-same-event"),
        pytest.param(PANEL, PANEL, False, id="the-same-words"),
        pytest.param(
            {
                "text": "This was not the first time that rumors of Baghdadi's death have surfaced",
                "entities": BAGHDADI,
                "negated": True,
            },
            {
                "text": "Rumors of Baghdadi's death exploded over the weekend on social media "
                "with a photo",
                "entities": BAGHDADI,
            },
            False,
            id="a-negation-on-a-side-clause",
        ),
    ],
)
def test_opposite_polarity(first: dict[str, Any], second: dict[str, Any], opposite: bool) -> None:
    assert facts.opposite_polarity(*_pair(first, second)) is opposite


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


def test_a_name_written_out_is_shared_whatever_the_tagger_made_of_it() -> None:
    culkin = [entity("per:culkin", "PERSON", "Macaulay Culkin")]
    named, caps = _pair(
        {"text": "Macaulay Culkin is dead", "entities": culkin},
        {"text": "MACAULAY CULKIN IS THE LATEST VICTIM OF A DEATH HOAX"},
    )
    _, brother = _pair(
        {"text": "Macaulay Culkin is dead", "entities": culkin},
        {
            "text": "Kieran Culkin is filming in Boston",
            "entities": [entity("per:kieran_culkin", "PERSON", "Kieran Culkin")],
        },
    )
    assert facts.shared_participants(named, caps) == {"per:culkin"}
    assert facts.shared_participants(named, brother) == set()


def test_when_something_happened_is_not_what_happened() -> None:
    pollutants, tram = _pair(
        {
            "text": "It found no dangerous levels of pollutants after Tuesday's fire in Dornholm",
            "entities": [entity("per:dornholm", "PERSON", "Dornholm")],
            "negated": True,
        },
        {"text": "Dornholm city council on Tuesday approved an extension of the tram network"},
    )
    assert "tuesday" not in facts.event_tokens(pollutants)
    assert not facts.same_fact(pollutants, tram)


WATCH = entity("org:apple_watch", "ORG", "Apple Watch")


def test_one_common_verb_about_a_much_reported_thing_is_not_one_fact() -> None:
    panel, mode = _pair(
        {
            "text": "The Apple Watch will include an AMOLED panel from LG Display",
            "entities": [WATCH, entity("org:lg_display", "ORG", "LG Display")],
        },
        {
            "text": "Apple Watch includes a battery saving mode that shows only the time",
            "entities": [WATCH],
        },
    )
    safes, stored = _pair(
        {
            "text": "Apple Stores will keep the gold Apple Watch in custom safes",
            "entities": [WATCH],
        },
        {"text": "Gold Apple Watches to be kept in safes in the stores", "entities": [WATCH]},
    )
    assert not facts.same_fact(panel, mode)
    assert facts.same_fact(safes, stored)


def test_a_title_case_debunk_negates_who_did_it_even_when_the_tagger_finds_no_name() -> None:
    drew, not_by = _pair(
        {
            "text": "Artist Banksy drew a cartoon about the Charlie Hebdo murders",
            "entities": [
                entity("per:banksy", "PERSON", "Artist Banksy"),
                entity("per:hebdo", "PERSON", "Charlie Hebdo"),
            ],
        },
        {
            "text": "This Powerful Cartoon About The Charlie Hebdo Attack Is Not By Banksy",
            "negated": True,
        },
    )
    assert facts.shared_participants(drew, not_by) == {"per:banksy", "per:hebdo"}
    assert facts.same_fact(drew, not_by)
    assert facts.opposite_polarity(drew, not_by)


def test_a_denial_sharing_one_word_and_one_name_is_another_fact() -> None:
    colours, doctor = _pair(
        {
            "text": "The Digital Crown on the Apple Watch will come in different colors",
            "entities": [WATCH],
        },
        {
            "text": "Apple Watch won't be the digital doctor it could have been",
            "entities": [WATCH],
            "negated": True,
        },
    )
    assert not facts.same_fact(colours, doctor)


def test_a_denial_about_a_named_person_needs_only_one_common_word() -> None:
    seidel = entity("per:seidel", "PERSON", "Mike Seidel")
    caught, denied = _pair(
        {
            "text": "NBC meteorologist Mike Seidel was caught relieving himself on camera",
            "entities": [seidel, entity("org:nbc", "ORG", "NBC")],
        },
        {
            "text": "Weather Channel's Mike Seidel was not caught with his pants down",
            "entities": [seidel, entity("org:weather_channel", "ORG", "Weather Channel's")],
            "negated": True,
        },
    )
    assert facts.same_fact(caught, denied)
    assert facts.opposite_polarity(caught, denied)


@pytest.mark.parametrize(
    "text",
    [
        "Comcast calls the rumour that it disconnects Tor users wildly inaccurate",
        "Reports that Comcast disconnects Tor users are exaggerated",
    ],
)
def test_calling_a_report_inaccurate_or_exaggerated_debunks_it(text: str) -> None:
    comcast = entity("org:comcast", "ORG", "Comcast")
    tor = entity("org:tor", "ORG", "Tor")
    rumour = claim(
        "r", text="Comcast disconnects customers who use Tor", source="A", entities=[comcast, tor]
    )
    denial = claim("d", text=text, source="B", entities=[comcast, tor])
    assert facts.debunks(denial) and not facts.debunks(rumour)
    assert facts.same_fact(rumour, denial) and facts.opposite_polarity(rumour, denial)


def test_a_debunk_whose_denied_word_the_tagger_put_in_a_name_is_about_the_person() -> None:
    hefner = entity("per:hefner", "PERSON", "Hugh Hefner")
    dead, not_true = _pair(
        {"text": "Playboy founder Hugh Hefner is dead", "entities": [hefner]},
        {
            "text": "Hugh Hefner Dead Rumors Not True",
            "entities": [entity("per:hefner", "PERSON", "Hugh Hefner Dead Rumors")],
        },
    )
    assert facts.same_fact(dead, not_true)
    assert facts.opposite_polarity(dead, not_true)
    # A company's product name is full of words: "Music" in "Beats Music" is not the
    # on-hold music of the claim.
    music, beats = _pair(
        {"text": "Apple CEO changed the company's on-hold music", "entities": APPLE},
        {
            "text": "Apple Reportedly Planning to Shut Down Beats Music Update: Not True",
            "entities": [*APPLE, entity("org:beats_music", "ORG", "Beats Music")],
        },
    )
    assert not facts.same_fact(music, beats)
