"""The dead-letter stream (``settings.dead_stream_name``): failed tasks with their arguments."""

from __future__ import annotations

import json
from typing import Any, cast

import redis

from shared.schemas import DeadLetter
from shared.settings import Settings

__all__ = ["add", "get", "listed", "remove"]


def add(
    client: redis.Redis, *, settings: Settings, letter: DeadLetter, kwargs: dict[str, Any]
) -> str:
    """Append a failed task; the entry keeps what a retry needs."""
    entry_id: str = client.xadd(  # type: ignore[assignment]
        settings.dead_stream_name,
        {"letter": letter.model_dump_json(), "kwargs": json.dumps(kwargs)},
        maxlen=settings.stream_maxlen,
        approximate=True,
    )
    return entry_id


def _parse(fields: dict[str, str]) -> tuple[DeadLetter, dict[str, Any]]:
    return DeadLetter.model_validate_json(fields["letter"]), json.loads(
        fields.get("kwargs") or "{}"
    )


def listed(client: redis.Redis, *, settings: Settings, limit: int) -> list[tuple[str, DeadLetter]]:
    """The oldest ``limit`` dead letters with their entry ids."""
    entries = cast(
        list[tuple[str, dict[str, str]]], client.xrange(settings.dead_stream_name, count=limit)
    )
    return [(entry_id, _parse(fields)[0]) for entry_id, fields in entries]


def get(
    client: redis.Redis, *, settings: Settings, entry_id: str
) -> tuple[DeadLetter, dict[str, Any]] | None:
    """The dead letter ``entry_id`` and the keyword arguments of its task, if it is there."""
    name = settings.dead_stream_name
    entries = cast(
        list[tuple[str, dict[str, str]]], client.xrange(name, min=entry_id, max=entry_id)
    )
    return _parse(entries[0][1]) if entries else None


def remove(client: redis.Redis, *, settings: Settings, entry_id: str) -> None:
    client.xdel(settings.dead_stream_name, entry_id)
