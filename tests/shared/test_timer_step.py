"""The periodic worker step: its interval, its Redis-error handling, and its stop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from celery import Celery
from structlog.testing import capture_logs

from shared.logging import get_logger
from shared.settings import Settings, get_settings
from shared.timer_step import TimerStep


class _Timer:
    def __init__(self) -> None:
        self.calls: list[tuple[float, Callable[[], None]]] = []
        self.cancelled = 0

    def call_repeatedly(self, seconds: float, fn: Callable[[], None]) -> Any:
        self.calls.append((seconds, fn))
        return SimpleNamespace(cancel=self._cancel)

    def _cancel(self) -> None:
        self.cancelled += 1


class _Probe(TimerStep):
    failure_event = "probe_failed"
    log = get_logger(__name__)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.ticks: list[Celery] = []

    def interval(self, settings: Settings) -> float:
        return 7.0

    def tick(self, client: redis.Redis, *, settings: Settings, app: Celery) -> None:
        self.ticks.append(app)
        if len(self.ticks) > 1:
            raise redis.ConnectionError("redis is down")


@pytest.fixture
def worker_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process settings a worker reads, naming a Redis nothing listens on."""
    monkeypatch.setenv("CROSSCHECK_REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("worker_settings")
def test_ticks_on_the_timer_log_a_redis_error_and_stop_cleanly() -> None:
    timer = _Timer()
    app = Celery("probe")
    worker = SimpleNamespace(app=app, timer=timer)
    step = _Probe(worker)
    step.start(worker)
    [(seconds, run)] = timer.calls
    assert seconds == 7.0
    with capture_logs() as logs:
        run()
        run()  # Redis fails: logged, not raised, so the next tick runs again
    assert step.ticks == [app, app]
    assert [(e["event"], e["error"]) for e in logs] == [("probe_failed", "redis is down")]
    step.stop(worker)
    step.stop(worker)
    assert timer.cancelled == 1
