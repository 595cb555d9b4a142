"""The extract service's steps: fetch a URL-only article's page, and extract, store and
send on an article's claims, deciding its status on the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from spacy.language import Language

from services.extract import fetch
from services.extract.claims import extract_claims
from shared import recovery
from shared.celery_app import first_verify_kwargs
from shared.errors import InvalidInput, NotFound
from shared.logging import get_logger
from shared.schemas import ArticleStatus, StoredArticle
from shared.settings import Settings
from shared.storage import articles, claims, inflight

__all__ = ["extract_article", "fetch_article"]

log = get_logger(__name__)

# Past these states the article's claims are stored and its verify tasks are sent.
_EXTRACTED = {ArticleStatus.verifying, ArticleStatus.done}

# Sends one verify message with these keyword arguments.
SendVerify = Callable[[dict[str, Any]], None]


def _load(client: redis.Redis, article_id: str) -> StoredArticle:
    article = articles.get_article(client, article_id)
    if article is None:
        raise NotFound(f"article {article_id} is not in the store")
    return article


def fetch_article(client: redis.Redis, *, article_id: str, settings: Settings) -> None:
    """Fetch a URL-only article's page and keep its main text (an article with a body is
    left as it is)."""
    article = _load(client, article_id)
    if article.body:
        return
    if not article.url:
        raise InvalidInput("article has neither body nor url")
    articles.set_status(client, article_id=article_id, status=ArticleStatus.fetching)
    page = fetch.fetch_main_text(url=article.url, settings=settings)
    article.body = page.text
    article.title = article.title or page.title
    article.status = ArticleStatus.queued
    pipe = client.pipeline(transaction=False)
    articles.save_article(pipe, article)
    inflight.progress(pipe, article_ids=[article_id], until=recovery.deadline(settings))
    pipe.execute()
    log.info("article_fetched", chars=len(page.text))


def extract_article(
    client: redis.Redis, *, article_id: str, settings: Settings, nlp: Language, send: SendVerify
) -> None:
    """Extract claims, store them, and send verify tasks for them in small batches."""
    article = _load(client, article_id)
    if article.status in _EXTRACTED:
        log.info("extract_skipped", reason="already extracted", status=article.status.value)
        return
    articles.set_status(client, article_id=article_id, status=ArticleStatus.extracting)
    result = extract_claims(nlp=nlp, article=article)
    claims.save_claims(
        client,
        article=article,
        claims=result.claims,
        language=result.language,
        stall_deadline=recovery.deadline(settings),
    )
    log.info("claims_extracted", claims=len(result.claims), language=result.language)
    if not result.claims:
        reason = (
            None if result.language == "en" else f"language {result.language!r} is not supported"
        )
        articles.set_status(client, article_id=article_id, status=ArticleStatus.done, reason=reason)
        return
    claim_ids = [c.claim_id for c in result.claims]
    for kwargs in first_verify_kwargs(article_id, claim_ids, batch_size=settings.verify_batch_size):
        send(kwargs)
    # Last, so a crash before this point re-sends everything on redelivery; conditional,
    # because fast verify tasks may already have finished the article.
    articles.promote_status(
        client,
        article_id=article_id,
        expected=ArticleStatus.extracting,
        status=ArticleStatus.verifying,
    )
