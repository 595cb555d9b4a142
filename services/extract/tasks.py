"""Thin Celery tasks of the extract worker: read ids, run the extract flows, send on."""

from __future__ import annotations

from typing import Any

from services.extract import flows
from services.extract.checkworthy import load_checkworthy_model
from services.extract.feed_poll import poll_feed as poll_feed_flow
from services.extract.nlp import load_nlp
from services.extract.worker import app
from shared.celery_app import TASK_EXTRACT, TASK_FETCH, TASK_POLL_FEED, TASK_VERIFY
from shared.runtime import get_redis, on_process_init
from shared.settings import Settings, get_settings
from shared.tasks import pipeline_task


@on_process_init
def _load_model(settings: Settings) -> None:
    load_nlp(settings.spacy_model)  # once per process, before the first task
    load_checkworthy_model(settings.checkworthy_model_path or None)


def _send_verify(kwargs: dict[str, Any]) -> None:
    app.send_task(TASK_VERIFY, kwargs=kwargs)


@pipeline_task(app, name=TASK_FETCH)
def fetch_article(*, article_id: str) -> None:
    """Fetch a URL-only article's page, then extract it."""
    flows.fetch_article(get_redis(), article_id=article_id, settings=get_settings())
    app.send_task(TASK_EXTRACT, kwargs={"article_id": article_id})


@pipeline_task(app, name=TASK_EXTRACT)
def extract_article(*, article_id: str) -> None:
    """Extract claims, store them, and send verify tasks for them in small batches."""
    settings = get_settings()
    flows.extract_article(
        get_redis(),
        article_id=article_id,
        settings=settings,
        nlp=load_nlp(settings.spacy_model),
        send=_send_verify,
    )


@pipeline_task(app, name=TASK_POLL_FEED)
def poll_feed(*, feed_url: str) -> None:
    """Fetch a feed and queue its new items as URL articles (``feed_poll``)."""
    poll_feed_flow(client=get_redis(), celery=app, settings=get_settings(), url=feed_url)
