"""Acceptance of an article, posted to the API or read from a feed: de-duplicate, store,
and queue it."""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from celery import Celery

from shared import recovery
from shared.celery_app import TASK_EXTRACT, TASK_FETCH
from shared.fingerprints import dedupe_fingerprints
from shared.ids import new_article_id
from shared.schemas import ArticleIn, ArticleStatus, StoredArticle
from shared.settings import Settings
from shared.storage import articles, dedupe, inflight


def accept_article(
    *,
    client: redis.Redis,
    celery: Celery,
    settings: Settings,
    article: ArticleIn,
    idempotency_key: str | None,
) -> tuple[str, bool]:
    """Store and queue ``article`` unless it was seen before. Returns (article_id, duplicate).

    The article is written before its task is sent, and marked queued only after, so a
    failure in between leaves a record that the next identical post completes, and that
    the recovery sweep re-sends if no such post comes.
    """
    url = str(article.url) if article.url else None
    prints = dedupe_fingerprints(
        source=article.source, body=article.body, url=url, idempotency_key=idempotency_key
    )
    article_id, seen = dedupe.claim_fingerprints(
        client, fingerprints=prints, candidate_id=new_article_id()
    )
    if seen and articles.is_enqueued(client, article_id=article_id):
        return article_id, True
    stored = StoredArticle(
        article_id=article_id,
        title=article.title,
        body=article.body or "",
        url=url,
        source=article.source,
        published_at=article.published_at,
        author=article.author,
        language=article.language,
        status=ArticleStatus.queued,
        received_at=datetime.now(UTC),
    )
    pipe = client.pipeline(transaction=False)
    articles.save_article(pipe, stored)
    inflight.watch(pipe, article_id=article_id, until=recovery.deadline(settings))
    pipe.execute()
    celery.send_task(
        TASK_EXTRACT if article.body else TASK_FETCH, kwargs={"article_id": article_id}
    )
    articles.mark_enqueued(client, article_id=article_id)
    return article_id, False
