"""The stall sweep: which articles it re-sends, with which task, and what it leaves alone."""

from __future__ import annotations

from typing import Any

import fakeredis
import pytest
import redis

from shared import recovery
from shared.celery_app import QUEUE_VERIFY, TASK_EXTRACT, TASK_FETCH, TASK_VERIFY, queue_keys
from shared.schemas import ArticleStatus
from shared.settings import Settings
from shared.storage import inflight, keys

NOW = 1_000_000.0


@pytest.fixture
def stall_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"stall_seconds": 30, "verify_batch_size": 2})


class Sent:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, kwargs: dict[str, Any]) -> None:
        self.messages.append((name, kwargs))


def accepted(
    client: fakeredis.FakeRedis,
    article_id: str,
    status: ArticleStatus,
    *,
    until: float,
    pending: tuple[str, ...] = (),
) -> None:
    client.hset(keys.article(article_id), mapping={"status": status.value})
    if pending:
        client.sadd(keys.article_pending(article_id), *pending)
    inflight.watch(client, article_id=article_id, until=until)


def test_stalled_articles_get_the_task_that_moves_them_on(
    fake_redis: fakeredis.FakeRedis, stall_settings: Settings
) -> None:
    accepted(fake_redis, "queued", ArticleStatus.queued, until=NOW - 1)
    accepted(fake_redis, "fetching", ArticleStatus.fetching, until=NOW - 1)
    accepted(fake_redis, "extracting", ArticleStatus.extracting, until=NOW - 1)
    accepted(
        fake_redis, "verifying", ArticleStatus.verifying, until=NOW - 1, pending=("c3", "c1", "c2")
    )
    sent = Sent()

    result = recovery.sweep(fake_redis, settings=stall_settings, send=sent, now=NOW)

    assert result.swept
    assert sorted(sent.messages, key=repr) == sorted(
        [
            (TASK_FETCH, {"article_id": "queued"}),
            (TASK_FETCH, {"article_id": "fetching"}),
            (TASK_EXTRACT, {"article_id": "extracting"}),
            # Only the claims still pending, in batches of the configured size.
            (TASK_VERIFY, {"claim_ids": ["c1", "c2"], "article_id": "verifying"}),
            (TASK_VERIFY, {"claim_ids": ["c3"], "article_id": "verifying"}),
        ],
        key=repr,
    )
    assert result.resent == {TASK_FETCH: 2, TASK_EXTRACT: 1, TASK_VERIFY: 2}
    # Each gets a fresh window before it is re-sent again.
    for article_id in ("queued", "fetching", "extracting", "verifying"):
        assert fake_redis.zscore(keys.inflight(), article_id) == NOW + 30


def test_articles_within_their_window_are_left_alone(
    fake_redis: fakeredis.FakeRedis, stall_settings: Settings
) -> None:
    accepted(fake_redis, "busy", ArticleStatus.extracting, until=NOW + 5)
    sent = Sent()

    result = recovery.sweep(fake_redis, settings=stall_settings, send=sent, now=NOW)

    assert result.swept and not sent.messages
    assert fake_redis.zscore(keys.inflight(), "busy") == NOW + 5


def test_finished_and_deleted_articles_are_forgotten_not_resent(
    fake_redis: fakeredis.FakeRedis, stall_settings: Settings
) -> None:
    accepted(fake_redis, "done", ArticleStatus.done, until=NOW - 1)
    accepted(fake_redis, "failed", ArticleStatus.failed, until=NOW - 1)
    inflight.watch(fake_redis, article_id="deleted", until=NOW - 1)
    sent = Sent()

    result = recovery.sweep(fake_redis, settings=stall_settings, send=sent, now=NOW)

    assert not sent.messages
    assert result.forgotten == 3
    assert fake_redis.zcard(keys.inflight()) == 0


def test_one_worker_sweeps_at_a_time(
    fake_redis: fakeredis.FakeRedis, stall_settings: Settings
) -> None:
    accepted(fake_redis, "stuck", ArticleStatus.queued, until=NOW - 1)
    first, second = Sent(), Sent()

    assert recovery.sweep(fake_redis, settings=stall_settings, send=first, now=NOW).swept
    assert not recovery.sweep(fake_redis, settings=stall_settings, send=second, now=NOW).swept
    assert len(first.messages) == 1 and not second.messages


