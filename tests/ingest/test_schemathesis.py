"""Property-based tests of the live API from its own OpenAPI schema (schemathesis).

The real app under uvicorn, a real redis-server, no workers. Every operation gets a bounded,
derandomized set of generated requests (valid and invalid ones); each response must not be
a 5xx and must match the schema: a documented status code, a documented content type and
a body that validates against the documented model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crosscheck.redis_server import RedisServer, free_port
from crosscheck.stack import Stack
from services.ingest.main import create_app
from shared.settings import Settings

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

_tried: dict[str, int] = {}


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = RedisServer(data_dir=tmp_path_factory.mktemp("schemathesis-redis")).start()
    stack = Stack(
        redis_url=server.url,
        log_dir=Path(tmp_path_factory.mktemp("schemathesis-logs")),
        api_port=free_port(),
    )
    try:
        stack.start_api()
        stack.wait_api()
        yield stack.api_url
    finally:
        stack.stop()
        server.stop()
        total = sum(_tried.values())
        per_operation = ", ".join(f"{name}: {count}" for name, count in sorted(_tried.items()))
        print(f"\nschemathesis: {total} cases tried ({per_operation})")


@pytest.fixture(scope="module")
def api_schema(live_api: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_api}/openapi.json", wait_for_schema=10)


def _cases() -> list[tuple[str, GenerationMode]]:
    """(operation, mode) pairs, collected from the app in-process (no Redis needed).

    Each operation is tried with valid data; those with a body or query parameters also
    with invalid data (a path-only operation has nothing to make invalid). The cases run
    against the live schema, fetched over HTTP.
    """
    document = create_app(Settings(environment="test", redis_url="redis://127.0.0.1:1/0")).openapi()
    cases = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            cases.append((label, GenerationMode.POSITIVE))
            queries = [
                p for p in operation.get("parameters", []) if p.get("in") in ("query", "header")
            ]
            if "requestBody" in operation or queries:
                cases.append((label, GenerationMode.NEGATIVE))
    return cases


def _operation(api_schema: Any, label: str) -> Any:
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if f"{operation.method.upper()} {operation.path}" == label:
            return operation
    raise LookupError(label)


@pytest.mark.parametrize(
    ("label", "mode"), _cases(), ids=[f"{label} {mode}" for label, mode in _cases()]
)
def test_every_operation_conforms(
    api_schema: Any, live_api: str, label: str, mode: GenerationMode
) -> None:
    operation = _operation(api_schema, label)
    tried = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal tried
        tried += 1
        case.call_and_validate(base_url=live_api, checks=CHECKS, timeout=10)

    run()
    _tried[f"{label} ({mode})"] = tried
    assert tried > 0
