"""Accepted articles under watch (``keys.inflight``), scored by the time after which one
without progress counts as stalled, and the lock one worker's sweep holds
(``keys.recovery_lock``). ``shared.recovery`` decides what a stalled article needs."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from shared.schemas import ArticleStatus
from shared.storage import keys

__all__ = ["forget", "overdue", "progress", "stages", "take_sweep", "watch"]


def watch(pipe: redis.Redis | redis.client.Pipeline, *, article_id: str, until: float) -> None:
    """Start watching an accepted article (or restart its clock)."""
    pipe.zadd(keys.inflight(), {article_id: until})


def progress(
    pipe: redis.Redis | redis.client.Pipeline, *, article_ids: Iterable[str], until: float
) -> None:
    """Push back the deadline of watched articles; an article no longer watched stays so."""
    mapping = dict.fromkeys(article_ids, until)
    if mapping:
        pipe.zadd(keys.inflight(), mapping, xx=True)


def forget(client: redis.Redis | redis.client.Pipeline, *, article_ids: Iterable[str]) -> None:
    ids = list(article_ids)
    if ids:
        client.zrem(keys.inflight(), *ids)


def take_sweep(client: redis.Redis, *, hold_ms: int) -> bool:
    """Whether this worker may sweep now (no other one holds the sweep)."""
    return bool(client.set(keys.recovery_lock(), "1", nx=True, px=hold_ms))


def overdue(client: redis.Redis, *, now: float, limit: int) -> list[str]:
    """Up to ``limit`` watched articles whose deadline is past."""
    found: list[str] = client.zrangebyscore(  # type: ignore[assignment]
        keys.inflight(), "-inf", now, start=0, num=limit
    )
    return found


def stages(
    client: redis.Redis, article_ids: list[str]
) -> list[tuple[ArticleStatus | None, set[str]]]:
    """Each article's status (None if it is gone) and its claims still pending a first
    verdict, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for article_id in article_ids:
        pipe.hget(keys.article(article_id), "status")
        pipe.smembers(keys.article_pending(article_id))
    replies = pipe.execute()
    return [
        (ArticleStatus(status) if status is not None else None, set(pending))
        for status, pending in zip(replies[0::2], replies[1::2], strict=True)
    ]
