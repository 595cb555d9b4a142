"""Read and replay the dead-letter stream."""

from __future__ import annotations

import redis
from celery import Celery

from shared.schemas import DeadLetter
from shared.settings import Settings
from shared.storage import deadletters


def list_dead(
    client: redis.Redis, *, settings: Settings, limit: int
) -> list[tuple[str, DeadLetter]]:
    return deadletters.listed(client, settings=settings, limit=limit)


def retry_dead(client: redis.Redis, *, settings: Settings, celery: Celery, entry_id: str) -> str:
    found = deadletters.get(client, settings=settings, entry_id=entry_id)
    if found is None:
        raise KeyError(f"no dead letter with id {entry_id}")
    letter, kwargs = found
    celery.send_task(letter.task, kwargs=kwargs)
    deadletters.remove(client, settings=settings, entry_id=entry_id)
    return letter.task
