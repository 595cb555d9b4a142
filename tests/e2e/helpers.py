"""Small clients the end-to-end tests share: post, poll, and watch the stream."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
import requests

from shared.schemas import VerdictDoc
from shared.stream import StreamMessage, ack, ensure_group, latest_by_claim, read_group

STREAM = "crosscheck:verified"


def post(api_url: str, article: dict[str, Any], *, headers: dict[str, str] | None = None) -> str:
    response = requests.post(f"{api_url}/articles", json=article, headers=headers or {}, timeout=30)
    assert response.status_code == 202, response.text
    article_id: str = response.json()["id"]
    return article_id


def load_article(path: Path, **overrides: Any) -> dict[str, Any]:
    article: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    article.update(overrides)
    return article


def article_status(
    api_url: str, article_id: str, *, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = requests.get(f"{api_url}/articles/{article_id}", headers=headers or {}, timeout=10)
    response.raise_for_status()
    status: dict[str, Any] = response.json()
    return status


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1
) -> Any:
    """The first true value of ``predicate``, asked every ``interval`` seconds; a
    ``TimeoutError`` naming ``what`` if none comes within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"not within {timeout}s: {what}")


def wait_done(
    api_url: str,
    article_ids: list[str],
    *,
    timeout: float = 120.0,
    headers: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    statuses: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        statuses = {aid: article_status(api_url, aid, headers=headers) for aid in article_ids}
        if all(s["status"] in ("done", "failed") for s in statuses.values()):
            return statuses
        time.sleep(0.3)
    pending = {
        aid: s["status"] for aid, s in statuses.items() if s["status"] not in ("done", "failed")
    }
    raise TimeoutError(f"articles not done after {timeout}s: {pending}")


class StreamWatcher:
    """A consumer group on the verified stream that keeps every message it reads."""

    def __init__(self, redis_url: str, *, group: str, stream: str = STREAM) -> None:
        self.client = redis.Redis.from_url(redis_url, decode_responses=True)
        self.stream = stream
        self.group = group
        self.messages: list[StreamMessage] = []
        ensure_group(self.client, stream=stream, group=group, from_start=True)

    def poll(self) -> None:
        batch = read_group(
            self.client, stream=self.stream, group=self.group, consumer="test", block_ms=200
        )
        self.messages.extend(batch)
        ack(
            self.client, stream=self.stream, group=self.group, entry_ids=[m.entry_id for m in batch]
        )

    def latest(self) -> dict[str, VerdictDoc]:
        return latest_by_claim(self.messages)

    def wait_for(
        self, predicate: Callable[[dict[str, VerdictDoc]], bool], *, timeout: float = 120.0
    ) -> dict[str, VerdictDoc]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            latest = self.latest()
            if predicate(latest):
                return latest
        raise TimeoutError(
            f"stream condition not met after {timeout}s ({len(self.messages)} messages)"
        )

    def settle(self, *, quiet: float = 3.0, timeout: float = 120.0) -> dict[str, VerdictDoc]:
        """Read until no message has arrived for ``quiet`` seconds (re-verification is over)."""
        deadline = time.monotonic() + timeout
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            self.poll()
            if len(self.messages) != last_count:
                last_count, last_change = len(self.messages), time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return self.latest()
        return self.latest()

    def close(self) -> None:
        self.client.close()
