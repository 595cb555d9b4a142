"""Followed feeds and their polling state (``keys.feeds_followed``, ``keys.feed_state``,
``keys.feed_seen``, ``keys.feeds_lock``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from shared.storage import keys

# Far more than any feed lists at once: an item that drops out and comes back is not new.
SEEN_KEPT = 5000


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: float = 0.0
    polled_at: float | None = None
    status: str | None = None  # "ok", "not_modified", "malformed", "failed"
    error: str | None = None
    queued: int = 0  # articles queued by the last poll that fetched the feed


def follow(client: redis.Redis, urls: Sequence[str]) -> list[bool]:
    """Add ``urls`` to the followed set; for each, whether it was new."""
    pipe = client.pipeline(transaction=False)
    for url in urls:
        pipe.sadd(keys.feeds_followed(), url)
    return [bool(added) for added in pipe.execute()]


def unfollow(client: redis.Redis, urls: Sequence[str]) -> list[bool]:
    """Remove ``urls`` from the followed set, and their state; for each, whether it was
    followed."""
    pipe = client.pipeline(transaction=False)
    for url in urls:
        pipe.srem(keys.feeds_followed(), url)
        pipe.delete(keys.feed_state(url), keys.feed_seen(url))
    return [bool(removed) for removed in pipe.execute()[0::2]]


def followed(client: redis.Redis) -> list[str]:
    members: set[str] = client.smembers(keys.feeds_followed())  # type: ignore[assignment]
    return sorted(members)


def get_state(client: redis.Redis, url: str) -> FeedState:
    fields: dict[str, str] = client.hgetall(keys.feed_state(url))  # type: ignore[assignment]
    return FeedState(
        url=url,
        etag=fields.get("etag") or None,
        last_modified=fields.get("last_modified") or None,
        next_poll_at=float(fields.get("next_poll_at") or 0.0),
        polled_at=float(fields["polled_at"]) if fields.get("polled_at") else None,
        status=fields.get("status") or None,
        error=fields.get("error") or None,
        queued=int(fields.get("queued") or 0),
    )


def take_due(
    client: redis.Redis, urls: Iterable[str], *, now: float, interval: float, hold_ms: int
) -> list[str]:
    """The feeds of ``urls`` due at ``now``, each moved on by ``interval``: only the worker
    holding the schedule lock gets any, so every feed is polled once an interval."""
    unique = sorted(set(urls))
    if not unique or not client.set(keys.feeds_lock(), "1", nx=True, px=hold_ms):
        return []
    pipe = client.pipeline(transaction=False)
    for url in unique:
        pipe.hget(keys.feed_state(url), "next_poll_at")
    due = [url for url, at in zip(unique, pipe.execute(), strict=True) if float(at or 0) <= now]
    pipe = client.pipeline(transaction=False)
    for url in due:
        pipe.hset(keys.feed_state(url), mapping={"url": url, "next_poll_at": repr(now + interval)})
    pipe.execute()
    return due


def unseen(client: redis.Redis, url: str, item_ids: Sequence[str]) -> list[str]:
    """The ids of ``item_ids`` not queued from this feed before, in order."""
    if not item_ids:
        return []
    scores = client.zmscore(keys.feed_seen(url), list(item_ids))
    return [item for item, score in zip(item_ids, scores, strict=True) if score is None]


def record_poll(
    client: redis.Redis,
    *,
    url: str,
    now: float,
    status: str,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    seen: Sequence[str] = (),
    queued: int | None = None,
) -> None:
    """What a poll found: its status, the answer's validators, the items it queued."""
    mapping: dict[Any, Any] = {
        "url": url,
        "polled_at": repr(now),
        "status": status,
        "error": (error or "")[:500],
    }
    if etag is not None:
        mapping["etag"] = etag
    if last_modified is not None:
        mapping["last_modified"] = last_modified
    if queued is not None:
        mapping["queued"] = str(queued)
    pipe = client.pipeline(transaction=False)
    pipe.hset(keys.feed_state(url), mapping=mapping)
    if seen:
        pipe.zadd(keys.feed_seen(url), dict.fromkeys(seen, now))
        pipe.zremrangebyrank(keys.feed_seen(url), 0, -SEEN_KEPT - 1)
    pipe.execute()
