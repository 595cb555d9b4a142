"""End-to-end fixtures: a real redis-server, real Celery worker processes, uvicorn on 127.0.0.1."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from crosscheck.redis_server import RedisServer, free_port
from crosscheck.stack import Stack

pytestmark = pytest.mark.e2e

_dbs = itertools.count(8)

StackFactory = Callable[..., Stack]


@pytest.fixture(scope="module")
def make_stack(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    """Start stacks on fresh logical databases; everything started is stopped at module end."""
    started: list[Stack] = []

    def factory(
        *,
        verify_workers: int = 1,
        flower: bool = False,
        env: dict[str, str] | None = None,
        start: bool = True,
    ) -> Stack:
        db = next(_dbs) % 16
        url = f"redis://127.0.0.1:{redis_server.port}/{db}"
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()
        stack = Stack(
            redis_url=url,
            log_dir=Path(tmp_path_factory.mktemp("stack-logs")),
            api_port=free_port(),
            flower_port=free_port() if flower else None,
            extra_env={"CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS": "0.5", **(env or {})},
        )
        started.append(stack)
        if start:
            stack.start_api()
            stack.start_extract()
            for index in range(verify_workers):
                stack.start_verify(name=f"verify{index}")
            if flower:
                stack.start_flower()
            stack.wait_api()
        return stack

    yield factory
    for stack in started:
        stack.stop()


@pytest.fixture(scope="module")
def stack(make_stack: StackFactory) -> Stack:
    return make_stack()
