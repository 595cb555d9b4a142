"""Scheduling re-verification: one pending run per claim, in batches, at the lowest priority."""

from __future__ import annotations

from typing import Any

import fakeredis
import pytest

from services.verify import tasks
from shared.celery_app import PRIORITY_REFRESH, TASK_VERIFY
from shared.settings import Settings


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Messages the verify task would send (the broker is not under test here)."""
    messages: list[dict[str, Any]] = []

    def record(name: str, **options: Any) -> None:
        messages.append({"name": name, **options})

    monkeypatch.setattr(tasks.app, "send_task", record)
    return messages


def test_each_claim_is_scheduled_once_in_batches_at_the_lowest_priority(
    fake_redis: fakeredis.FakeRedis, sent: list[dict[str, Any]]
) -> None:
    settings = Settings(environment="test", verify_batch_size=2)
    ids = ["c1", "c2", "c3"]
    assert tasks._schedule_reverification(fake_redis, settings=settings, claim_ids=ids) == 3
    assert [m["kwargs"]["claim_ids"] for m in sent] == [["c1", "c2"], ["c3"]]
    assert {m["name"] for m in sent} == {TASK_VERIFY}
    assert {m["priority"] for m in sent} == {PRIORITY_REFRESH}
    assert {m["kwargs"]["reason"] for m in sent} == {tasks.REASON_REVERIFY}
    assert all(m["countdown"] is None for m in sent)  # no debounce by default

    # A second finished article citing c2 and c4: c2's run is still pending, only c4 goes.
    sent.clear()
    assert (
        tasks._schedule_reverification(fake_redis, settings=settings, claim_ids=["c2", "c4"]) == 1
    )
    assert [m["kwargs"]["claim_ids"] for m in sent] == [["c4"]]


def test_a_debounce_delays_each_run(
    fake_redis: fakeredis.FakeRedis, sent: list[dict[str, Any]]
) -> None:
    settings = Settings(environment="test", reverify_debounce_seconds=1.5)
    tasks._schedule_reverification(fake_redis, settings=settings, claim_ids=["c9"])
    assert [m["countdown"] for m in sent] == [1.5]
