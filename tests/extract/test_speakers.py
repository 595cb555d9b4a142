"""Speakers are real parties: no relative words or lone pronouns, a surname is its person,
a denial is marked as one, and a relayed report is marked as a relay."""

from __future__ import annotations

import pytest
from spacy.language import Language

from services.extract.claims import extract_claims
from services.extract.linking import ArticleLinker, Mention
from shared.schemas import UNNAMED_REPORT, AttributionRole, Claim, ClaimKind
from tests.extract.conftest import ArticleFactory


def _claims(nlp: Language, make_article: ArticleFactory, body: str) -> list[Claim]:
    return extract_claims(nlp=nlp, article=make_article(body)).claims


def _assertions(claims: list[Claim]) -> list[Claim]:
    return [c for c in claims if c.kind is ClaimKind.assertion]


@pytest.mark.parametrize(
    "body",
    [
        "In the meantime, Apple will be unveiling the first-generation Watch tonight, which "
        "boasts as many as 34 variants.",
        "One neighbour who listened to the video and said immediately that the woman was "
        "Daiane moved to Orlando in 2012.",
    ],
)
def test_a_relative_word_is_never_a_speaker(
    nlp: Language, make_article: ArticleFactory, body: str
) -> None:
    speakers = {
        c.attribution.speaker.lower() for c in _claims(nlp, make_article, body) if c.attribution
    }
    assert not speakers & {"which", "who", "that"}


