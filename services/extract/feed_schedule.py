"""Polls of followed feeds, sent on the worker's timer (as the recovery sweep is run)."""

from __future__ import annotations

import time

import redis
from celery import Celery

from shared.celery_app import TASK_POLL_FEED
from shared.logging import get_logger
from shared.settings import Settings
from shared.storage import feed_state
from shared.timer_step import TimerStep

log = get_logger(__name__)


def tick_seconds(settings: Settings) -> float:
    """How often a worker looks for due feeds: the poll interval, at most every 30 s."""
    return max(1.0, min(30.0, settings.feed_poll_seconds))


def send_due_polls(
    client: redis.Redis, *, settings: Settings, app: Celery, now: float | None = None
) -> list[str]:
    """Send a poll task for each feed due now (the setting's and the followed ones)."""
    now = time.time() if now is None else now
    urls = [*settings.feeds, *feed_state.followed(client)]
    hold_ms = max(1, int(tick_seconds(settings) * 900))
    due = feed_state.take_due(
        client, urls, now=now, interval=settings.feed_poll_seconds, hold_ms=hold_ms
    )
    for url in due:
        app.send_task(TASK_POLL_FEED, kwargs={"feed_url": url})
    return due


class FeedStep(TimerStep):
    """Runs ``send_due_polls`` on the worker's timer, in its main process."""

    failure_event = "feed_schedule_failed"
    log = log

    def interval(self, settings: Settings) -> float:
        return tick_seconds(settings)

    def tick(self, client: redis.Redis, *, settings: Settings, app: Celery) -> None:
        send_due_polls(client, settings=settings, app=app)


def install_feed_schedule(app: Celery) -> None:
    """Schedule feed polls from every worker of ``app`` (one at a time, through a lock)."""
    app.steps["worker"].add(FeedStep)
