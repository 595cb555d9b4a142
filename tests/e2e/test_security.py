"""Who may call it, and what never leaks.

Decisions:

- Every operation needs the API key when ``CROSSCHECK_API_KEYS`` is set, except
  ``/healthz`` (a liveness probe must work without secrets). ``/readyz`` needs the key,
  as it touches Redis.
- ``/docs`` and ``/openapi.json`` stay open: the schema describes the API and holds no
  data or secret, and client generators and schemathesis read it. Everything that reads or
  writes data is guarded.
- No secret (API key, Redis password, fact-check key) may appear in any log line or error
  body, at any log level.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
import requests
from pydantic import SecretStr

from crosscheck.redis_server import RedisServer, free_port
from crosscheck.stack import Stack
from shared.redis_client import broker_url, make_redis
from shared.settings import Settings
from tests.e2e.helpers import wait_done
from tests.local_http import QuietHandler, serving

API_KEY = "api-key-5f0c9a7e1d2b4c8f"
REDIS_PASSWORD = "redis-pass-7a1e3c9d0b"
FACTCHECK_KEY = "factcheck-key-93be1f06c4a2"
SECRETS = [API_KEY, REDIS_PASSWORD, FACTCHECK_KEY]


# --- Redis client settings (no processes) ----------------------------------------------------


def test_rediss_url_builds_a_tls_connection() -> None:
    settings = Settings(environment="test", redis_url="rediss://cache.example:6380/0")
    client = make_redis(settings)
    pool = client.connection_pool
    assert issubclass(pool.connection_class, redis.SSLConnection)
    assert (
        pool.connection_kwargs["host"] == "cache.example" and pool.connection_kwargs["port"] == 6380
    )
    client.close()


def test_plain_url_is_not_tls_and_a_separate_password_is_used() -> None:
    settings = Settings(
        environment="test",
        redis_url="redis://127.0.0.1:6379/2",
        redis_password=SecretStr(REDIS_PASSWORD),
    )
    client = make_redis(settings)
    assert not issubclass(client.connection_pool.connection_class, redis.SSLConnection)
    assert client.connection_pool.connection_kwargs["password"] == REDIS_PASSWORD
    assert client.connection_pool.connection_kwargs["db"] == 2
    client.close()


def test_broker_url_folds_in_an_escaped_password() -> None:
    settings = Settings(
        environment="test",
        redis_url="rediss://127.0.0.1:6380/0",
        redis_password=SecretStr("p@ss/w:rd"),
    )
    url = broker_url(settings)
    assert url == f"rediss://:{quote('p@ss/w:rd', safe='')}@127.0.0.1:6380/0"
    own = Settings(
        environment="test",
        redis_url="redis://:inline@127.0.0.1:1/0",
        redis_password=SecretStr("other"),
    )
    assert broker_url(own) == "redis://:inline@127.0.0.1:1/0"  # a password in the URL wins


def test_settings_repr_hides_secrets() -> None:
    settings = Settings(
        environment="test",
        api_keys=API_KEY,  # type: ignore[arg-type]
        redis_password=SecretStr(REDIS_PASSWORD),
        factcheck_api_key=SecretStr(FACTCHECK_KEY),
    )
    text = repr(settings) + str(settings.model_dump())
    assert not [secret for secret in SECRETS if secret in text]


# --- a full stack with every secret set ------------------------------------------------------


class _FactCheck(QuietHandler):
    calls: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).calls.append(self.path)
        # Every other call fails, so both the success and the error paths get logged.
        failing = len(type(self).calls) % 2 == 0
        body = b'{"error": "internal"}' if failing else b'{"claims": []}'
        self.reply(500 if failing else 200, body, content_type="application/json")


@pytest.fixture(scope="module")
def factcheck_url() -> Iterator[str]:
    with serving(_FactCheck) as address:
        yield f"http://{address}/v1alpha1/claims:search"


@pytest.fixture(scope="module")
def secure_stack(tmp_path_factory: pytest.TempPathFactory, factcheck_url: str) -> Iterator[Stack]:
    """Password-protected redis-server; API keys; a fact-check key; DEBUG logs everywhere."""
    data_dir = tmp_path_factory.mktemp("secure-redis")
    server = RedisServer(data_dir=data_dir, password=REDIS_PASSWORD).start()
    _redis_logs.append(data_dir / "redis.log")
    stack = Stack(
        # The URL carries no password: it comes from CROSSCHECK_REDIS_PASSWORD alone.
        redis_url=f"redis://127.0.0.1:{server.port}/0",
        log_dir=Path(tmp_path_factory.mktemp("secure-logs")),
        api_port=free_port(),
        extra_env={
            "CROSSCHECK_REDIS_PASSWORD": REDIS_PASSWORD,
            "CROSSCHECK_API_KEYS": f"other-key-0000000000,{API_KEY}",
            "CROSSCHECK_FACTCHECK_API_KEY": FACTCHECK_KEY,
            "CROSSCHECK_FACTCHECK_URL": factcheck_url,
            "CROSSCHECK_LOG_LEVEL": "DEBUG",
        },
    )
    try:
        stack.start_all()
        stack.wait_api(headers={"Authorization": f"Bearer {API_KEY}"})
        yield stack
    finally:
        stack.stop()
        server.stop()


_redis_logs: list[Path] = []

AUTH = {"Authorization": f"Bearer {API_KEY}"}


def _operations(stack: Stack) -> list[tuple[str, str]]:
    schema = requests.get(f"{stack.api_url}/openapi.json", timeout=10).json()
    return [
        (method.upper(), path.replace("{article_id}", "nope").replace("{claim_id}", "nope"))
        for path, item in schema["paths"].items()
        for method in item
    ]


@pytest.mark.e2e
def test_every_operation_but_healthz_needs_the_key(secure_stack: Stack) -> None:
    operations = _operations(secure_stack)
    assert ("GET", "/healthz") in operations and len(operations) >= 6
    body = {"source": "Auth", "body": "The mayor of Turku said on Monday the port will expand."}
    for method, path in operations:
        url = f"{secure_stack.api_url}{path}"
        for headers in (
            {},
            {"Authorization": "Bearer wrong-key"},
            {"Authorization": API_KEY},
            {"Authorization": f"Basic {API_KEY}"},
        ):
            response = requests.request(method, url, json=body, headers=headers, timeout=10)
            if path == "/healthz":
                assert response.status_code == 200
                continue
            assert response.status_code == 401, (method, path, headers, response.status_code)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            assert response.json()["error"] == "unauthorized"
        authorised = requests.request(method, url, json=body, headers=AUTH, timeout=10)
        assert authorised.status_code in (200, 202, 404), (method, path, authorised.text)


@pytest.mark.e2e
def test_docs_and_schema_stay_open(secure_stack: Stack) -> None:
    for path in ("/docs", "/openapi.json", "/healthz"):
        assert requests.get(f"{secure_stack.api_url}{path}", timeout=10).status_code == 200


@pytest.mark.e2e
def test_a_password_protected_redis_runs_the_whole_pipeline(secure_stack: Stack) -> None:
    anonymous = redis.Redis(
        host="127.0.0.1", port=int(secure_stack.redis_url.rsplit(":", 1)[1].split("/")[0])
    )
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    anonymous.close()
    articles = [
        {"source": "Secure Wire", "published_at": "2025-04-07T08:00:00Z",
         "body": "The council of Aarhus approved a 40 million euro harbour bath on Monday, "
                 "mayor Sofie Holm said. Construction will start in 2026, the council said."},
        {"source": "Other Wire", "published_at": "2025-04-07T10:00:00Z",
         "body": "Aarhus will build a harbour bath for about 40 million euros, mayor Sofie Holm "
                 "said on Monday, after the council approved the plan."},
    ]  # fmt: skip
    ids = []
    for article in articles:
        response = requests.post(
            f"{secure_stack.api_url}/articles", json=article, headers=AUTH, timeout=10
        )
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])
    statuses = wait_done(secure_stack.api_url, ids, timeout=120, headers=AUTH)
    assert all(s["status"] == "done" and s["claim_ids"] for s in statuses.values()), statuses
    claim_id = statuses[ids[0]]["claim_ids"][0]
    verdict = requests.get(
        f"{secure_stack.api_url}/claims/{claim_id}", headers=AUTH, timeout=10
    ).json()
    assert {c["provider"] for c in verdict["coverage"]} == {"factcheck"}
    assert _FactCheck.calls, "the fact-check provider was never called"


@pytest.mark.e2e
def test_no_secret_in_error_bodies(secure_stack: Stack) -> None:
    bad_requests: list[dict[str, Any]] = [
        {"headers": {}, "data": b"{}"},
        {"headers": {"Authorization": f"Bearer {API_KEY}x"}, "data": b"{}"},
        {"headers": {**AUTH, "Content-Type": "text/plain"}, "data": b"x"},
        {"headers": {**AUTH, "Content-Type": "application/json"}, "data": b"{bad json"},
        {
            "headers": {**AUTH, "Content-Type": "application/json"},
            "data": f'{{"source": "{API_KEY}"}}'.encode(),
        },
        {"headers": {**AUTH, "Content-Type": "application/json"}, "data": b"\xff\xfe"},
    ]
    for request in bad_requests:
        response = requests.post(f"{secure_stack.api_url}/articles", timeout=10, **request)
        assert 400 <= response.status_code < 500
        # The last-but-one echoes the caller's own input back (a validation error), which
        # is not a leak; everything else must hold none of the secrets.
        echoed = API_KEY in request["data"].decode(errors="replace")
        leaked = [s for s in SECRETS if s in response.text and not (echoed and s == API_KEY)]
        assert not leaked, (request, response.text)


@pytest.mark.e2e
def test_no_secret_in_any_log(secure_stack: Stack) -> None:
    """Runs last in this module: every process has served, worked and failed by now."""
    time.sleep(1)
    # Stop the stack first so every buffered line is on disk.
    log_dir = secure_stack.log_dir
    secure_stack.stop()
    files = [path for path in log_dir.iterdir() if path.is_file()] + _redis_logs
    assert {"api.log", "worker.log"} <= {path.name for path in files}
    total = 0
    for path in files:
        text = path.read_text(errors="replace")
        total += len(text)
        for secret in SECRETS:
            for form in {secret, quote(secret, safe="")}:
                assert form not in text, f"{secret[:6]}... appears in {path.name}"
    assert total > 10_000  # DEBUG logs of real work were written and searched
