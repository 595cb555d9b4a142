"""Dedupe hashes: every fingerprint of an article maps to one id."""

from __future__ import annotations

import fakeredis

from shared.storage import articles, keys
from shared.storage.dedupe import claim_fingerprints


def test_fingerprints_map_every_identity_to_one_id(fake_redis: fakeredis.FakeRedis) -> None:
    first, seen = claim_fingerprints(
        fake_redis, fingerprints=["url:1", "text:1"], candidate_id="a1"
    )
    assert (first, seen) == ("a1", False)
    # A new identity arriving with a known one joins the known article.
    again, seen = claim_fingerprints(
        fake_redis, fingerprints=["idem:9", "text:1"], candidate_id="a2"
    )
    assert (again, seen) == ("a1", True)
    by_key, _ = claim_fingerprints(fake_redis, fingerprints=["idem:9"], candidate_id="a3")
    assert by_key == "a1"
    # Fields of a few hashes, not a key per fingerprint.
    assert fake_redis.hget(keys.dedupe_hash("idem:9"), "idem:9") == "a1"
    assert len(list(fake_redis.scan_iter())) <= 3


def test_an_article_is_enqueued_once_marked(fake_redis: fakeredis.FakeRedis) -> None:
    assert not articles.is_enqueued(fake_redis, article_id="a1")
    articles.mark_enqueued(fake_redis, article_id="a1")
    assert articles.is_enqueued(fake_redis, article_id="a1")
