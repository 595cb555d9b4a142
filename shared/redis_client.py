"""Redis client factory. Clients are built by the process that needs one, never at import."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.client import NEVER_DECODE
from redis.retry import Retry

from shared.settings import Settings

_RAW_REPLY: Final[dict[str, list[str]]] = {NEVER_DECODE: []}


def raw_command(client: redis.Redis | redis.client.Pipeline, *args: str | bytes | int) -> Any:
    """Run ``args`` (on a pipeline: queue them) with the reply left as bytes, whatever the
    client's ``decode_responses``: for replies holding packed values (``shared.storage.codec``).
    redis-py's own DUMP reads its reply the same way."""
    return client.execute_command(*args, **_RAW_REPLY)  # type: ignore[no-untyped-call]


def broker_url(settings: Settings) -> str:
    """The Redis URL with the configured password folded in (Celery reads only URLs)."""
    if not settings.redis_password or not settings.redis_url:
        return settings.redis_url
    parts = urlsplit(settings.redis_url)
    if parts.password:
        return settings.redis_url
    secret = quote(settings.redis_password.get_secret_value(), safe="")
    user = parts.username or ""
    return urlunsplit(
        parts._replace(netloc=f"{user}:{secret}@{parts.hostname}:{parts.port or 6379}")
    )


def make_redis(settings: Settings, *, url: str | None = None) -> redis.Redis:
    """A client with short timeouts and a small retry budget for transient socket errors.

    ``rediss://`` URLs get TLS and a password in the URL is used as-is; both come from
    redis-py's URL parser.
    """
    target = url or settings.redis_url
    if not target:
        raise ValueError("CROSSCHECK_REDIS_URL is not set and no embedded Redis was started")
    # A password given on its own keeps it out of the URL, which is easier to log safely.
    password = (
        {"password": settings.redis_password.get_secret_value()} if settings.redis_password else {}
    )
    client: redis.Redis = redis.Redis.from_url(
        target,
        decode_responses=True,
        socket_timeout=settings.redis_socket_timeout,
        socket_connect_timeout=settings.redis_socket_timeout,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=2),
        retry_on_error=[redis.exceptions.BusyLoadingError],
        **password,
    )
    return client
