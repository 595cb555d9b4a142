"""Liveness and readiness."""

from __future__ import annotations

import redis
from fastapi import APIRouter, Response

from services.ingest.deps import AuthDep, RedisDep, SettingsDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    dependencies=[AuthDep],
    summary="Redis is reachable",
    responses={503: {"description": "Redis is not reachable."}},
)
def readyz(client: RedisDep, settings: SettingsDep, response: Response) -> dict[str, str]:

    try:
        client.ping()
    except redis.RedisError:
        response.status_code = 503
        response.headers["Retry-After"] = str(settings.retry_after_seconds)
        return {"status": "unavailable", "redis": "unreachable"}
    return {"status": "ready", "redis": "ok"}
