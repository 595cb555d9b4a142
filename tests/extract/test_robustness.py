"""Extraction never raises, whatever the body: Unicode noise, markup, RTL scripts, huge text."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from services.extract.claims import extract_claims
from shared.schemas import StoredArticle

_RECEIVED = datetime(2024, 1, 1, tzinfo=UTC)
_PIECES = st.sampled_from(
    [
        "The ministry said 30 fighters were killed on Friday.",
        "\u0642\u0627\u0644\u062a \u0627\u0644\u0648\u0632\u0627\u0631\u0629 \u0625\u0646 30 \u0645\u0642\u0627\u062a\u0644\u0627 \u0642\u062a\u0644\u0648\u0627.",
        "\u05d4\u05de\u05e9\u05e8\u05d3 \u05d0\u05de\u05e8 \u05db\u05d9",
        "<div class='x'>",
        "</p>",
        "&amp;",
        "\n\n",
        "\u201c",
        "\u201d",
        "\u202e",
        "\u200f",
        "Updated: 4:04 AM ET",
        "(MOSCOW) \u2014",
        "AP",
        "May 28",
        "about",
        "over 300",
        "?",
        "$",
    ]
)


def _article(body: str) -> StoredArticle:
    return StoredArticle(article_id="p", body=body, source="s", received_at=_RECEIVED)


def _check(nlp: Language, body: str) -> None:
    result = extract_claims(nlp=nlp, article=_article(body))
    assert isinstance(result.language, str)
    for claim in result.claims:
        assert body[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.checkworthiness <= 1.0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=400))
def test_arbitrary_unicode_never_raises(nlp: Language, body: str) -> None:
    _check(nlp, body)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(_PIECES, max_size=30))
def test_news_like_noise_never_raises(nlp: Language, parts: list[str]) -> None:
    _check(nlp, " ".join(parts))


def test_empty_and_markup_only(nlp: Language) -> None:
    for body in [
        "",
        " ",
        "\n\n\n",
        "<html><body><div><p></p></div></body></html>",
        "<<<>>>",
        "\x00\x01",
    ]:
        result = extract_claims(nlp=nlp, article=_article(body))
        assert result.claims == []


def test_one_megabyte_body(nlp: Language) -> None:
    # A scraped page: one news paragraph per block of navigation markup, as pages come.
    paragraph = (
        "The regional emergency agency said on Tuesday that floods had killed at least 41 people "
        "and forced more than 12,000 residents from their homes in Valtrena province.\n\n"
    )
    furniture = '<nav><ul><li><a href="/x">Share</a></li></ul></nav>\n' * 8
    unit = paragraph + furniture
    body = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    result = extract_claims(nlp=nlp, article=_article(body))
    assert result.language == "en"
    assert result.claims
    assert all(body[c.start : c.end] == c.text for c in result.claims)
    assert all("<" not in c.text for c in result.claims)


def test_one_huge_paragraph_is_chunked(nlp: Language) -> None:
    body = ("Police said 12 people were hurt in Varna on Sunday. " * 4000)[:120_000]
    result = extract_claims(nlp=nlp, article=_article(body))
    # Claims come from the later chunks too, at their offsets in the whole body.
    assert result.claims and max(c.end for c in result.claims) > len(body) // 2
    assert all(body[c.start : c.end] == c.text for c in result.claims)
