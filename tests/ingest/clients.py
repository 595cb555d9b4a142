"""The ingest app on fakeredis, with a real Celery producer on kombu's in-memory transport."""

from __future__ import annotations

from typing import Any

import fakeredis
from fastapi.testclient import TestClient

from services.ingest.main import create_app
from shared.celery_app import make_celery
from shared.settings import Settings


def make_client(fake_redis: fakeredis.FakeRedis, **overrides: Any) -> TestClient:
    """A test client of the ingest app on ``fake_redis``; ``overrides`` are settings."""
    settings = Settings(redis_url="memory://", environment="test", **overrides)
    app = create_app(settings, redis_factory=lambda _: fake_redis, celery_factory=make_celery)
    return TestClient(app)
