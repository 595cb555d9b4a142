"""Behaviour of ``extract_claims`` on small articles: attribution carry-over, layers, language."""

from __future__ import annotations

from spacy.language import Language

from services.extract.claims import extract_claims, extract_many
from tests.extract.conftest import ArticleFactory


def test_attribution_carries_to_pronoun_and_bare_quote(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = (
        "The Russian Defence Ministry said its jets struck a convoy near Palmyra on Tuesday.\n\n"
        "\u201cAbout 40 vehicles were destroyed in the strike,\u201d it said in a statement.\n\n"
        "\u201cThe convoy carried fighters and ammunition to the front near Deir ez-Zor.\u201d"
    )
    claims = extract_claims(nlp=nlp, article=make_article(body)).claims
    assertions = [c for c in claims if c.kind.value == "assertion"]
    keys = {c.attribution.speaker_key for c in assertions if c.attribution}
    assert keys == {"org:dfns mnstr rsn"}
    assert len(assertions) == 3
    assert assertions[1].attribution is not None and assertions[1].attribution.direct_quote
    assert assertions[2].attribution is not None and assertions[2].attribution.direct_quote


def test_he_resolves_to_the_latest_person(nlp: Language, make_article: ArticleFactory) -> None:
    body = (
        "Mayor Anna Berg said the bridge would reopen in March.\n\n"
        "Engineer Tomas Lind disputed the timetable at a hearing on Monday. "
        "He said the repairs had found 14 cracked beams."
    )
    claims = extract_claims(nlp=nlp, article=make_article(body)).claims
    beams = [c for c in claims if "cracked beams" in c.text and c.kind.value == "assertion"]
    assert beams and beams[0].attribution is not None
    assert beams[0].attribution.speaker_key == "per:lnd"


def test_two_layers_and_hedges(nlp: Language, make_article: ArticleFactory) -> None:
    body = (
        "The army claimed on Friday that it may have killed 12 insurgents near the border crossing."
    )
    claims = extract_claims(nlp=nlp, article=make_article(body)).claims
    assertion = next(c for c in claims if c.kind.value == "assertion")
    report = next(c for c in claims if c.kind.value == "attribution")
    assert report.parent_claim_id == assertion.claim_id
    assert "may have" in assertion.modality.hedges and "claimed" in assertion.modality.hedges
    assert report.modality.hedges == []
    assert report.text == body


def test_denial_marks_negation(nlp: Language, make_article: ArticleFactory) -> None:
    body = "The Sandhaven Port Authority on Thursday denied that a chemical leak had forced an evacuation."
    claims = extract_claims(nlp=nlp, article=make_article(body)).claims
    assertion = next(c for c in claims if c.kind.value == "assertion")
    assert assertion.modality.negated
    assert assertion.attribution is not None and assertion.attribution.cue == "denied"


def test_opinion_and_questions_are_not_claims(nlp: Language, make_article: ArticleFactory) -> None:
    body = (
        "It looks like Russia is ALL-IN with regards to helping the battle with ISIS.\n\n"
        "Is it too much to expect a council to listen?\n\n"
        "I think the council should pause the project and hold a real public meeting."
    )
    assert extract_claims(nlp=nlp, article=make_article(body)).claims == []


def test_foreign_language_is_marked_not_extracted(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = (
        "Le ministère russe de la Défense a affirmé vendredi avoir tué le chef de l'État islamique "
        "lors d'une frappe aérienne près de Raqqa, en Syrie, le 28 mai. Selon le communiqué, "
        "environ 30 commandants et 300 combattants auraient également été tués."
    )
    result = extract_claims(nlp=nlp, article=make_article(body))
    assert result.language == "fr"
    assert result.claims == []


def test_spans_are_exact_and_ids_stable(nlp: Language, make_article: ArticleFactory) -> None:
    body = "<p>Police said 41 people died in the fire on Sunday in the port city of Varna.</p>"
    first = extract_claims(nlp=nlp, article=make_article(body))
    again = extract_many(nlp=nlp, articles=[make_article(body), make_article("Bonjour.")])
    assert [c.claim_id for c in first.claims] == [c.claim_id for c in again[0].claims]
    assert first.claims
    for claim in first.claims:
        assert body[claim.start : claim.end] == claim.text
