"""The real redis-server runs with crosscheck's tuning: an article's hash stays compact."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis

from services.verify import retrieval
from shared.schemas import ArticleStatus, Entity, StoredArticle
from shared.storage import articles, claims, index, keys, verdicts
from tests.shared.articles import sentence_claims, stored_article
from tests.shared.verdicts import verdict_for

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
    return stored_article(article_id, body)


def test_an_article_of_news_size_is_stored_in_a_compact_hash(client: redis.Redis) -> None:
    article = _article("0000000000000a01", words=400)  # ~2.7 kB of text, like the FNC-1 bodies
    articles.save_article(client, article)
    articles.set_status(client, article_id=article.article_id, status=ArticleStatus.done)
    assert client.object("encoding", keys.article(article.article_id)) in COMPACT
    found = articles.get_article(client, article.article_id)
    assert found is not None
    assert found.body == article.body and found.status is ArticleStatus.done


def test_an_article_too_large_for_it_still_reads_back(client: redis.Redis) -> None:
    article = _article("0000000000000b16", words=20_000)  # ~140 kB of text, ~10 kB packed
    articles.save_article(client, article)
    assert client.object("encoding", keys.article(article.article_id)) == b"hashtable"
    found = articles.get_article(client, article.article_id)
    assert found is not None and found.body == article.body


def test_an_article_with_its_claims_stays_one_compact_hash_and_its_verdicts_one_value(
    client: redis.Redis,
) -> None:
    article = _article("3fa2c1d07b9e4a65", words=480)  # 40 sentences: twice the FNC-1 mean
    made = sentence_claims(article)
    assert len(made) == 40
    articles.save_article(client, article)
    claims.save_claims(client, article=article, claims=made)
    saved = verdicts.save_verdicts(client, [verdict_for(c) for c in made])
    assert all(changed for _, changed in saved)
    key = keys.article(article.article_id)
    assert client.object("encoding", key) in COMPACT
    assert client.hlen(key) == 4  # document, status, reason, claims
    assert client.type(keys.article_verdicts(article.article_id)) == b"string"
    got = verdicts.get_verdicts(client, [c.claim_id for c in made])
    assert got == [doc for doc, _ in saved]


def test_postings_stay_in_compact_hashes(client: redis.Redis) -> None:
    """Most postings hold one or two claims: as fields of a few hashes in Redis's compact
    encoding they cost far less than a key each."""
    article = _article("3fa2c1d07b9e4a65", words=24)
    first, _ = sentence_claims(article)
    terms = []
    for n in range(200):
        named = [Entity(text="Acme", label="ORG", key=f"org:acme{n}", start=0, end=4)]
        terms += retrieval.index_claim(
            client, first.model_copy(update={"entities": named}), bucket_days=7
        )
    hashes = {index.posting_slot(term)[0] for term in terms}
    assert 1 < len(hashes) <= index.POSTING_SHARDS < len(terms)
    assert all(client.object("encoding", key) in COMPACT for key in hashes)
