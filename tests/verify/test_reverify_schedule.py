"""Scheduling re-verification: one pending run per claim, in batches, at the lowest priority."""

from __future__ import annotations

from typing import Any

import fakeredis
import pytest

from services.verify import flows, tasks
from shared.celery_app import PRIORITY_REFRESH, TASK_VERIFY
from shared.settings import Settings


def test_each_claim_is_scheduled_once_in_batches(fake_redis: fakeredis.FakeRedis) -> None:
    settings = Settings(environment="test", verify_batch_size=2)
    sent: list[tuple[list[str], float | None]] = []

    def send(claim_ids: list[str], countdown: float | None) -> None:
        sent.append((claim_ids, countdown))

    ids = ["c1", "c2", "c3"]
    schedule = flows.schedule_reverification
    assert schedule(fake_redis, settings=settings, claim_ids=ids, send=send) == 3
    assert sent == [(["c1", "c2"], None), (["c3"], None)]  # no debounce by default

    # A second finished article citing c2 and c4: c2's run is still pending, only c4 goes.
    sent.clear()
    assert schedule(fake_redis, settings=settings, claim_ids=["c2", "c4"], send=send) == 1
    assert sent == [(["c4"], None)]


def test_a_debounce_delays_each_run(fake_redis: fakeredis.FakeRedis) -> None:
    settings = Settings(environment="test", reverify_debounce_seconds=1.5)
    sent: list[float | None] = []
    flows.schedule_reverification(
        fake_redis, settings=settings, claim_ids=["c9"], send=lambda _, delay: sent.append(delay)
    )
    assert sent == [1.5]


def test_the_task_sends_re_verifications_at_the_lowest_priority(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    messages: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks.app, "send_task", lambda name, **options: messages.append({"name": name, **options})
    )
    tasks.send_reverify(["c1"], 2.0)
    assert messages == [
        {
            "name": TASK_VERIFY,
            "kwargs": {"claim_ids": ["c1"], "reason": flows.REASON_REVERIFY},
            "countdown": 2.0,
            "priority": PRIORITY_REFRESH,
        }
    ]
