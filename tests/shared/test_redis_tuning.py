"""The real redis-server runs with crosscheck's tuning: an article's hash stays compact."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis

from services.extract.store import save_claims
from services.verify import retrieval
from services.verify.store import save_verdicts
from shared import ids, keys, store
from shared.schemas import ArticleStatus, Entity, StoredArticle
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


def test_an_article_with_its_claims_stays_one_compact_hash_and_its_verdicts_one_value(
    client: redis.Redis,
) -> None:
    article = _article("3fa2c1d07b9e4a65", words=480)  # 40 sentences: twice the FNC-1 mean
    claims = sentence_claims(article)
    assert len(claims) == 40
    store.save_article(client, article)
    save_claims(client, article=article, claims=claims)
    saved = save_verdicts(client, [verdict_for(c) for c in claims])
    assert all(changed for _, changed in saved)
    key = keys.article(article.article_id)
    assert client.object("encoding", key) in COMPACT
    assert client.hlen(key) == 4  # document, status, reason, claims
    verdicts = keys.article_verdicts(article.article_id)
    assert client.type(verdicts) == b"string"  # 40 verdicts, one value
    assert store.get_verdicts(client, [c.claim_id for c in claims]) == [doc for doc, _ in saved]


def test_postings_in_hashes_cost_less_than_a_key_per_term(client: redis.Redis) -> None:
    """Most postings hold one or two claims: there, Redis's cost of a key is most of what a
    posting costs. Summed over many postings: the allocator may hand any one value a larger
    block than it asked for."""
    article = _article("3fa2c1d07b9e4a65", words=24)
    first, _ = sentence_claims(article)
    terms = []
    for n in range(200):
        named = [Entity(text="Acme", label="ORG", key=f"org:acme{n}", start=0, end=4)]
        terms += retrieval.index_claim(
            client, first.model_copy(update={"entities": named}), bucket_days=7
        )
    hashes = {retrieval.posting_slot(term)[0] for term in terms}
    assert 1 < len(hashes) <= retrieval.POSTING_SHARDS < len(terms)
    assert all(client.object("encoding", key) in COMPACT for key in hashes)
    # The same members as a key per term: strings as written before posting hashes, and
    # sorted sets as members of other forms are.
    pipe = client.pipeline(transaction=False)
    for term in terms:
        hashed = client.hget(*retrieval.posting_slot(term))
        assert hashed is not None and len(hashed) == 12
        member = ids.PACKED_CLAIM + hashed
        pipe.set(keys.packed_posting(term), member)
        pipe.zadd(keys.posting(term), {member: 1.0})
    pipe.execute()

    def summed(names: list[str] | set[str]) -> int:
        sizing = client.pipeline(transaction=False)
        for name in names:
            sizing.memory_usage(name)
        return sum(int(size or 0) for size in sizing.execute())

    in_hashes = summed(hashes)
    as_strings = summed([keys.packed_posting(term) for term in terms])
    as_sorted_sets = summed([keys.posting(term) for term in terms])
    # About 30 B a term in hashes, against 95 B as a string and 112 B as a sorted set on
    # Redis 6.2 (keys included), before the ~50 B a key costs in Redis's table of keys.
    assert 0 < in_hashes < 0.5 * as_strings < 0.5 * as_sorted_sets
