"""GET /claims without an article: newest first, filtered, paged by cursor, over the listing
the publish script keeps and the sorted set that listed claims before it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
from fastapi.testclient import TestClient

from services.extract.store import save_claims
from services.ingest.main import create_app
from services.verify.store import save_verdicts
from shared import keys, store, stream
from shared.celery_app import make_celery
from shared.schemas import StoredArticle, Verdict
from shared.settings import Settings
from tests.shared.verdicts import minimal_verdict

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
SETTINGS = Settings(redis_url="memory://", environment="test")


def _save_claims(client: fakeredis.FakeRedis, *, article: StoredArticle, **kwargs: Any) -> None:
    """``save_claims`` as the extract task calls it: its article is in the store first (a
    stored claim leaves out what its article holds)."""
    if not client.exists(keys.article(article.article_id)):
        store.save_article(client, article)
    save_claims(client, article=article, **kwargs)


def _verdict(claim_id: str) -> Verdict:
    # Every third claim supported, so a filter skips whole runs of the listing.
    return Verdict.supported if int(claim_id[1:]) % 3 == 0 else Verdict.unverified


@pytest.fixture
def listed(fake_redis: fakeredis.FakeRedis) -> list[str]:
    """Claims verified before the listing existed (l0..l2, in the old sorted set) and after
    (c0..c9, published in order); l1 is re-verified after the upgrade. Returns the ids
    newest first, as GET /claims must list them."""
    ids = [f"l{i}" for i in range(3)] + [f"c{i}" for i in range(10)]
    docs = [minimal_verdict(claim_id, verdict=_verdict(claim_id)) for claim_id in ids]
    article = StoredArticle(article_id="a1", body="Text.", source="Wire", received_at=NOW)
    _save_claims(fake_redis, article=article, claims=[doc.claim for doc in docs])
    saved = {doc.claim_id: doc for doc, _ in save_verdicts(fake_redis, docs)}
    for index in range(3):  # as the layout before the listing recorded them
        fake_redis.zadd(keys.legacy_claims_all(), {f"l{index}": 1000.0 + index})
    for claim_id in [f"c{i}" for i in range(10)]:
        stream.publish(fake_redis, settings=SETTINGS, doc=saved[claim_id])
    reverified = saved["l1"].model_copy(update={"version": 2})
    stream.publish(fake_redis, settings=SETTINGS, doc=reverified)
    return ["l1", *[f"c{i}" for i in reversed(range(10))], "l2", "l0"]


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
    api: TestClient, listed: list[str]
) -> None:
    ids, pages = _all_pages(api, limit=4)
    assert ids == listed
    assert pages == 4  # 13 claims: three full pages and a last one


def test_a_filter_pages_through_the_matching_claims_only(
    api: TestClient, listed: list[str]
) -> None:
    supported = [c for c in listed if _verdict(c) is Verdict.supported]
    ids, _ = _all_pages(api, limit=2, verdict="supported")
    assert ids == supported
    first = api.get("/claims", params={"limit": 1, "verdict": "supported"}).json()
    assert [item["claim_id"] for item in first["items"]] == supported[:1]
    # The cursor points just past the claim returned, wherever in the listing it sits.
    assert first["next_cursor"] == str(listed.index(supported[0]) + 1)


def test_an_empty_store_lists_nothing(api: TestClient) -> None:
    body = api.get("/claims").json()
    assert body == {"items": [], "next_cursor": None}
