"""Re-verification marks on fakeredis: marked before an article is done, cleared only by a run
that read them, kept when evidence arrived during the run."""

from __future__ import annotations

import fakeredis

from shared.settings import Settings
from shared.storage import keys, settling


def _mark(client: fakeredis.FakeRedis, *claim_ids: str) -> None:
    pipe = client.pipeline(transaction=False)
    queued = settling.queue_mark_due(pipe, claim_ids=list(claim_ids), ttl_seconds=60)
    assert len(pipe.execute()) == queued


def test_a_marked_claim_is_due_until_a_run_that_read_it_clears_it(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    _mark(fake_redis, "a.1", "a.2")
    assert settling.due_claims(fake_redis, ["a.1", "a.2", "a.3"]) == ["a.1", "a.2"]
    marks = settling.read_marks(fake_redis, ["a.1", "a.3"])
    assert set(marks) == {"a.1"}
    settling.clear_marks(fake_redis, marks)
    assert settling.due_claims(fake_redis, ["a.1", "a.2", "a.3"]) == ["a.2"]


def test_evidence_that_arrives_during_a_run_keeps_the_claim_due(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    _mark(fake_redis, "a.1")
    marks = settling.read_marks(fake_redis, ["a.1"])  # the run starts
    _mark(fake_redis, "a.1")  # another article finds it as evidence meanwhile
    settling.clear_marks(fake_redis, marks)  # the run ends
    assert settling.due_claims(fake_redis, ["a.1"]) == ["a.1"]


def test_a_mark_expires(fake_redis: fakeredis.FakeRedis) -> None:
    _mark(fake_redis, "a.1")
    ttl = fake_redis.ttl(keys.reverify_due("a.1"))
    assert 0 < ttl <= 60


def test_the_mark_outlives_the_longest_legitimate_wait() -> None:
    settings = Settings(stall_seconds=900, visibility_timeout=3600, reverify_debounce_seconds=2)
    assert settling.due_ttl(settings) > 900 + 3600 + 2


def test_nothing_to_read_or_clear_costs_no_round_trip(fake_redis: fakeredis.FakeRedis) -> None:
    assert settling.read_marks(fake_redis, []) == {}
    assert settling.due_claims(fake_redis, []) == []
    settling.clear_marks(fake_redis, {})
