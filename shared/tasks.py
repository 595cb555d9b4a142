"""One decorator fixes every task's name, queue, retry policy and dead-lettering.

Tasks stay thin: load by id, call pure logic, save. Only ``RetryableError`` is retried,
with exponential backoff and jitter; a ``PermanentError``, an unexpected exception or an
exhausted retry budget sends the task to the dead-letter stream and marks its article
failed, and the pipeline carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import redis
from celery import Celery, Task
from celery.exceptions import Retry

from shared.celery_app import ROUTES
from shared.errors import RetryableError, StoreUnavailable
from shared.logging import get_logger
from shared.runtime import get_redis
from shared.schemas import ArticleStatus, DeadLetter
from shared.settings import get_settings
from shared.storage import articles, deadletters

log = get_logger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class PipelineTask(Task):  # type: ignore[misc]
    """Base class: dead-letter on final failure."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        if isinstance(exc, Retry):
            return
        letter = DeadLetter(
            task=self.name,
            article_id=kwargs.get("article_id"),
            claim_id=kwargs.get("claim_id"),
            claim_ids=list(kwargs.get("claim_ids") or []),
            args=[str(a) for a in args],
            error=str(exc)[:2000],
            error_type=type(exc).__name__,
            retries=self.request.retries,
            failed_at=datetime.now(UTC),
        )
        log.error("task_dead_lettered", error_type=letter.error_type, retries=letter.retries)
        try:
            client = get_redis()
            deadletters.add(client, settings=get_settings(), letter=letter, kwargs=kwargs)
            if letter.article_id:
                articles.set_status(
                    client,
                    article_id=letter.article_id,
                    status=ArticleStatus.failed,
                    reason=f"{letter.error_type}: {letter.error}"[:500],
                )
        except redis.RedisError as store_exc:
            # Nothing more can be done here; the message itself is acked-on-failure.
            log.error("dead_letter_write_failed", error=str(store_exc))


def pipeline_task(app: Celery, *, name: str) -> Callable[[F], F]:
    """Register ``fn`` as a crosscheck task on ``app`` under ``name``."""
    settings = get_settings()
    if name not in ROUTES:
        raise ValueError(f"task {name!r} has no route in shared.celery_app.ROUTES")

    def decorate(fn: F) -> F:
        def run(self: Task, **kwargs: Any) -> Any:
            try:
                return fn(**kwargs)
            except redis.RedisError as exc:
                # Redis trouble mid-task is transient by definition: retry.
                raise StoreUnavailable(str(exc)) from exc

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        task = app.task(
            run,
            name=name,
            # Registered on this app only: another app in the process may use the same name.
            shared=False,
            bind=True,
            base=PipelineTask,
            queue=ROUTES[name]["queue"],
            autoretry_for=(RetryableError,),
            retry_backoff=1,
            retry_backoff_max=settings.task_retry_backoff_max,
            retry_jitter=True,
            max_retries=settings.task_max_retries,
            acks_late=True,
            reject_on_worker_lost=True,
        )
        return task  # type: ignore[no-any-return]

    return decorate