def test_a_pronoun_with_no_one_to_refer_to_leaves_the_claim_unattributed(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = "He said the Lordstown plant would close in March with the loss of 1,500 jobs."
    claims = _assertions(_claims(nlp, make_article, body))
    assert claims
    assert all(c.attribution is None for c in claims)


def test_a_lone_surname_is_the_person_named_in_full(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = (
        "Sheriff Mark Oberholtzer said deputies found the truck in a field near Ashland on "
        "Sunday.\n\n"
        "Oberholtzer said the driver had been missing for three days before the crash."
    )
    keys = [
        c.attribution.speaker_key
        for c in _assertions(_claims(nlp, make_article, body))
        if c.attribution
    ]
    assert len(keys) == 2
    assert len(set(keys)) == 1 and keys[0].startswith("per:")


def test_a_surname_the_tagger_calls_an_organisation_is_the_person() -> None:
    linker = ArticleLinker()
    linker.add(Mention("Josh Earnest", "PERSON", 0, 12))
    linker.add(Mention("Earnest", "ORG", 100, 107))
    linker.add(Mention("Earnest", "ORG", 200, 207))
    linker.link()
    full = linker.key_of(0, 12)
    assert full is not None
    assert linker.key_of(100, 107) == full
    assert linker.person_by_surname("Earnest") == full[0]


def test_x_denies_y_is_a_denial_of_y(nlp: Language, make_article: ArticleFactory) -> None:
    body = (
        "The Sandhaven port authority denied that a chemical leak occurred at the terminal "
        "on Monday."
    )
    claims = _claims(nlp, make_article, body)
    (assertion,) = _assertions(claims)
    assert "chemical leak occurred" in assertion.text
    assert assertion.attribution is not None
    assert assertion.attribution.role is AttributionRole.denies
    assert assertion.modality.negated
    reports = [c for c in claims if c.kind is ClaimKind.attribution]
    assert reports and all(
        c.attribution is not None and c.attribution.role is AttributionRole.denies for c in reports
    )


def test_a_plain_statement_asserts(nlp: Language, make_article: ArticleFactory) -> None:
    body = "Police said two men were arrested in Leeds on Friday after a robbery at a bank."
    (assertion,) = _assertions(_claims(nlp, make_article, body))
    assert assertion.attribution is not None
    assert assertion.attribution.role is AttributionRole.asserts


@pytest.mark.parametrize(
    "body",
    [
        "Apple has reportedly asked its suppliers in Taiwan to make 5 million watches by March.",
        "According to reports, Valtrane will cut 600 jobs at its Ohio plant in May.",
        "Reports say Valtrane will cut 600 jobs at its Ohio plant in May.",
        "British media reported that the boy was about 10 years old and lived in Kent.",
    ],
)
def test_an_unnamed_report_is_a_relay(
    nlp: Language, make_article: ArticleFactory, body: str
) -> None:
    claims = _claims(nlp, make_article, body)
    relayed = [
        c
        for c in _assertions(claims)
        if c.attribution is not None and c.attribution.role is AttributionRole.relays
    ]
    assert relayed
    assert all(
        c.attribution is not None and c.attribution.speaker_key == UNNAMED_REPORT for c in relayed
    )
    # Nobody is named as saying it: there is no "X said Y" claim to check.
    assert not [
        c
        for c in claims
        if c.kind is ClaimKind.attribution
        and c.attribution
        and c.attribution.speaker_key == UNNAMED_REPORT
    ]


@pytest.mark.parametrize(
    ("body", "outlet"),
    [
        ("The Daily Mail reported that the singer was arrested in Miami on Friday.", "Daily Mail"),
        ("The actor will play Steve Wozniak in the film, according to Variety.", "Variety"),
    ],
)
def test_a_named_outlet_is_relayed(
    nlp: Language, make_article: ArticleFactory, body: str, outlet: str
) -> None:
    # Who is credited, whatever the sentence's check-worthiness (a lone sentence has no context).
    claims = extract_claims(nlp=nlp, article=make_article(body), threshold=0.0).claims
    (assertion,) = _assertions(claims)
    assert assertion.attribution is not None
    assert assertion.attribution.role is AttributionRole.relays
    assert outlet in assertion.attribution.speaker
    assert assertion.attribution.speaker_key != UNNAMED_REPORT


@pytest.mark.parametrize(
    ("body", "speaker", "role", "asserted"),
    [
        (
            "Analyst: Apple Watch Edition to cost 950 dollars.",
            "Analyst",
            AttributionRole.asserts,
            "Apple Watch Edition to cost 950 dollars",
        ),
        (
            "Rep. Duncan Hunter: At least 10 ISIS fighters caught at Mexican border.",
            "Rep. Duncan Hunter",
            AttributionRole.asserts,
            "At least 10 ISIS fighters caught at Mexican border",
        ),
        (
            "Joan Rivers doctor took a selfie during the procedure: CNN.",
            "CNN",
            AttributionRole.relays,
            "Joan Rivers doctor took a selfie during the procedure",
        ),
    ],
)
def test_a_headline_colon_names_its_speaker(
    nlp: Language,
    make_article: ArticleFactory,
    body: str,
    speaker: str,
    role: AttributionRole,
    asserted: str,
) -> None:
    # Posted as a rumour tracker posts a headline: the title, and the body restating it.
    article = make_article(body).model_copy(update={"title": body.rstrip(".")})
    claims = _assertions(extract_claims(nlp=nlp, article=article).claims)
    assert [(c.text, c.attribution and c.attribution.speaker) for c in claims] == [
        (asserted, speaker)
    ]
    assert claims[0].attribution is not None and claims[0].attribution.role is role


@pytest.mark.parametrize(
    "body",
    [
        "Joan Rivers death: Biopsy doctor took a selfie with the star before her surgery.",
        "Isis Syria News: Iraqi pilots are training fighters to fly captured planes.",
        "At 10:30 the police closed the bridge over the river.",
        "Bosnia: Seven underage girls return from a five-day school trip pregnant.",
    ],
)
def test_a_topic_label_before_a_colon_is_no_speaker(
    nlp: Language, make_article: ArticleFactory, body: str
) -> None:
    claims = _claims(nlp, make_article, body)
    assert claims
    assert all(c.attribution is None or c.attribution.speaker != body.split(":")[0] for c in claims)


def _headline_claims(nlp: Language, make_article: ArticleFactory, body: str) -> list[Claim]:
    # Posted as a rumour tracker posts a headline: the title, and the body restating it.
    article = make_article(body).model_copy(update={"title": body.rstrip(".")})
    return extract_claims(nlp=nlp, article=article).claims


def test_a_country_speaks_through_a_colon_in_the_first_person(
    nlp: Language, make_article: ArticleFactory
) -> None:
    claims = _assertions(
        _headline_claims(nlp, make_article, "Iraq: We will retake Mosul within weeks.")
    )
    assert [c.attribution and c.attribution.speaker for c in claims] == ["Iraq"]


@pytest.mark.parametrize(
    "body",
    [
        "Shocking picture shows mother trying to sell her own son to pay for his treatment.",
        "Magic mushroom found growing at Buckingham Palace.",
        "Woman, Ting Su, Finds Husband Cheating With Her Own Twin, Gets Spectacular Revenge.",
    ],
)
def test_what_is_found_or_shown_is_no_statement(
    nlp: Language, make_article: ArticleFactory, body: str
) -> None:
    claims = _headline_claims(nlp, make_article, body)
    assert claims and all(c.attribution is None for c in claims)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Researchers found that the drug cut deaths by a third in the trial.", "Researchers"),
        ("Police found he had fled to Spain before the raid.", "Police"),
    ],
)
def test_finding_that_something_is_so_is_a_statement(
    nlp: Language, make_article: ArticleFactory, body: str, speaker: str
) -> None:
    claims = _assertions(_claims(nlp, make_article, body))
    assert [c.attribution and c.attribution.speaker for c in claims] == [speaker]
