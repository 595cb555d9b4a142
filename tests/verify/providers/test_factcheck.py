"""The fact-check provider against a local HTTP server answering in the documented format."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from services.verify.providers import (
    CircuitBreaker,
    FactCheckProvider,
    gather,
    gather_external,
)
from services.verify.providers.factcheck import rating_stance
from shared.schemas import Stance
from shared.settings import Settings
from tests.verify.factories import claim

RESPONSE = {
    "claims": [
        {
            "text": "A ferry capsized on Lake Varun killing 14 people",
            "claimant": "social media posts",
            "claimReview": [
                {
                    "publisher": {"name": "Lakeside Check", "site": "lakesidecheck.example"},
                    "url": "https://lakesidecheck.example/ferry",
                    "title": "No, the toll was higher",
                    "reviewDate": "2025-08-24T00:00:00Z",
                    "textualRating": "Misleading",
                    "languageCode": "en",
                },
                {"publisher": {"site": "truthdesk.example"}, "textualRating": "Mostly True"},
                {"publisher": {}, "textualRating": "False"},  # no publisher: skipped
            ],
        },
        "not an object",
    ]
}


class Server:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
                outer.requests.append(parse_qs(urlparse(self.path).query))
                if outer.mode == "slow":
                    time.sleep(0.5)
                if outer.mode == "failing":
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(RESPONSE).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):  # the client may have timed out
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1alpha1/claims:search"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


CLAIM = claim("cn-1", text="A ferry capsized on Lake Varun, killing 14 people", source="Herald")


def provider(server: Server, session: requests.Session, **kw: object) -> FactCheckProvider:
    options: dict[str, object] = dict(
        session=session,
        url=server.url,
        api_key="test-key",
        breaker=CircuitBreaker(failures=2, reset_seconds=60),
        timeout=0.2,
        retries=1,
        backoff=0.01,
    )
    options.update(kw)
    return FactCheckProvider(**options)  # type: ignore[arg-type]


def test_reviews_become_evidence(session: requests.Session) -> None:
    with Server("ok") as server:
        evidence, coverage = gather([provider(server, session)], CLAIM)
    assert [c.status for c in coverage] == ["ok"]
    assert [(e.source, e.stance, e.origin) for e in evidence] == [
        ("Lakeside Check", Stance.disagree, "factcheck:lakesidecheck"),
        ("truthdesk.example", Stance.agree, "factcheck:truthdesk"),
    ]
    assert evidence[0].url == "https://lakesidecheck.example/ferry"
    assert evidence[0].provider == "factcheck"
    query = server.requests[0]
    assert query["query"] == [CLAIM.text] and query["key"] == ["test-key"]
    assert query["languageCode"] == ["en"]


def test_a_failing_server_degrades_coverage_then_opens_the_circuit(
    session: requests.Session,
) -> None:
    with Server("failing") as server:
        p = provider(server, session)
        statuses = [gather([p], CLAIM)[1][0].status for _ in range(3)]
        assert statuses == ["unavailable", "unavailable", "circuit_open"]
        assert len(server.requests) == 4  # two searches of two attempts; then none


def test_a_slow_server_times_out_and_the_open_circuit_answers_at_once(
    session: requests.Session,
) -> None:
    with Server("slow") as server:
        p = provider(server, session)
        evidence, coverage = gather([p], CLAIM)
        assert coverage[0].status == "unavailable" and evidence == []
        gather([p], CLAIM)
        asked = len(server.requests)
        assert gather([p], CLAIM)[1][0].status == "circuit_open"
        assert len(server.requests) == asked  # the open circuit answers without asking


def test_the_breaker_half_opens_after_the_reset_time(session: requests.Session) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=1, reset_seconds=10, clock=lambda: now[0])
    with Server("failing") as server:
        p = provider(server, session, breaker=breaker, retries=0)
        assert gather([p], CLAIM)[1][0].status == "unavailable"
        assert gather([p], CLAIM)[1][0].status == "circuit_open"
        now[0] = 11.0
        server.mode = "ok"
        assert gather([p], CLAIM)[1][0].status == "ok"
        assert breaker.state == "closed"


def test_without_an_api_key_the_provider_is_disabled(session: requests.Session) -> None:
    with Server("ok") as server:
        evidence, coverage = gather([provider(server, session, api_key=None)], CLAIM)
        assert server.requests == []
    assert evidence == [] and coverage[0].status == "disabled"
    _, coverage = gather_external(claim=CLAIM, settings=Settings(factcheck_api_key=None))
    assert [c.status for c in coverage] == ["disabled"]


@pytest.mark.parametrize(
    ("rating", "stance"),
    [
        ("False", Stance.disagree),
        ("Pants on Fire!", Stance.disagree),
        ("Misleading", Stance.disagree),
        ("Mostly false", Stance.disagree),
        ("Not true", Stance.disagree),
        ("True", Stance.agree),
        ("Correct", Stance.agree),
        ("Half True", Stance.discuss),
        ("Missing context", Stance.discuss),
        ("Satire", Stance.discuss),
    ],
)
def test_rating_stance(rating: str, stance: Stance) -> None:
    assert rating_stance(rating) is stance
