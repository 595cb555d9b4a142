"""The task decorator: which failures are retried, and what a dead letter records.

Tasks run eagerly on an in-memory broker here, which is enough to test the decorator's own
policy (retry classification, the dead-letter record, the article status). The real
redelivery of messages from killed workers is tested end to end in tests/e2e/test_faults.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
import redis
from celery import Celery
from celery.exceptions import Retry as CeleryRetry
from click.testing import CliRunner
from redis.backoff import NoBackoff
from redis.retry import Retry

from crosscheck.cli import cli
from shared.celery_app import TASK_EXTRACT, TASK_FETCH, TASK_VERIFY
from shared.errors import FetchRefused, InvalidInput, NotFound, StoreUnavailable, UpstreamTimeout
from shared.runtime import reset_redis
from shared.schemas import ArticleStatus, StoredArticle
from shared.settings import Settings
from shared.storage import articles
from shared.tasks import PipelineTask, pipeline_task

MAX_RETRIES = 2


@pytest.fixture
def task_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(
        redis_url="memory://",
        environment="test",
        task_max_retries=MAX_RETRIES,
        task_retry_backoff_max=1,
    )
    monkeypatch.setattr("shared.tasks.get_settings", lambda: settings)
    return settings


@pytest.fixture
def app(task_settings: Settings, fake_redis: fakeredis.FakeRedis) -> Iterator[Celery]:
    celery = Celery("test-deadletter", broker="memory://", set_as_current=False)
    celery.conf.task_always_eager = False
    reset_redis(fake_redis)
    yield celery
    reset_redis(None)


@pytest.fixture
def article(fake_redis: fakeredis.FakeRedis) -> str:
    articles.save_article(
        fake_redis,
        StoredArticle(
            article_id="art1",
            body="text",
            source="Wire",
            status=ArticleStatus.extracting,
            received_at=datetime(2025, 3, 11, 12, 0, tzinfo=UTC),
        ),
    )
    return "art1"


def _register(app: Celery, name: str, fn: Callable[..., Any]) -> Any:
    return pipeline_task(app, name=name)(fn)


def _always_failing(error: Exception, calls: list[str]) -> Callable[..., None]:
    """A task body that records each attempt and raises ``error``."""

    def body(*, article_id: str) -> None:
        calls.append(article_id)
        raise error

    return body


def _noop(**_: Any) -> None:
    return None


def _letters(client: fakeredis.FakeRedis, settings: Settings) -> list[dict[str, Any]]:
    entries: list[tuple[str, dict[str, str]]] = client.xrange(settings.dead_stream_name)  # type: ignore[assignment]
    return [
        {**json.loads(fields["letter"]), "kwargs": json.loads(fields["kwargs"]), "id": entry_id}
        for entry_id, fields in entries
    ]


@pytest.mark.parametrize(
    "error",
    [
        InvalidInput("no text"),
        FetchRefused("resolves to 10.0.0.1 (private)"),
        NotFound("gone"),
        ValueError("a bug"),
    ],
)
def test_permanent_and_unexpected_errors_are_dead_lettered_at_once(
    app: Celery,
    fake_redis: fakeredis.FakeRedis,
    task_settings: Settings,
    article: str,
    error: Exception,
) -> None:
    calls: list[str] = []
    body = _always_failing(error, calls)
    task = _register(app, TASK_FETCH, body)
    result = task.apply(kwargs={"article_id": article})
    assert result.failed()
    assert calls == [article]  # never retried
    [letter] = _letters(fake_redis, task_settings)
    assert letter["task"] == TASK_FETCH
    assert letter["article_id"] == article
    assert letter["error_type"] == type(error).__name__
    assert str(error) in letter["error"]
    assert letter["retries"] == 0
    assert letter["kwargs"] == {"article_id": article}
    stored = articles.get_article(fake_redis, article)
    assert stored is not None and stored.status == ArticleStatus.failed
    assert stored.reason is not None and type(error).__name__ in stored.reason


@pytest.mark.parametrize(
    "error",
    [UpstreamTimeout("slow"), StoreUnavailable("down"), redis.ConnectionError("reset by peer")],
)
def test_retryable_errors_are_retried_then_dead_lettered(
    app: Celery,
    fake_redis: fakeredis.FakeRedis,
    task_settings: Settings,
    article: str,
    error: Exception,
) -> None:
    calls: list[str] = []
    body = _always_failing(error, calls)
    task = _register(app, TASK_EXTRACT, body)
    result = task.apply(kwargs={"article_id": article})
    assert result.failed()
    assert len(calls) == MAX_RETRIES + 1
    letters = _letters(fake_redis, task_settings)
    assert len(letters) == 1, letters  # one letter, after the last attempt only
    # Redis errors inside a task are reported as the transient StoreUnavailable.
    expected = "StoreUnavailable" if isinstance(error, redis.RedisError) else type(error).__name__
    assert letters[0]["error_type"] == expected
    assert letters[0]["retries"] == MAX_RETRIES
    stored = articles.get_article(fake_redis, article)
    assert stored is not None and stored.status == ArticleStatus.failed


def test_a_transient_failure_that_recovers_is_not_dead_lettered(
    app: Celery, fake_redis: fakeredis.FakeRedis, task_settings: Settings, article: str
) -> None:
    attempts = iter([UpstreamTimeout("slow"), None])

    def body(*, article_id: str) -> str:
        error = next(attempts)
        if error is not None:
            raise error
        return article_id

    task = _register(app, TASK_EXTRACT, body)
    assert task.apply(kwargs={"article_id": article}).successful()
    assert _letters(fake_redis, task_settings) == []
    stored = articles.get_article(fake_redis, article)
    assert stored is not None and stored.status == ArticleStatus.extracting


def test_a_claim_task_records_the_claims_and_article(
    app: Celery, fake_redis: fakeredis.FakeRedis, task_settings: Settings, article: str
) -> None:
    def body(*, claim_ids: list[str], article_id: str) -> None:
        raise NotFound(f"claim {claim_ids[-1]} is not in the store")

    task = _register(app, TASK_VERIFY, body)
    task.apply(kwargs={"claim_ids": ["cl8", "cl9"], "article_id": article})
    [letter] = _letters(fake_redis, task_settings)
    assert (letter["claim_ids"], letter["article_id"]) == (["cl8", "cl9"], article)


def test_retry_signals_are_not_failures(
    app: Celery, fake_redis: fakeredis.FakeRedis, task_settings: Settings
) -> None:
    task = _register(app, TASK_EXTRACT, _noop)
    assert isinstance(task, PipelineTask)
    task.on_failure(CeleryRetry("again"), "tid", (), {"article_id": "x"}, None)
    assert _letters(fake_redis, task_settings) == []


def test_a_dead_store_does_not_crash_the_failure_handler(
    app: Celery, task_settings: Settings
) -> None:
    down = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    reset_redis(down)
    task = _register(app, TASK_EXTRACT, _noop)
    task.on_failure(InvalidInput("bad"), "tid", (), {"article_id": "x"}, None)  # logs, no raise


def test_an_unrouted_task_name_is_refused(app: Celery) -> None:
    with pytest.raises(ValueError, match="no route"):
        pipeline_task(app, name="crosscheck.nowhere")


def test_dead_cli_lists_and_retries(
    app: Celery,
    fake_redis: fakeredis.FakeRedis,
    task_settings: Settings,
    article: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def body(*, article_id: str) -> None:
        raise FetchRefused("refusing to fetch")

    _register(app, TASK_FETCH, body).apply(kwargs={"article_id": article})
    sent: list[tuple[str, dict[str, Any]]] = []

    class _Producer:
        def send_task(self, name: str, *, kwargs: dict[str, Any]) -> None:
            sent.append((name, kwargs))

    monkeypatch.setattr("crosscheck.cli.get_settings", lambda: task_settings)
    monkeypatch.setattr("shared.redis_client.make_redis", lambda settings, **_: fake_redis)
    monkeypatch.setattr("shared.celery_app.make_celery", lambda settings: _Producer())
    runner = CliRunner()
    listed = runner.invoke(cli, ["dead", "list"])
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(row) for row in listed.output.splitlines()]
    assert line["task"] == TASK_FETCH and line["error_type"] == "FetchRefused"
    retried = runner.invoke(cli, ["dead", "retry", line["id"]])
    assert retried.exit_code == 0, retried.output
    assert sent == [(TASK_FETCH, {"article_id": article})]
    assert fake_redis.xlen(task_settings.dead_stream_name) == 0
    missing = runner.invoke(cli, ["dead", "retry", line["id"]])
    assert missing.exit_code != 0 and "no dead letter" in missing.output
