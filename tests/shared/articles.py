"""Articles and their claims with the ids ingest and the extractor give, for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime

from shared import ids
from shared.schemas import Claim, Entity, StoredArticle

PUBLISHED = datetime(2025, 10, 21, 9, 0, tzinfo=UTC)


def article_and_first_claim(
    body: str, *, article_id: str, number: str, source: str = "Lakeside Herald"
) -> tuple[StoredArticle, Claim]:
    """``body``'s article and a claim of its first sentence naming ``number`` (which the
    sentence holds), with the article's outlet and time."""
    article = StoredArticle(
        article_id=article_id,
        title="Depot fire",
        body=body,
        source=source,
        published_at=PUBLISHED,
        received_at=PUBLISHED,
    )
    end = body.index(".") + 1
    at = body.index(number)
    claim = Claim(
        claim_id=ids.claim_id(article_id=article_id, kind="assertion", start=0, end=end),
        article_id=article_id,
        source=source,
        text=body[:end],
        start=0,
        end=end,
        entities=[
            Entity(
                text=number, label="CARDINAL", key=f"num:{number}", start=at, end=at + len(number)
            )
        ],
        checkworthiness=0.8,
        published_at=PUBLISHED,
    )
    return article, claim


def sentence_claims(article: StoredArticle) -> list[Claim]:
    """A claim per sentence of ``article``, with the ids the extractor gives."""
    claims, start = [], 0
    while (end := article.body.find(".", start)) >= 0:
        end += 1
        claims.append(
            Claim(
                claim_id=ids.claim_id(
                    article_id=article.article_id, kind="assertion", start=start, end=end
                ),
                article_id=article.article_id,
                source=article.source,
                published_at=article.published_at,
                text=article.body[start:end],
                start=start,
                end=end,
                checkworthiness=0.7,
            )
        )
        start = end + 1
    return claims


def stored_article(article_id: str, body: str) -> StoredArticle:
    """An article of ``body`` from one outlet, published at ``PUBLISHED``."""
    return StoredArticle(
        article_id=article_id,
        title="Harbour news",
        body=body,
        source="Lakeside Herald",
        published_at=PUBLISHED,
        received_at=PUBLISHED,
    )
