"""A worker bootstep that runs one periodic job on the worker's timer, in its main process."""

from __future__ import annotations

from typing import Any, ClassVar

import redis
import structlog
from celery import Celery, bootsteps

from shared.redis_client import make_redis
from shared.settings import Settings, get_settings

__all__ = ["TimerStep"]


class TimerStep(bootsteps.StartStopStep):  # type: ignore[misc]
    """Calls ``tick`` every ``interval(settings)`` seconds with a Redis client of its own.

    A Redis error in a tick is logged as ``failure_event`` on the subclass's ``log`` and
    the next tick tries again; any other error is left to the timer.
    """

    requires = {"celery.worker.components:Timer"}
    failure_event: ClassVar[str]
    log: ClassVar[structlog.stdlib.BoundLogger]

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None

    def interval(self, settings: Settings) -> float:
        raise NotImplementedError

    def tick(self, client: redis.Redis, *, settings: Settings, app: Celery) -> None:
        raise NotImplementedError

    def start(self, worker: Any) -> None:
        settings = get_settings()
        client = make_redis(settings)
        app: Celery = worker.app

        def run() -> None:
            try:
                self.tick(client, settings=settings, app=app)
            except redis.RedisError as exc:  # Redis down: the next tick tries again
                self.log.warning(self.failure_event, error=str(exc))

        self.timer_entry = worker.timer.call_repeatedly(self.interval(settings), run)

    def stop(self, worker: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
