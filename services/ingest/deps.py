"""FastAPI dependency aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

import redis
from celery import Celery
from fastapi import Depends, Request

from services.ingest.errors import Unauthorized
from shared.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_redis_dep(request: Request) -> redis.Redis:
    client: redis.Redis = request.app.state.redis
    return client


def get_celery_dep(request: Request) -> Celery:
    app: Celery = request.app.state.celery
    return app


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RedisDep = Annotated[redis.Redis, Depends(get_redis_dep)]
CeleryDep = Annotated[Celery, Depends(get_celery_dep)]


def require_api_key(request: Request, settings: SettingsDep) -> None:
    """Bearer-token check; every configured key is compared in constant time."""
    if not settings.api_keys:
        return
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <key>'")
    if not key_matches(presented, settings=settings):
        raise Unauthorized("invalid API key")


def key_matches(presented: str, *, settings: Settings) -> bool:
    """Whether ``presented`` is one of the configured keys; each is compared in constant time."""
    matched = False
    for key in settings.api_keys:
        # No early exit: the time taken does not reveal which key, or how much, matched.
        matched |= hmac.compare_digest(presented.encode(), key.get_secret_value().encode())
    return matched


AuthDep = Depends(require_api_key)
