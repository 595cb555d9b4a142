"""Thin Celery tasks of the extract worker: load by id, call the logic, save, send on."""

from __future__ import annotations

from services.extract import fetch
from services.extract import store as extract_store
from services.extract.claims import extract_claims
from services.extract.feed_poll import poll_feed as poll_feed_flow
from services.extract.nlp import load_nlp
from services.extract.worker import app
from shared import recovery, store
from shared.celery_app import (
    TASK_EXTRACT,
    TASK_FETCH,
    TASK_POLL_FEED,
    TASK_VERIFY,
    first_verify_kwargs,
)
from shared.errors import InvalidInput, NotFound
from shared.logging import get_logger
from shared.runtime import get_redis, on_process_init
from shared.schemas import ArticleStatus, StoredArticle
from shared.settings import Settings, get_settings
from shared.tasks import pipeline_task

log = get_logger(__name__)

# Past these states the article's claims are stored and its verify tasks are sent.
_EXTRACTED = {ArticleStatus.verifying, ArticleStatus.done}


@on_process_init
def _load_model(settings: Settings) -> None:
    load_nlp(settings.spacy_model)  # once per process, before the first task


def _load(article_id: str) -> StoredArticle:
    article = store.get_article(get_redis(), article_id)
    if article is None:
        raise NotFound(f"article {article_id} is not in the store")
    return article


@pipeline_task(app, name=TASK_FETCH)
def fetch_article(*, article_id: str) -> None:
    """Fetch a URL-only article's page and keep its main text."""
    client = get_redis()
    settings = get_settings()
    article = _load(article_id)
    if not article.body:
        if not article.url:
            raise InvalidInput("article has neither body nor url")
        store.set_article_status(client, article_id=article_id, status=ArticleStatus.fetching)
        page = fetch.fetch_main_text(url=article.url, settings=settings)
        article.body = page.text
        article.title = article.title or page.title
        article.status = ArticleStatus.queued
        pipe = client.pipeline(transaction=False)
        store.save_article(pipe, article)
        recovery.progress(pipe, article_ids=[article_id], until=recovery.deadline(settings))
        pipe.execute()
        log.info("article_fetched", chars=len(page.text))
    app.send_task(TASK_EXTRACT, kwargs={"article_id": article_id})


@pipeline_task(app, name=TASK_EXTRACT)
def extract_article(*, article_id: str) -> None:
    """Extract claims, store them, and send verify tasks for them in small batches."""
    client = get_redis()
    settings = get_settings()
    article = _load(article_id)
    if article.status in _EXTRACTED:
        log.info("extract_skipped", reason="already extracted", status=article.status.value)
        return
    store.set_article_status(client, article_id=article_id, status=ArticleStatus.extracting)
    result = extract_claims(nlp=load_nlp(settings.spacy_model), article=article)
    extract_store.save_claims(
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
        store.set_article_status(
            client, article_id=article_id, status=ArticleStatus.done, reason=reason
        )
        return
    claim_ids = [c.claim_id for c in result.claims]
    for kwargs in first_verify_kwargs(article_id, claim_ids, batch_size=settings.verify_batch_size):
        app.send_task(TASK_VERIFY, kwargs=kwargs)
    # Last, so a crash before this point re-sends everything on redelivery; conditional,
    # because fast verify tasks may already have finished the article.
    store.promote_article_status(
        client,
        article_id=article_id,
        expected=ArticleStatus.extracting,
        status=ArticleStatus.verifying,
    )


@pipeline_task(app, name=TASK_POLL_FEED)
def poll_feed(*, feed_url: str) -> None:
    """Fetch a feed and queue its new items as URL articles (``feed_poll``)."""
    poll_feed_flow(client=get_redis(), celery=app, settings=get_settings(), url=feed_url)
