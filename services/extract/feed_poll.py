"""One poll of one feed: a conditional fetch, its new items queued as URL articles.

Each item goes through the acceptance the API uses (``shared.acceptance``): stored,
de-duplicated by URL and queued for the SSRF-guarded fetch like an article posted with
only a ``url``.
A feed that cannot be fetched or read is logged and recorded in its state; the next poll
tries again, and no other feed or task is held up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from celery import Celery
from pydantic import ValidationError

from services.extract.feeds import FeedItem, parse_feed
from services.extract.fetch import FetchedFeed, fetch_feed
from shared.acceptance import accept_article
from shared.errors import FetchRefused, InvalidInput, UpstreamError
from shared.logging import get_logger
from shared.schemas import ArticleIn
from shared.settings import Settings
from shared.storage import feed_state

log = get_logger(__name__)

FetchFeed = Callable[..., FetchedFeed]


@dataclass
class PollResult:
    status: str  # "ok", "not_modified", "malformed", "failed"
    queued: list[str] = field(default_factory=list)  # article ids
    duplicates: int = 0
    refused: int = 0
    error: str | None = None


def _article(item: FeedItem, *, source: str) -> ArticleIn:
    return ArticleIn.model_validate(
        {
            "title": item.title,
            "url": item.url,
            "source": source[:200] or "feed",
            "published_at": item.published_at,
        }
    )


def poll_feed(
    *,
    client: redis.Redis,
    celery: Celery,
    settings: Settings,
    url: str,
    now: float | None = None,
    fetch: FetchFeed = fetch_feed,
) -> PollResult:
    """Fetch ``url`` (conditional on the last answer's validators) and queue its new items,
    at most ``feed_max_items`` of them, in feed order."""
    now = time.time() if now is None else now
    state = feed_state.get_state(client, url)
    try:
        fetched = fetch(
            url=url, settings=settings, etag=state.etag, last_modified=state.last_modified
        )
        if fetched.not_modified:
            feed_state.record_poll(client, url=url, now=now, status="not_modified")
            log.info("feed_not_modified", feed=url)
            return PollResult(status="not_modified")
    except (UpstreamError, FetchRefused, InvalidInput) as exc:
        feed_state.record_poll(client, url=url, now=now, status="failed", error=str(exc))
        log.warning("feed_fetch_failed", feed=url, error_type=type(exc).__name__, error=str(exc))
        return PollResult(status="failed", error=str(exc))
    try:
        feed = parse_feed(fetched.body, url=url, now=datetime.fromtimestamp(now, tz=UTC))
    except InvalidInput as exc:
        # Its validators are not kept: the next poll fetches it whole, and says so again
        # until it is mended.
        feed_state.record_poll(client, url=url, now=now, status="malformed", error=str(exc))
        log.warning("feed_malformed", feed=url, error=str(exc))
        return PollResult(status="malformed", error=str(exc))
    items = {item.item_id: item for item in feed.items[: settings.feed_max_items]}
    fresh = feed_state.unseen(client, url, list(items))
    result = PollResult(status="ok")
    for item_id in fresh:
        try:
            article = _article(items[item_id], source=feed.title)
        except ValidationError as exc:
            result.refused += 1
            log.warning("feed_item_refused", feed=url, item=item_id, error=str(exc))
            continue
        article_id, duplicate = accept_article(
            client=client, celery=celery, settings=settings, article=article, idempotency_key=None
        )
        if duplicate:
            result.duplicates += 1
        else:
            result.queued.append(article_id)
    # Recorded after queueing: a poll cut short queues its items again next time, and the
    # URL de-duplication makes that a no-op for those already accepted.
    feed_state.record_poll(
        client,
        url=url,
        now=now,
        status="ok",
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        seen=fresh,
        queued=len(result.queued),
    )
    log.info(
        "feed_polled",
        feed=url,
        items=len(feed.items),
        new=len(fresh),
        queued=len(result.queued),
        duplicates=result.duplicates,
        refused=result.refused,
    )
    return result
