"""Recovery of accepted articles whose task message was lost.

kombu's Redis transport pops a message (BRPOP) before it records the message as
unacknowledged, so a worker killed between the two loses it, and the visibility timeout
cannot restore a message it never saw (kombu #305, celery #7950). Every accepted article is
therefore watched: it sits in a sorted set scored by a deadline that each step of progress
pushes back. Every worker runs a sweep on a timer (one at a time, through a lock) that sends
the next task again for each article past its deadline. Tasks are idempotent, so a message
that was only slow costs a repeat, never a wrong or doubled result. The same tick trims the
verified stream of what every consumer group has acknowledged (``shared.stream``).

An article whose stage still has messages queued is most likely waiting in that queue, so the
sweep gives it another window instead: an overloaded pipeline is not handed duplicate work,
and a lost message is sent again once its queue drains.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import Celery

from shared.celery_app import (
    QUEUE_EXTRACT,
    QUEUE_FETCH,
    QUEUE_VERIFY,
    TASK_EXTRACT,
    TASK_FETCH,
    TASK_VERIFY,
    first_verify_kwargs,
    queue_depth,
)
from shared.logging import get_logger
from shared.schemas import ArticleStatus
from shared.settings import Settings
from shared.storage import inflight
from shared.stream import trim_acknowledged
from shared.timer_step import TimerStep

log = get_logger(__name__)

SendTask = Callable[[str, dict[str, Any]], None]

# The task that moves an article on from each unfinished status. Fetch re-reads the article
# and forwards to extract when the body is already there, so it covers both kinds of queued.
_NEXT_TASK = {
    ArticleStatus.queued: TASK_FETCH,
    ArticleStatus.fetching: TASK_FETCH,
    ArticleStatus.extracting: TASK_EXTRACT,
}
# The queues an article's pending message can be waiting in, by status.
_WAITS_IN = {
    ArticleStatus.queued: (QUEUE_FETCH, QUEUE_EXTRACT),
    ArticleStatus.fetching: (QUEUE_FETCH,),
    ArticleStatus.extracting: (QUEUE_EXTRACT,),
    ArticleStatus.verifying: (QUEUE_VERIFY,),
}


def deadline(settings: Settings, *, now: float | None = None) -> float:
    return (time.time() if now is None else now) + settings.stall_seconds


def sweep_interval(settings: Settings) -> float:
    """A fifth of the stall window, between 1 s and a minute."""
    return float(max(1, min(60, settings.stall_seconds // 5)))


@dataclass
class SweepResult:
    swept: bool  # False: another worker holds the sweep
    resent: dict[str, int] = field(default_factory=dict)  # task name -> messages sent
    deferred: int = 0  # past the deadline, but their stage's queue is not empty
    forgotten: int = 0  # finished or deleted articles dropped from the watch
    trimmed: int = 0  # stream entries every consumer group had acknowledged


def sweep(
    client: redis.Redis,
    *,
    settings: Settings,
    send: SendTask,
    now: float | None = None,
    limit: int = 500,
) -> SweepResult:
    """Send the next task again for up to ``limit`` articles past their deadline, after
    trimming the verified stream of what every consumer group has acknowledged (unless
    ``stream_trim_acknowledged`` is off)."""
    now = time.time() if now is None else now
    hold_ms = max(1, int(sweep_interval(settings) * 900))
    if not inflight.take_sweep(client, hold_ms=hold_ms):
        return SweepResult(swept=False)
    result = SweepResult(swept=True)
    if settings.stream_trim_acknowledged:
        result.trimmed = trim_acknowledged(client, stream=settings.stream_name)
    due = inflight.overdue(client, now=now, limit=limit)
    if not due:
        return result
    depths: dict[str, int] = {}
    finished, stalled = [], []
    for article_id, (stage, pending) in zip(due, inflight.stages(client, due), strict=True):
        if stage is None or stage.finished:
            finished.append(article_id)
            continue
        stalled.append(article_id)
        for queue in _WAITS_IN[stage]:
            if queue not in depths:
                depths[queue] = queue_depth(client, queue)
        if any(depths[queue] for queue in _WAITS_IN[stage]):
            result.deferred += 1
            continue
        for name, kwargs in _resend(article_id, stage, pending, settings):
            send(name, kwargs)
            result.resent[name] = result.resent.get(name, 0) + 1
    pipe = client.pipeline(transaction=False)
    inflight.forget(pipe, article_ids=finished)
    inflight.progress(pipe, article_ids=stalled, until=deadline(settings, now=now))
    pipe.execute()
    result.forgotten = len(finished)
    if result.resent:
        log.warning(
            "stalled_articles_resent",
            articles=len(stalled) - result.deferred,
            tasks=result.resent,
            deferred=result.deferred,
        )
    return result


def _resend(
    article_id: str, status: ArticleStatus, pending: Iterable[str], settings: Settings
) -> list[tuple[str, dict[str, Any]]]:
    if status == ArticleStatus.verifying:
        batched = first_verify_kwargs(
            article_id, sorted(pending), batch_size=settings.verify_batch_size
        )
        return [(TASK_VERIFY, kwargs) for kwargs in batched]
    return [(_NEXT_TASK[status], {"article_id": article_id})]


class RecoveryStep(TimerStep):
    """Runs ``sweep`` on the worker's timer, in its main process."""

    failure_event = "recovery_sweep_failed"
    log = log

    def interval(self, settings: Settings) -> float:
        return sweep_interval(settings)

    def tick(self, client: redis.Redis, *, settings: Settings, app: Celery) -> None:
        sweep(
            client, settings=settings, send=lambda name, kwargs: app.send_task(name, kwargs=kwargs)
        )


def install_recovery(app: Celery) -> None:
    """Run the sweep in every worker of ``app`` (adding it twice is a no-op: a set)."""
    app.steps["worker"].add(RecoveryStep)
