"""The real redis-server runs with crosscheck's tuning: an article's hash stays compact."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis

from shared import keys, store
from shared.schemas import ArticleStatus, StoredArticle
from tests.shared.articles import PUBLISHED

COMPACT = {b"ziplist", b"listpack"}  # Redis 6 and Redis 7 names of the compact encoding
WORDS = ["council", "ferry", "storm", "report", "budget", "river", "court", "fire", "vote"]


@pytest.fixture
def client(redis_db_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_db_url)
    yield c
    c.close()


def _article(article_id: str, words: int) -> StoredArticle:
    rng = random.Random(words)
    body = " ".join(rng.choice(WORDS) + ("." if i % 12 == 11 else "") for i in range(words))
    return StoredArticle(
        article_id=article_id,
        title="Harbour news",
        body=body,
        source="Lakeside Herald",
        published_at=PUBLISHED,
        received_at=PUBLISHED,
    )


def test_an_article_of_news_size_is_stored_in_a_compact_hash(client: redis.Redis) -> None:
    article = _article("a1", words=400)  # ~2.7 kB of text, like the FNC-1 bodies
    store.save_article(client, article)
    store.set_article_status(client, article_id="a1", status=ArticleStatus.done)
    assert client.object("encoding", keys.article("a1")) in COMPACT
    found = store.get_article(client, "a1")
    assert found is not None
    assert found.body == article.body and found.status is ArticleStatus.done


def test_an_article_too_large_for_it_still_reads_back(client: redis.Redis) -> None:
    article = _article("big", words=20_000)  # ~140 kB of text, ~10 kB packed
    store.save_article(client, article)
    assert client.object("encoding", keys.article("big")) == b"hashtable"
    found = store.get_article(client, "big")
    assert found is not None and found.body == article.body
