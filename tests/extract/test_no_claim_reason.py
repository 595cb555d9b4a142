"""An article that yields no claim says why."""

from __future__ import annotations

from spacy.language import Language

from services.extract.claims import extract_claims
from tests.extract.conftest import ArticleFactory


def test_questions_and_opinion_are_counted_in_the_reason(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = (
        "Is the new bridge in Dornholm really safer than the old one?\n\n"
        "Frankly, the whole project is a disgrace and we deserve better."
    )
    extraction = extract_claims(nlp=nlp, article=make_article(body))
    assert extraction.claims == []
    assert extraction.reason is not None
    assert extraction.reason.startswith("no check-worthy statement in 2 sentences")
    assert "1 question" in extraction.reason
    assert "1 opinion" in extraction.reason


def test_a_body_of_page_furniture_has_nothing_to_read(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = "Share this article\n\nAll rights reserved"
    extraction = extract_claims(nlp=nlp, article=make_article(body))
    assert extraction.claims == []
    assert extraction.reason == "no text to read: the body is empty or only page furniture"


def test_an_article_with_claims_has_no_reason(nlp: Language, make_article: ArticleFactory) -> None:
    body = "Police said two men were arrested in Leeds on Friday after a robbery at a bank."
    extraction = extract_claims(nlp=nlp, article=make_article(body))
    assert extraction.claims and extraction.reason is None


def test_another_language_is_the_reason(nlp: Language, make_article: ArticleFactory) -> None:
    body = (
        "Le gouvernement a annoncé mardi une hausse des impôts pour les entreprises, "
        "selon un communiqué publié à Paris par le ministère des Finances."
    )
    extraction = extract_claims(nlp=nlp, article=make_article(body))
    assert extraction.reason == "language 'fr' is not supported"