def test_progress_moves_only_watched_articles_and_forget_ends_the_watch(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    inflight.watch(fake_redis, article_id="a", until=NOW)
    inflight.progress(fake_redis, article_ids=["a", "never-accepted"], until=NOW + 60)
    assert fake_redis.zscore(keys.inflight(), "a") == NOW + 60
    # A late verdict of a finished (forgotten) article must not put it back on watch.
    assert fake_redis.zscore(keys.inflight(), "never-accepted") is None
    inflight.forget(fake_redis, article_ids=["a"])
    assert fake_redis.zcard(keys.inflight()) == 0


def test_the_sweep_interval_follows_the_stall_window(settings: Settings) -> None:
    assert recovery.sweep_interval(settings.model_copy(update={"stall_seconds": 900})) == 60
    assert recovery.sweep_interval(settings.model_copy(update={"stall_seconds": 10})) == 2
    assert recovery.sweep_interval(settings.model_copy(update={"stall_seconds": 2})) == 1


def test_every_worker_entry_point_runs_the_sweep() -> None:
    from crosscheck.worker import app

    assert recovery.RecoveryStep in app.steps["worker"]


def test_an_article_whose_queue_is_busy_waits_instead_of_getting_a_duplicate(
    fake_redis: fakeredis.FakeRedis, stall_settings: Settings
) -> None:
    accepted(fake_redis, "waiting", ArticleStatus.verifying, until=NOW - 1, pending=("c1",))
    accepted(fake_redis, "lost", ArticleStatus.extracting, until=NOW - 1)
    fake_redis.lpush(queue_keys(QUEUE_VERIFY)[0], "a message ahead of it")
    sent = Sent()

    result = recovery.sweep(fake_redis, settings=stall_settings, send=sent, now=NOW)

    assert sent.messages == [(TASK_EXTRACT, {"article_id": "lost"})]
    assert result.deferred == 1
    # It gets a new window and is looked at again then.
    assert fake_redis.zscore(keys.inflight(), "waiting") == NOW + 30


def test_a_finished_status_ends_the_watch_and_others_keep_it(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    from shared.storage import articles

    for article_id in ("done", "failed", "verifying"):
        inflight.watch(fake_redis, article_id=article_id, until=NOW)
    articles.set_status(fake_redis, article_id="done", status=ArticleStatus.done)
    articles.set_status(fake_redis, article_id="failed", status=ArticleStatus.failed)
    articles.set_status(fake_redis, article_id="verifying", status=ArticleStatus.verifying)
    assert fake_redis.zrange(keys.inflight(), 0, -1) == ["verifying"]
    assert articles.get_statuses(fake_redis, ["done"]) == {"done": ArticleStatus.done}


@pytest.mark.parametrize("enabled", [True, False])
def test_the_sweep_trims_what_every_consumer_group_acknowledged(
    redis_db_url: str, stall_settings: Settings, enabled: bool
) -> None:
    # A real Redis: trimming is approximate (whole nodes), which fakeredis does not model.
    settings = stall_settings.model_copy(update={"stream_trim_acknowledged": enabled})
    stream = settings.stream_name
    client = redis.Redis.from_url(redis_db_url, decode_responses=True)
    try:
        for index in range(450):
            client.xadd(stream, {"claim": f"{index:0200d}"})
        client.xgroup_create(stream, "readers", id="0")
        read = client.xreadgroup("readers", "r1", {stream: ">"}, count=300)
        client.xack(stream, "readers", *[entry_id for entry_id, _ in read[0][1]])

        result = recovery.sweep(client, settings=settings, send=Sent(), now=NOW)

        # Nothing is due, yet the same tick trims the stream, when trimming is on: never
        # past what the group acknowledged.
        assert result.swept
        if enabled:
            assert 0 < result.trimmed <= 300
        else:
            assert result.trimmed == 0
        assert client.xlen(stream) == 450 - result.trimmed
    finally:
        client.close()
