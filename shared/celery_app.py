"""The Celery app factory, task names and queues. Every service shares only this."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import redis
from celery import Celery
from kombu.transport.redis import PRIORITY_STEPS as _KOMBU_STEPS
from kombu.transport.redis import Channel as _KombuRedis

from shared.redis_client import broker_url
from shared.settings import Settings, get_settings

# Tasks are sent by name so no service imports another's code.
TASK_FETCH = "crosscheck.fetch_article"
TASK_EXTRACT = "crosscheck.extract_article"
TASK_VERIFY = "crosscheck.verify_claims"
TASK_POLL_FEED = "crosscheck.poll_feed"

QUEUE_FETCH = "fetch"
QUEUE_EXTRACT = "extract"
QUEUE_VERIFY = "verify"

# Kombu's Redis transport pops priority 0 from every queue a worker consumes before any
# lower priority (a higher number). In the combined worker this orders the stages: finish
# verifying the articles already extracted, then extract the next, and refresh verdicts
# already published (re-verification) only when nothing else waits.
PRIORITY_VERIFY = 0
PRIORITY_EXTRACT = 3
PRIORITY_REFRESH = 9

# Kombu keeps each priority of a queue in its own Redis list; names and steps are its own.
PRIORITY_STEPS = tuple(_KOMBU_STEPS)

ROUTES = {
    TASK_FETCH: {"queue": QUEUE_FETCH, "priority": PRIORITY_EXTRACT},
    TASK_EXTRACT: {"queue": QUEUE_EXTRACT, "priority": PRIORITY_EXTRACT},
    TASK_VERIFY: {"queue": QUEUE_VERIFY, "priority": PRIORITY_VERIFY},
    TASK_POLL_FEED: {"queue": QUEUE_FETCH, "priority": PRIORITY_EXTRACT},
}


def batches(items: Sequence[str], size: int) -> list[list[str]]:
    """``items`` in order, cut into lists of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), max(1, size))]


def first_verify_kwargs(
    article_id: str, claim_ids: Sequence[str], *, batch_size: int
) -> list[dict[str, Any]]:
    """The verify task's arguments for the first verdicts on an article's claims, a batch of
    at most ``batch_size`` claims per message."""
    return [
        {"claim_ids": batch, "article_id": article_id} for batch in batches(claim_ids, batch_size)
    ]


def queue_keys(queue: str) -> list[str]:
    """The Redis lists holding ``queue``'s messages, highest priority first."""
    return [queue if step == 0 else f"{queue}{_KombuRedis.sep}{step}" for step in PRIORITY_STEPS]


def queue_depth(client: redis.Redis, queue: str) -> int:
    """Messages waiting in ``queue``, every priority counted (reserved ones are not)."""
    pipe = client.pipeline(transaction=False)
    for key in queue_keys(queue):
        pipe.llen(key)
    return sum(int(n) for n in pipe.execute())


def restore_interval(settings: Settings) -> int:
    """Seconds between a worker's sweeps for unacknowledged messages to redeliver."""
    return max(1, min(10, settings.visibility_timeout // 5))


def make_celery(settings: Settings, *, name: str = "crosscheck") -> Celery:
    app = Celery(name, broker=broker_url(settings), set_as_current=False)
    app.conf.update(
        task_routes=ROUTES,
        task_default_queue=QUEUE_EXTRACT,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # At-least-once: a message is acknowledged only after its task returns, and a
        # task whose worker process dies is put back on the queue.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=settings.worker_prefetch_multiplier,
        # A message delivered but not acknowledged within this window is redelivered
        # (kombu's Redis transport). It must exceed the longest task, and the longest
        # retry countdown, or the message also runs twice (harmless: tasks are idempotent).
        # Every worker sweeps for such messages; kombu's default sweep is only every
        # ~100 s, so it runs every visibility_timeout/5 s here (10 s at most). A sweep holds
        # a mutex that kombu keeps for 300 s by default: a worker killed mid-sweep would
        # block every other worker's redelivery that long. A short one is safe, because
        # each message is restored in its own WATCH transaction.
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            "unacked_restore_interval": restore_interval(settings),
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": 2 * restore_interval(settings),
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # The API must answer 503 quickly when Redis is down, not hang on publish.
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0.1,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        # Flower builds its task table from these events.
        worker_send_task_events=settings.task_events,
        task_send_sent_event=settings.task_events,
        task_track_started=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        enable_utc=True,
    )
    return app


@lru_cache(maxsize=1)
def worker_app() -> Celery:
    """The workers' app. Every service registers its tasks on this one object, so a single
    worker can run every stage (``crosscheck.worker``) or one service's queues alone."""
    return make_celery(get_settings(), name="crosscheck-worker")
