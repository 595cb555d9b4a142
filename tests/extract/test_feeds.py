"""Feeds read into items, and one poll of a feed: on fakeredis, against a local server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
from celery import Celery

from services.extract.feed_poll import PollResult, poll_feed
from services.extract.feed_schedule import send_due_polls
from services.extract.feeds import parse_feed
from shared.celery_app import TASK_FETCH, TASK_POLL_FEED, make_celery
from shared.errors import InvalidInput
from shared.settings import Settings
from shared.storage import articles, feed_state, keys
from tests.feeds import BROKEN, Site, atom, rss, served_site

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def test_rss_items_in_order_with_links_and_dates() -> None:
    body = rss(
        "Harbour News",
        [
            ("urn:n:1", "https://news.example/1", "One"),
            ("urn:n:2", "javascript:alert(1)", "Not a link"),
            ("urn:n:1", "https://news.example/1-again", "Same guid"),
            ("urn:n:3", "https://news.example/3", "Three"),
        ],
    )
    feed = parse_feed(body, url="https://news.example/rss", now=NOW)
    assert feed.title == "Harbour News"
    assert [(i.item_id, i.url) for i in feed.items] == [
        ("urn:n:1", "https://news.example/1"),
        ("urn:n:3", "https://news.example/3"),
    ]
    assert feed.items[0].published_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_atom_items_and_a_future_date_is_dropped() -> None:
    feed = parse_feed(
        atom("Wire", [("urn:1", "https://wire.example/a", "A")]),
        url="https://wire.example/atom",
        now=datetime(2025, 3, 1, tzinfo=UTC),
    )
    assert [(i.item_id, i.url, i.title, i.published_at) for i in feed.items] == [
        ("urn:1", "https://wire.example/a", "A", None)
    ]


@pytest.mark.parametrize("body", [BROKEN, b"just some text", b"<html><body>a page</body></html>"])
def test_malformed_or_not_a_feed_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidInput):
        parse_feed(body, url="https://x.example/feed", now=NOW)


@dataclass
class Poller:
    """A local feed site, and polls of feeds on it with its host allowed to be fetched."""

    served: Site
    base: str  # http://host:port of the site
    client: fakeredis.FakeRedis
    settings: Settings
    celery: Celery

    def poll(self, url: str, *, now: float, settings: Settings | None = None) -> PollResult:
        return poll_feed(
            client=self.client,
            celery=self.celery,
            settings=settings or self.settings,
            url=url,
            now=now,
        )


@pytest.fixture
def poller(fake_redis: fakeredis.FakeRedis) -> Iterator[Poller]:
    with served_site() as (served, address):
        settings = Settings(redis_url="memory://", environment="test", fetch_allowed_hosts=address)
        yield Poller(served, f"http://{address}", fake_redis, settings, make_celery(settings))


def test_poll_queues_new_items_only_and_asks_conditionally(
    poller: Poller, fake_redis: fakeredis.FakeRedis, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    served, base = poller.served, poller.base
    url = f"{base}/rss.xml"
    served.put("/rss.xml", rss("Harbour News", [("g1", f"{base}/a/1", "One")]))

    first = poller.poll(url, now=1000.0)
    assert first.status == "ok" and len(first.queued) == 1
    article = articles.get_article(fake_redis, first.queued[0])
    assert article is not None and article.url == f"{base}/a/1"
    assert article.source == "Harbour News" and article.title == "One" and not article.body
    assert [name for name, _ in sent] == [TASK_FETCH]

    unchanged = poller.poll(url, now=1001.0)
    assert unchanged.status == "not_modified" and not unchanged.queued
    assert [status for _, status in served.hits("/rss.xml")] == [200, 304]
    assert served.hits("/rss.xml")[1][0] is not None  # the second request carried If-None-Match

    served.put(
        "/rss.xml",
        rss("Harbour News", [("g2", f"{base}/a/2", "Two"), ("g1", f"{base}/a/1", "One")]),
    )
    changed = poller.poll(url, now=1002.0)
    assert changed.status == "ok" and len(changed.queued) == 1
    second = articles.get_article(fake_redis, changed.queued[0])
    assert second is not None and second.url == f"{base}/a/2"
    assert len(sent) == 2
    state = feed_state.get_state(fake_redis, url)
    assert state.status == "ok" and state.etag and state.last_modified and state.queued == 1

    # Another feed relaying an item already queued adds no article (URL de-duplication).
    other = f"{base}/other.xml"
    served.put("/other.xml", atom("Other", [("urn:x", f"{base}/a/2", "Two again")]))
    relay = poller.poll(other, now=1003.0)
    assert relay.status == "ok" and relay.queued == [] and relay.duplicates == 1


def test_malformed_and_unreachable_feeds_are_recorded_and_skipped(
    poller: Poller, fake_redis: fakeredis.FakeRedis, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    served = poller.served
    served.put("/broken.xml", BROKEN)
    broken = f"{poller.base}/broken.xml"
    result = poller.poll(broken, now=1.0)
    assert result.status == "malformed" and not sent
    assert feed_state.get_state(fake_redis, broken).status == "malformed"
    again = poller.poll(broken, now=2.0)
    assert again.status == "malformed"
    assert [status for _, status in served.hits("/broken.xml")] == [200, 200]
    missing = f"{poller.base}/gone.xml"
    result = poller.poll(missing, now=1.0)
    assert result.status == "failed" and "404" in (result.error or "")
    refused = poller.poll(
        f"{poller.base}/rss.xml",
        now=1.0,
        settings=Settings(redis_url="memory://", environment="test"),
    )
    assert refused.status == "failed" and not sent


def test_schedule_sends_each_due_feed_once_an_interval(
    fake_redis: fakeredis.FakeRedis, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    settings = Settings(
        redis_url="memory://",
        environment="test",
        feeds="https://a.example/rss, https://b.example/rss",
        feed_poll_seconds=60,
    )
    feed_state.follow(fake_redis, ["https://c.example/atom", "https://a.example/rss"])
    celery = make_celery(settings)
    due = send_due_polls(fake_redis, settings=settings, app=celery, now=1000.0)
    assert due == ["https://a.example/rss", "https://b.example/rss", "https://c.example/atom"]
    assert [(n, k["feed_url"]) for n, k in sent] == [(TASK_POLL_FEED, u) for u in due]
    fake_redis.delete(keys.feeds_lock())
    assert send_due_polls(fake_redis, settings=settings, app=celery, now=1030.0) == []
    fake_redis.delete(keys.feeds_lock())
    assert len(send_due_polls(fake_redis, settings=settings, app=celery, now=1061.0)) == 3
    # Another worker's tick inside the lock's hold sends nothing.
    assert send_due_polls(fake_redis, settings=settings, app=celery, now=9999.0) == []


def test_feeds_setting_takes_a_comma_list_of_http_urls() -> None:
    settings = Settings(environment="test", feeds=" https://a.example/rss ,http://b.example/atom,")
    assert settings.feeds == ["https://a.example/rss", "http://b.example/atom"]
    with pytest.raises(ValueError, match="not an http"):
        Settings(environment="test", feeds="file:///etc/passwd")
