"""Per-process resources for workers, built after fork and reused by every task."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import redis
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_init
from structlog.contextvars import bind_contextvars, clear_contextvars

from shared.logging import configure_logging
from shared.redis_client import make_redis
from shared.settings import Settings, get_settings

_redis: redis.Redis | None = None
_init_hooks: list[Callable[[Settings], None]] = []


def on_process_init(hook: Callable[[Settings], None]) -> Callable[[Settings], None]:
    """Register work to do once per worker process (load a model, warm a cache)."""
    _init_hooks.append(hook)
    return hook


def settle_heap() -> None:
    """Move every object alive now (loaded models, above all) out of the collector's reach.

    They live as long as the process, yet every full collection would scan them again: the
    spaCy and stance models alone are ~190k objects, 0.1 s per full collection in the middle
    of some task. Frozen objects are still freed by reference counting; only cycles among
    them would never be collected, and models built once per process make none.
    """
    gc.collect()
    gc.freeze()


def get_redis() -> redis.Redis:
    """The process's Redis client; built on first use so a forked child gets its own."""
    global _redis
    if _redis is None:
        _redis = make_redis(get_settings())
    return _redis


def reset_redis(client: redis.Redis | None = None) -> None:
    """Replace the process client (tests hand in fakeredis)."""
    global _redis
    _redis = client


def install_worker_signals() -> None:
    """Logging, per-process clients and log context for worker processes.

    The signals are process-wide, so each handler is connected once per process whatever
    the app (``dispatch_uid``): the combined worker imports both services' entry points, and
    a second connection would run every process hook twice.
    """

    @setup_logging.connect(weak=False, dispatch_uid="crosscheck.setup_logging")  # type: ignore[untyped-decorator]
    def _setup_main_logging(**_: Any) -> None:
        # The main process logs too (the recovery sweep, Celery's own lines): same format.
        settings = get_settings()
        configure_logging(level=settings.log_level, json=settings.log_json)

    @worker_process_init.connect(weak=False, dispatch_uid="crosscheck.init_process")  # type: ignore[untyped-decorator]
    def _init_process(**_: Any) -> None:
        settings = get_settings()
        configure_logging(level=settings.log_level, json=settings.log_json)
        reset_redis(None)
        for hook in _init_hooks:
            hook(settings)
        settle_heap()

    @task_prerun.connect(weak=False, dispatch_uid="crosscheck.bind_task")  # type: ignore[untyped-decorator]
    def _bind_task(task_id: str, task: Any, kwargs: dict[str, Any] | None = None, **_: Any) -> None:
        clear_contextvars()
        bound = {"task_id": task_id, "task_name": task.name}
        for name in ("article_id", "claim_id", "claim_ids"):
            if kwargs and name in kwargs:
                bound[name] = kwargs[name]
        bind_contextvars(**bound)

    @task_postrun.connect(weak=False, dispatch_uid="crosscheck.unbind_task")  # type: ignore[untyped-decorator]
    def _unbind_task(**_: Any) -> None:
        clear_contextvars()
