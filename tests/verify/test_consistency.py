"""Detail consistency and relatedness between two claims."""

from __future__ import annotations

from datetime import date

import pytest

from services.verify.consistency import (
    conflicts,
    contradicts,
    event_places,
    relatedness,
    same_assertion,
)
from shared.schemas import Claim, Entity, Modality, Quantity, TimeRef
from tests.verify import scenario_claims as sc
from tests.verify.factories import claim, day, entity


def with_quantities(*quantities: Quantity, **kw: object) -> Claim:
    return claim("q", text="Something happened.", source="Outlet", quantities=quantities, **kw)  # type: ignore[arg-type]


def q(value: float, noun: str | None, **kw: object) -> Quantity:
    return Quantity(text=str(value), value=value, noun=noun, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mine", "theirs", "conflict"),
    [
        (q(30, "leader", approximate=True), q(30, "leader"), False),
        (q(30, "leader", approximate=True), q(33, "leader"), False),
        (q(30, "leader", approximate=True), q(40, "leader"), True),
        (q(14, "dead"), q(41, "dead"), True),
        (q(14, "people"), q(41, "killed"), True),  # both death counts
        (q(14, "people"), q(14, "deaths"), False),
        (q(300, "fighter", comparator="gt"), q(300, "fighter"), False),
        (q(300, "fighter", comparator="gt"), q(200, "fighter"), True),
        (q(300, "fighter", comparator="gt"), q(300, "fighter", approximate=True), False),
        (q(14, "dead"), q(41, "car"), False),  # different things counted
        (q(14, None), q(41, None), False),  # unknown nouns are never compared
        (q(50, "house", comparator="lt"), q(30, "house"), False),
        (q(50, "house", comparator="lt"), q(80, "house"), True),
        # A round number is the rounding of an exact one, within ROUND_TOLERANCE.
        (q(2000, "tip"), q(2084, "tip"), False),
        (q(5000, "usd"), q(4999, "usd"), False),
        (q(500, "usd"), q(550, "usd"), True),
        (q(2000, "tip"), q(2400, "tip"), True),
        (q(40, "dead"), q(41, "dead"), True),  # small numbers are not rounded
    ],
)
def test_quantities(mine: Quantity, theirs: Quantity, conflict: bool) -> None:
    found = conflicts(with_quantities(mine), with_quantities(theirs))
    assert bool(found) is conflict
    if conflict:
        assert found[0].field == "quantity"


def test_an_estimate_contradicts_no_other_amount() -> None:
    forecast = claim(
        "f",
        text="Analysts forecast 24 million watch sales this year.",
        source="A",
        quantities=[q(24e6, "watch")],
    )
    plain = claim(
        "p", text="Apple will sell 19 million watches.", source="B", quantities=[q(19e6, "watch")]
    )
    sold = claim(
        "s", text="Apple sold 30 million watches.", source="C", quantities=[q(3e7, "watch")]
    )
    assert conflicts(plain, forecast) == [] and conflicts(forecast, plain) == []
    assert [c.field for c in conflicts(plain, sold)] == ["quantity"]


def test_a_quantity_agrees_if_any_same_kind_quantity_agrees() -> None:
    mine = with_quantities(q(30, "leader", approximate=True), q(300, "fighter", approximate=True))
    theirs = with_quantities(q(300, "fighter", comparator="gt"), q(12, "vehicle"))
    assert conflicts(mine, theirs) == []


def test_dates_conflict_only_for_event_dates() -> None:
    may = claim("a", text="x", source="A", times=[day("2025-05-28")], published="2025-06-16T10:00")
    april = claim(
        "b", text="x", source="B", times=[day("2025-04-02")], published="2025-06-16T10:00"
    )
    friday = claim(
        "c", text="x", source="C", times=[day("2025-06-16", "Friday")], published="2025-06-16T10:00"
    )
    next_day = claim("d", text="x", source="D", times=[day("2025-05-29")], published="2025-06-16")
    assert [c.field for c in conflicts(may, april)] == ["date"]
    assert conflicts(may, friday) == []  # "said on Friday" is when it was reported
    assert conflicts(may, next_day) == []  # one day of slack


