"""The article hash on fakeredis: document, status, signature, and the body cache."""

from __future__ import annotations

from datetime import UTC, datetime

import fakeredis
import numpy as np
import pytest

from services.verify.origins import estimated_jaccard, signature
from shared.redis_client import raw_command
from shared.schemas import ArticleStatus, StoredArticle
from shared.storage import articles, keys
from shared.storage.articles import BodyCache
from tests.verify.factories import article_id_for

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
A1 = article_id_for("a1")


def _article(article_id: str = A1, body: str = "Text.") -> StoredArticle:
    return StoredArticle(article_id=article_id, body=body, source="Outlet", received_at=NOW)


def test_article_round_trip_and_status(fake_redis: fakeredis.FakeRedis) -> None:
    articles.save_article(fake_redis, _article())
    articles.set_status(fake_redis, article_id=A1, status=ArticleStatus.failed, reason="boom")
    loaded = articles.get_article(fake_redis, A1)
    assert loaded is not None and loaded.status is ArticleStatus.failed and loaded.reason == "boom"
    assert loaded.body == "Text."
    assert articles.get_article(fake_redis, "missing") is None
    assert articles.get_statuses(fake_redis, [A1, "missing"]) == {A1: ArticleStatus.failed}


def test_promote_only_from_the_expected_state(fake_redis: fakeredis.FakeRedis) -> None:
    articles.save_article(fake_redis, _article())
    articles.set_status(fake_redis, article_id=A1, status=ArticleStatus.done)
    moved = articles.promote_status(
        fake_redis, article_id=A1, expected=ArticleStatus.extracting, status=ArticleStatus.verifying
    )
    assert not moved
    assert articles.get_statuses(fake_redis, [A1]) == {A1: ArticleStatus.done}
    articles.set_status(fake_redis, article_id=A1, status=ArticleStatus.extracting)
    assert articles.promote_status(
        fake_redis, article_id=A1, expected=ArticleStatus.extracting, status=ArticleStatus.verifying
    )


def test_articles_are_stored_packed_and_read_back_equal(fake_redis: fakeredis.FakeRedis) -> None:
    article = _article().model_copy(
        update={
            "title": "Depot fire",
            "body": "A fire broke out at the Dornholm depot on Monday, officials said. " * 8,
            "status": ArticleStatus.verifying,
        }
    )
    articles.save_article(fake_redis, article)
    raw = raw_command(fake_redis, "HGET", keys.article(A1), keys.ARTICLE_DOC)
    assert len(raw) < len(article.model_dump_json())
    assert articles.get_article(fake_redis, A1) == article
    assert articles.get_bodies(fake_redis, [A1, "gone"]) == {A1: article.body}


def test_a_stored_signature_compares_as_the_computed_one(fake_redis: fakeredis.FakeRedis) -> None:
    text = "Flames rose from the Kestrel Valley chemical depot in Dornholm on Tuesday. " * 3
    computed = signature(text)
    pipe = fake_redis.pipeline(transaction=False)
    articles.queue_signature(pipe, article_id=A1, signature=computed)
    pipe.execute()
    stored = articles.load_signatures(fake_redis, [A1, "none"])
    assert list(stored) == [A1]
    assert estimated_jaccard(stored[A1], computed) == 1.0
    assert stored[A1].dtype == np.uint32


def _count_body_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The article ids of every body read from the store from now on."""
    reads: list[list[str]] = []
    real = articles.get_bodies

    def counting(client: fakeredis.FakeRedis, article_ids: list[str]) -> dict[str, str]:
        reads.append(list(article_ids))
        return real(client, article_ids)

    monkeypatch.setattr(articles, "get_bodies", counting)
    return reads


def test_bodies_are_read_once_per_cache(
    fake_redis: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [article_id_for(f"b{i}") for i in range(3)]
    for i, article_id in enumerate(ids):
        articles.save_article(fake_redis, _article(article_id, f"Body {i}."))
    reads = _count_body_reads(monkeypatch)
    cache = BodyCache(fake_redis)
    want = {a: f"Body {i}." for i, a in enumerate(ids)}
    assert cache.bodies([*ids, ids[0], "missing"]) == want
    assert cache.bodies(ids[:2]) == {a: want[a] for a in ids[:2]}
    assert reads == [[*ids, "missing"], []]


def test_the_body_cache_drops_the_least_recently_used_beyond_its_budget(
    fake_redis: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [article_id_for(f"b{i}") for i in range(5)]
    for i, article_id in enumerate(ids):
        articles.save_article(fake_redis, _article(article_id, str(i) * 1000))
    reads = _count_body_reads(monkeypatch)
    cache = BodyCache(fake_redis, max_chars=4000)  # four bodies
    for article_id in ids:
        cache.bodies([article_id])
    cache.bodies(ids[1:])
    assert reads == [[i] for i in ids] + [[]]
    assert cache.bodies(ids[:1]) == {ids[0]: "0" * 1000}
    assert reads[-1] == [ids[0]]
