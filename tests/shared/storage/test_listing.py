"""Publishing verdicts beside the stream: each version once, each claim listed once."""

from __future__ import annotations

import json

import fakeredis
import pytest

from shared.settings import Settings
from shared.storage import keys
from shared.storage.listing import newest_claim_ids, publish
from tests.shared.verdicts import minimal_verdict
from tests.verify.factories import article_id_for, claim_id_for

STREAM = "crosscheck:verified"
A1 = article_id_for("a1")


@pytest.fixture
def stream_settings() -> Settings:
    return Settings(redis_url="redis://127.0.0.1:1/0", environment="test", stream_maxlen=1000)


def test_publish_is_idempotent_per_claim_version(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    first = publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1", 1))
    again = publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1", 1))
    newer = publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1", 2))
    other = publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c2", 1))
    assert first and newer and other
    assert again is None
    assert fake_redis.xlen(STREAM) == 3
    # The article's hash names each claim by its local part: the highest version published.
    local = {name: claim_id_for(name, article="a1")[-8:] for name in ("c1", "c2")}
    assert fake_redis.hgetall(keys.published_versions(STREAM, A1)) == {
        local["c1"]: "2",
        local["c2"]: "1",
    }


def test_a_version_older_than_one_published_is_not_published(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    """Two re-verifications of one claim can finish out of order; consumers then get the
    newer verdict only, never an older one after it."""
    assert publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1", 3))
    assert publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1", 2)) is None
    assert [json.loads(f["claim"])["version"] for _, f in fake_redis.xrange(STREAM)] == [3]


def test_claims_are_listed_once_newest_first(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    for name, version in [("c1", 1), ("c2", 1), ("c1", 2), ("c1", 2), ("c3", 4)]:
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(name, version))
    c1, c2, c3 = (claim_id_for(n, article="a1") for n in ("c1", "c2", "c3"))
    assert newest_claim_ids(fake_redis, stream=STREAM, start=0, count=2) == (2, [(0, c3), (1, c2)])
    assert newest_claim_ids(fake_redis, stream=STREAM, start=2, count=2) == (3, [(2, c1)])
    assert newest_claim_ids(fake_redis, stream=STREAM, start=3, count=2) == (3, [])