def test_one_phrase_is_one_time_whatever_year_each_article_reads_into_it() -> None:
    # "in December" said in a future-tense rumour and in its debunk: each article's date made
    # a different December of it, but the words are the same.
    coming = TimeRef(text="December", start=date(2015, 12, 1), end=date(2015, 12, 31))
    past = TimeRef(text="december", start=date(2014, 12, 1), end=date(2014, 12, 31))
    dated = TimeRef(text="December 2014", start=date(2014, 12, 1), end=date(2014, 12, 31))
    rumour = claim("a", text="x", source="A", times=[coming], published="2015-01-05T09:00")
    debunk = claim("b", text="x", source="B", times=[past], published="2015-01-05T09:00")
    explicit = claim("c", text="x", source="C", times=[dated], published="2015-01-05T09:00")
    assert conflicts(rumour, debunk) == []
    assert [(c.claim_value, c.evidence_value) for c in conflicts(rumour, explicit)] == [
        ("December", "December 2014")
    ]


def test_places_conflict_unless_the_other_article_mentions_them() -> None:
    raqqa = claim("a", text="A strike near Raqqa.", source="A", places=["raqqa"])
    aleppo = claim("b", text="A strike near Aleppo.", source="B", places=["aleppo"])
    syria = claim("c", text="A strike in Syria.", source="C", places=["syria"])
    assert [c.field for c in conflicts(raqqa, aleppo)] == ["place"]
    assert conflicts(raqqa, syria, other_context="A strike in Syria, near Raqqa.") == []


def test_names_conflict_when_someone_else_did_the_same_thing() -> None:
    victim = entity("jon_vale", "PERSON", "Jon Vale")
    a = claim(
        "a",
        text="Mara Holt shot Jon Vale.",
        source="A",
        subject="Mara Holt",
        predicate="shoot",
        obj="Jon Vale",
        entities=[entity("mara_holt", "PERSON", "Mara Holt"), victim],
    )
    b = claim(
        "b",
        text="Ivo Brandt shot Jon Vale.",
        source="B",
        subject="Ivo Brandt",
        predicate="shoot",
        obj="Jon Vale",
        entities=[entity("ivo_brandt", "PERSON", "Ivo Brandt"), victim],
    )
    found = conflicts(a, b)
    assert [(c.field, c.claim_value, c.evidence_value) for c in found] == [
        ("name", "Mara Holt", "Ivo Brandt")
    ]
    assert conflicts(a, a.model_copy(update={"claim_id": "c"})) == []


def test_the_seed_details_agree() -> None:
    seeds = sc.seeds()
    assert conflicts(seeds["ap_assertion"].claim, seeds["blog_assertion"].claim) == []


def test_same_place_and_day_alone_is_not_relatedness() -> None:
    fire = sc.three_independent()
    council = sc.unrelated_same_place_date().claim
    assert relatedness(fire[0].claim, council) < 0.2
    assert relatedness(fire[0].claim, fire[1].claim) > 0.5


def test_only_event_locations_conflict_and_they_are_shown_by_name() -> None:
    raqqa = entity("loc:rk", "GPE", "Raqqa")
    us = entity("loc:us", "GPE", "U.S.")
    strike = claim(
        "a",
        text="The strike hit a meeting on the outskirts of Raqqa.",
        source="A",
        places=["loc:rk"],
        entities=[raqqa],
    )
    warned = claim(
        "b",
        text="The ministry had warned the U.S. of the coming strike.",
        source="B",
        places=["loc:us"],
        entities=[us],
    )
    assert event_places(strike) == {"loc:rk": "Raqqa"}
    assert event_places(warned) == {}
    assert conflicts(strike, warned) == []
    elsewhere = claim(
        "c",
        text="The strike hit a meeting near the town of Aleppo.",
        source="C",
        places=["loc:alp"],
        entities=[entity("loc:alp", "GPE", "Aleppo")],
    )
    found = conflicts(strike, elsewhere)
    assert [(c.field, c.claim_value, c.evidence_value) for c in found] == [
        ("place", "Raqqa", "Aleppo")
    ]


