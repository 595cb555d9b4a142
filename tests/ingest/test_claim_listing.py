"""GET /claims without an article: newest first, filtered, paged by cursor, over the listing
the publish script keeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
from fastapi.testclient import TestClient

from services.ingest.main import create_app
from shared.celery_app import make_celery
from shared.schemas import StoredArticle, Verdict
from shared.settings import Settings
from shared.storage import articles, claims, verdicts
from shared.storage.listing import publish
from tests.shared.verdicts import minimal_verdict
from tests.verify.factories import article_id_for

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
SETTINGS = Settings(redis_url="memory://", environment="test")


def _verdict(index: int) -> Verdict:
    # Every third claim supported, so a filter skips whole runs of the listing.
    return Verdict.supported if index % 3 == 0 else Verdict.unverified


@pytest.fixture
def listed(fake_redis: fakeredis.FakeRedis) -> list[tuple[str, Verdict]]:
    """Claims c0..c9 published in order, c1 re-verified since. Returns (id, verdict) newest
    first, as GET /claims must list them."""
    docs = [minimal_verdict(f"c{i}", verdict=_verdict(i)) for i in range(10)]
    article = StoredArticle(
        article_id=article_id_for("a1"), body="Text.", source="Wire", received_at=NOW
    )
    articles.save_article(fake_redis, article)
    claims.save_claims(fake_redis, article=article, claims=[doc.claim for doc in docs])
    saved = [doc for doc, _ in verdicts.save_verdicts(fake_redis, docs)]
    for doc in saved:
        publish(fake_redis, settings=SETTINGS, doc=doc)
    publish(fake_redis, settings=SETTINGS, doc=saved[1].model_copy(update={"version": 2}))
    return [(doc.claim_id, doc.verdict) for doc in reversed(saved)]


@pytest.fixture
def api(fake_redis: fakeredis.FakeRedis) -> Iterator[TestClient]:
    app = create_app(SETTINGS, redis_factory=lambda _: fake_redis, celery_factory=make_celery)
    with TestClient(app) as client:
        yield client


def _all_pages(api: TestClient, **params: Any) -> tuple[list[str], int]:
    """Every claim id GET /claims returns following next_cursor, and the pages it took."""
    ids: list[str] = []
    cursor: str | None = "0"
    pages = 0
    while cursor is not None:
        response = api.get("/claims", params={**params, "cursor": cursor})
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["claim_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        pages += 1
    return ids, pages


def test_claims_are_listed_newest_first_once_each_across_pages(
    api: TestClient, listed: list[tuple[str, Verdict]]
) -> None:
    ids, pages = _all_pages(api, limit=4)
    assert ids == [claim_id for claim_id, _ in listed]
    assert pages == 3  # 10 claims: two full pages and a last one


def test_a_filter_pages_through_the_matching_claims_only(
    api: TestClient, listed: list[tuple[str, Verdict]]
) -> None:
    order = [claim_id for claim_id, _ in listed]
    supported = [c for c, verdict in listed if verdict is Verdict.supported]
    ids, _ = _all_pages(api, limit=2, verdict="supported")
    assert ids == supported
    first = api.get("/claims", params={"limit": 1, "verdict": "supported"}).json()
    assert [item["claim_id"] for item in first["items"]] == supported[:1]
    # The cursor points just past the claim returned, wherever in the listing it sits.
    assert first["next_cursor"] == str(order.index(supported[0]) + 1)


def test_an_empty_store_lists_nothing(api: TestClient) -> None:
    body = api.get("/claims").json()
    assert body == {"items": [], "next_cursor": None}
