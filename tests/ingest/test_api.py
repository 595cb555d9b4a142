"""The ingest API on fakeredis, with a real Celery producer on kombu's in-memory transport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import fakeredis
import pytest
from fastapi.testclient import TestClient

from shared import recovery
from shared.celery_app import TASK_EXTRACT, TASK_FETCH
from shared.schemas import ArticleStatus
from shared.settings import get_settings
from shared.storage import articles, keys
from tests.ingest.clients import make_client

ARTICLE = {
    "title": "Port reopens after storm",
    "body": "The port of Valletta reopened on Monday after a storm closed it for three days, officials said.",
    "source": "Harbour Times",
    "url": "https://harbour.example/port-reopens?utm_source=feed",
    "published_at": "2025-03-04T09:00:00Z",
}


@pytest.fixture
def client(fake_redis: fakeredis.FakeRedis) -> Iterator[TestClient]:
    with make_client(fake_redis) as test_client:
        yield test_client


def test_post_article_accepts_stores_and_queues(
    client: TestClient,
    fake_redis: fakeredis.FakeRedis,
    sent: list[tuple[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The recovery clock is frozen, so the deadline is exact on any date and at any speed.
    accepted_at = 1_741_078_800.0
    monkeypatch.setattr(recovery, "time", SimpleNamespace(time=lambda: accepted_at))
    response = client.post("/articles", json=ARTICLE)
    assert response.status_code == 202
    body = response.json()
    assert response.headers["location"] == body["status_url"]
    assert body["status_url"].endswith(f"/articles/{body['id']}")
    stored = articles.get_article(fake_redis, body["id"])
    assert stored is not None and stored.status is ArticleStatus.queued
    assert stored.body == ARTICLE["body"]
    assert sent == [(TASK_EXTRACT, {"article_id": body["id"]})]
    # Watched from acceptance, so a lost task message is sent again (shared.recovery).
    deadline = fake_redis.zscore(keys.inflight(), body["id"])
    # The stall window runs from acceptance.
    assert deadline == accepted_at + get_settings().stall_seconds

    status = client.get(body["status_url"]).json()
    assert status["status"] == "queued" and status["claim_ids"] == []


def test_same_article_twice_gets_same_id_and_one_task(
    client: TestClient, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = client.post("/articles", json=ARTICLE).json()
    again = client.post("/articles", json=ARTICLE).json()
    # Same text, same source, different URL tracking noise: still the same article.
    reworded_url = client.post(
        "/articles", json={**ARTICLE, "url": "https://www.harbour.example/port-reopens/"}
    ).json()
    assert first["id"] == again["id"] == reworded_url["id"]
    assert again["duplicate"] is True
    assert len(sent) == 1


def test_same_text_from_another_outlet_is_a_new_article(client: TestClient) -> None:
    first = client.post("/articles", json={**ARTICLE, "url": None}).json()
    other = client.post("/articles", json={**ARTICLE, "url": None, "source": "Island Daily"}).json()
    assert first["id"] != other["id"]


def test_idempotency_key_is_honoured(
    client: TestClient, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    headers = {"Idempotency-Key": "req-42"}
    first = client.post("/articles", json=ARTICLE, headers=headers).json()
    edited = {**ARTICLE, "body": ARTICLE["body"] + " More later.", "url": None}
    second = client.post("/articles", json=edited, headers=headers).json()
    assert first["id"] == second["id"]
    assert len(sent) == 1


def test_url_only_article_is_fetched_by_a_worker(
    client: TestClient, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    response = client.post(
        "/articles", json={"source": "Harbour Times", "url": "https://harbour.example/a"}
    )
    assert response.status_code == 202
    assert sent == [(TASK_FETCH, {"article_id": response.json()["id"]})]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"source": "X"}, "body"),
        ({"body": "   ", "source": "X"}, "body"),
        ({"body": "text", "source": ""}, "source"),
        ({"body": 42, "source": "X"}, "body"),
        ({"body": "text", "source": "X", "published_at": "yesterday-ish"}, "published_at"),
        ({"body": "text", "source": "X", "surprise": 1}, "surprise"),
    ],
)
def test_invalid_articles_get_422_naming_the_problem(
    client: TestClient, payload: dict[str, Any], field: str
) -> None:
    response = client.post("/articles", json=payload)
    assert response.status_code == 422
    assert field in json.dumps(response.json())


def test_future_publication_date_is_refused(client: TestClient) -> None:
    response = client.post("/articles", json={**ARTICLE, "published_at": "2999-01-01T00:00:00Z"})
    assert response.status_code == 422
    assert "future" in response.json()["detail"]


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post(
        "/articles", content=json.dumps(ARTICLE), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "needle"),
    [(b'{"source": "X", "body": "caf\xe9"}', "UTF-8"), (b'{"source": "X",', "JSON")],
)
def test_malformed_bodies_are_400(client: TestClient, raw: bytes, needle: str) -> None:
    response = client.post("/articles", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert needle in response.json()["detail"]


def test_body_over_limit_is_413(fake_redis: fakeredis.FakeRedis) -> None:
    with make_client(fake_redis, max_body_bytes=1000) as small:
        response = small.post("/articles", json={**ARTICLE, "body": "x" * 5000})
    assert response.status_code == 413
    assert fake_redis.dbsize() == 0  # nothing was stored


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/articles/nope").status_code == 404
    response = client.get("/claims/nope")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_redis_outage_is_503_with_retry_after(
    fake_redis: fakeredis.FakeRedis, fake_server: fakeredis.FakeServer
) -> None:
    with make_client(fake_redis) as test_client:
        fake_server.connected = False
        response = test_client.post("/articles", json=ARTICLE)
        ready = test_client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert ready.status_code == 503


def test_api_keys_guard_everything_but_healthz(fake_redis: fakeredis.FakeRedis) -> None:
    with make_client(fake_redis, api_keys="first-key-0123456789,second-key-0123456789") as keyed:
        assert keyed.get("/healthz").status_code == 200
        assert keyed.get("/readyz").status_code == 401
        assert keyed.post("/articles", json=ARTICLE).status_code == 401
        wrong = keyed.get("/claims", headers={"Authorization": "Bearer not-a-key"})
        assert wrong.status_code == 401 and "not-a-key" not in wrong.text
        good = {"Authorization": "Bearer second-key-0123456789"}
        assert keyed.get("/readyz", headers=good).status_code == 200
        assert keyed.post("/articles", json=ARTICLE, headers=good).status_code == 202


def test_openapi_documents_the_article_body(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/articles"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert "source" in body["properties"]
    assert client.get("/docs").status_code == 200
