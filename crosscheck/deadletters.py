"""Read and replay the dead-letter stream."""

from __future__ import annotations

import json
from typing import cast

import redis
from celery import Celery

from shared.schemas import DeadLetter
from shared.settings import Settings


def list_dead(
    client: redis.Redis, *, settings: Settings, limit: int
) -> list[tuple[str, DeadLetter]]:
    entries = cast(
        list[tuple[str, dict[str, str]]], client.xrange(settings.dead_stream_name, count=limit)
    )
    return [
        (entry_id, DeadLetter.model_validate_json(fields["letter"])) for entry_id, fields in entries
    ]


def retry_dead(client: redis.Redis, *, settings: Settings, celery: Celery, entry_id: str) -> str:
    entries = cast(
        list[tuple[str, dict[str, str]]],
        client.xrange(settings.dead_stream_name, min=entry_id, max=entry_id),
    )
    if not entries:
        raise KeyError(f"no dead letter with id {entry_id}")
    _, fields = entries[0]
    letter = DeadLetter.model_validate_json(fields["letter"])
    kwargs = json.loads(fields.get("kwargs") or "{}")
    celery.send_task(letter.task, kwargs=kwargs)
    client.xdel(settings.dead_stream_name, entry_id)
    return letter.task
