"""The dead-letter stream (``settings.dead_stream_name``): failed tasks with their arguments."""

from __future__ import annotations

import json
from typing import Any

import redis

from shared.schemas import DeadLetter
from shared.settings import Settings

__all__ = ["add"]


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