def test_two_speakers_of_one_statement_are_no_name_conflict() -> None:
    statement = dict(predicate="say", obj="the ferry was overloaded", source="A")
    arora = entity("per:arora", "PERSON", "Dev Arora")
    osei = entity("per:osei", "PERSON", "Halima Osei")
    ferry = entity("misc:ferry", "PRODUCT", "the ferry")
    a = claim(
        "a",
        text="Dev Arora said the ferry was overloaded",
        subject="Dev Arora",
        entities=[arora, ferry],
        speaker=("per:arora", "Dev Arora"),
        **statement,  # type: ignore[arg-type]
    )
    b = claim(
        "b",
        text="Halima Osei said the ferry was overloaded",
        subject="Halima Osei",
        entities=[osei, ferry],
        speaker=("per:osei", "Halima Osei"),
        **statement,  # type: ignore[arg-type]
    )
    assert conflicts(a, b) == []


def test_same_assertion_needs_a_shared_participant_and_words() -> None:
    baghdadi = entity("per:bkd", "PERSON", "al-Baghdadi")
    isis = entity("org:isis", "ORG", "ISIS")
    killed = claim(
        "a", text="al-Baghdadi was killed in the strike", source="A", entities=[baghdadi]
    )
    verified = claim(
        "b",
        text="al-Baghdadi attended the meeting and was killed in the strike",
        source="A",
        entities=[baghdadi],
    )
    promise = claim("c", text="Russia promised to fight ISIS hard", source="A", entities=[isis])
    photos = claim("d", text="ISIS photos of the strike were released", source="A", entities=[isis])
    assert same_assertion(killed, verified)
    assert not same_assertion(killed, promise)
    assert not same_assertion(promise, photos)  # one group in common is not one assertion


def _polar(
    text: str, *, predicate: str, negated: bool = False, keys: tuple[str, ...] = ()
) -> Claim:
    return Claim(
        claim_id=text[:8],
        article_id=text[:4],
        source="Outlet",
        text=text,
        start=0,
        end=len(text),
        predicate=predicate,
        entities=[Entity(text=k, label="ORG", key=k, start=0, end=1) for k in keys],
        modality=Modality(negated=negated),
        checkworthiness=0.9,
    )


def test_a_denial_of_the_same_event_contradicts_it() -> None:
    report = _polar(
        "Valtrane laid off 600 workers at its Port Elsin terminal",
        predicate="lay",
        keys=("org:vltrn",),
    )
    denial = _polar(
        "Valtrane denied reports that it had laid off 600 workers at Port Elsin",
        predicate="deny",
        keys=("org:vltrn",),
    )
    negated = _polar(
        "Valtrane has not laid off 600 workers at Port Elsin",
        predicate="lay",
        negated=True,
        keys=("org:vltrn",),
    )
    assert contradicts(report, denial) and contradicts(denial, report)
    assert contradicts(report, negated)
    assert not contradicts(denial, negated)  # both say it did not happen
    other_company = _polar(
        "Norvik denied reports that it had laid off 600 workers",
        predicate="deny",
        keys=("org:nrvk",),
    )
    assert not contradicts(report, other_company)


def test_a_negation_of_something_else_is_no_contradiction() -> None:
    fire = _polar(
        "A fire broke out at the Kestrel depot on Tuesday", predicate="break", keys=("org:kstrl",)
    )
    clean_air = _polar(
        "The agency found no dangerous pollutants after the fire at the Kestrel depot",
        predicate="find",
        negated=True,
        keys=("org:kstrl",),
    )
    assert not contradicts(fire, clean_air)
