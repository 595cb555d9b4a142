"""The verified-claims stream on fakeredis: consumer groups, acknowledgement and trimming."""

from __future__ import annotations

import json
import time

import fakeredis
import pytest
import redis
from click.testing import CliRunner

from crosscheck.cli import cli
from shared.settings import Settings
from shared.storage import keys
from shared.storage.listing import publish
from shared.stream import (
    ack,
    acknowledged_floor,
    ensure_group,
    entry_order,
    latest_by_claim,
    read_group,
    trim_acknowledged,
)
from tests.shared.verdicts import minimal_verdict
from tests.verify.factories import article_id_for, claim_id_for


def cids(*names: str) -> list[str]:
    """The ids ``minimal_verdict`` gives the claims called ``names``."""
    return [claim_id_for(name, article="a1") for name in names]


STREAM = "crosscheck:verified"


@pytest.fixture
def stream_settings() -> Settings:
    return Settings(redis_url="redis://127.0.0.1:1/0", environment="test", stream_maxlen=1000)


def test_publish_trims_the_stream_approximately(fake_redis: fakeredis.FakeRedis) -> None:
    settings = Settings(redis_url="redis://127.0.0.1:1/0", environment="test", stream_maxlen=10)
    for index in range(300):
        publish(fake_redis, settings=settings, doc=minimal_verdict(f"c{index}"))
    # MAXLEN ~ trims whole nodes only; the bound is loose but it holds.
    assert fake_redis.xlen(STREAM) < 300


def test_group_reads_then_acks(fake_redis: fakeredis.FakeRedis, stream_settings: Settings) -> None:
    for index in range(5):
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(f"c{index}"))
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    batch = read_group(fake_redis, stream=STREAM, group="g", consumer="c1", count=3, block_ms=10)
    assert [m.doc.claim_id for m in batch] == cids("c0", "c1", "c2")
    assert fake_redis.xpending(STREAM, "g")["pending"] == 3
    ack(fake_redis, stream=STREAM, group="g", entry_ids=[m.entry_id for m in batch])
    assert fake_redis.xpending(STREAM, "g")["pending"] == 0
    rest = read_group(fake_redis, stream=STREAM, group="g", consumer="c1", block_ms=10)
    assert [m.doc.claim_id for m in rest] == cids("c3", "c4")
    assert read_group(fake_redis, stream=STREAM, group="g", consumer="c1", block_ms=10) == []


def test_new_group_without_from_start_sees_only_new_entries(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    publish(fake_redis, settings=stream_settings, doc=minimal_verdict("old"))
    ensure_group(fake_redis, stream=STREAM, group="late", from_start=False)
    publish(fake_redis, settings=stream_settings, doc=minimal_verdict("new"))
    batch = read_group(fake_redis, stream=STREAM, group="late", consumer="c", block_ms=10)
    assert [m.doc.claim_id for m in batch] == cids("new")


def test_ensure_group_is_repeatable_and_from_start_rewinds(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    publish(fake_redis, settings=stream_settings, doc=minimal_verdict("c1"))
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=False)
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=False)  # BUSYGROUP is fine
    assert read_group(fake_redis, stream=STREAM, group="g", consumer="c", block_ms=10) == []
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    assert [
        m.doc.claim_id
        for m in read_group(fake_redis, stream=STREAM, group="g", consumer="c", block_ms=10)
    ] == cids("c1")


def test_stale_entries_of_a_dead_consumer_are_reclaimed(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    for index in range(3):
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(f"c{index}"))
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    taken = read_group(
        fake_redis, stream=STREAM, group="g", consumer="dead", block_ms=10, idle_ms=60_000
    )
    assert len(taken) == 3  # read, never acknowledged: the consumer "crashed"
    # Not idle long enough yet: the survivor does not steal them.
    assert (
        read_group(
            fake_redis, stream=STREAM, group="g", consumer="alive", block_ms=10, idle_ms=60_000
        )
        == []
    )
    time.sleep(0.06)
    reclaimed = read_group(
        fake_redis, stream=STREAM, group="g", consumer="alive", block_ms=10, idle_ms=50
    )
    assert sorted(m.doc.claim_id for m in reclaimed) == sorted(cids("c0", "c1", "c2"))
    consumers = {c["name"]: c["pending"] for c in fake_redis.xinfo_consumers(STREAM, "g")}
    assert consumers["alive"] == 3 and consumers.get("dead", 0) == 0
    ack(fake_redis, stream=STREAM, group="g", entry_ids=[m.entry_id for m in reclaimed])
    assert fake_redis.xpending(STREAM, "g")["pending"] == 0


def test_foreign_or_trimmed_entries_are_skipped(fake_redis: fakeredis.FakeRedis) -> None:
    fake_redis.xadd(STREAM, {"something": "else"})
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    assert read_group(fake_redis, stream=STREAM, group="g", consumer="c", block_ms=10) == []


def test_latest_by_claim_picks_the_highest_version_in_any_order(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    # Written out of order, as two workers racing could do.
    for claim_id, version in [("a", 2), ("b", 1), ("a", 3), ("a", 1), ("b", 2), ("c", 1)]:
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(claim_id, version))
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    messages = read_group(fake_redis, stream=STREAM, group="g", consumer="c", block_ms=10)
    latest = latest_by_claim(messages)
    a, b, c = cids("a", "b", "c")
    assert {k: v.version for k, v in latest.items()} == {a: 3, b: 2, c: 1}
    assert {k: v.version for k, v in latest_by_claim(list(reversed(messages))).items()} == {
        a: 3,
        b: 2,
        c: 1,
    }


def test_consume_cli_prints_acks_and_resumes(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(4):
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(f"c{index}"))
    monkeypatch.setattr("shared.redis_client.make_redis", lambda settings, **_: fake_redis)
    monkeypatch.setattr("crosscheck.cli.get_settings", lambda: stream_settings)
    runner = CliRunner()
    env = {"CROSSCHECK_REDIS_URL": "redis://127.0.0.1:1/0"}
    first = runner.invoke(
        cli, ["consume", "-g", "cli", "-c", "one", "--from-start", "--count", "2"], env=env
    )
    assert first.exit_code == 0, first.output
    lines = [json.loads(line) for line in first.output.splitlines()]
    assert [line["claim"]["claim_id"] for line in lines] == cids("c0", "c1")
    assert set(lines[0]) == {"id", "claim"}
    # Both printed messages are acknowledged. The CLI reads a whole batch, so the two it
    # did not print stay pending under this consumer (nothing is lost); a later run
    # reclaims them once they are idle for --idle-ms.
    pending = fake_redis.xpending_range(STREAM, "cli", min="-", max="+", count=10)
    assert {p["message_id"] for p in pending}.isdisjoint({line["id"] for line in lines})
    second = runner.invoke(
        cli, ["consume", "-g", "cli", "-c", "one", "--idle-ms", "0", "--count", "2"], env=env
    )
    assert second.exit_code == 0, second.output
    assert [json.loads(line)["claim"]["claim_id"] for line in second.output.splitlines()] == cids(
        "c2", "c3"
    )
    assert fake_redis.xpending(STREAM, "cli")["pending"] == 0


def test_consume_cli_reclaims_what_a_crashed_consumer_left(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(2):
        publish(fake_redis, settings=stream_settings, doc=minimal_verdict(f"c{index}"))
    ensure_group(fake_redis, stream=STREAM, group="cli", from_start=True)
    read_group(fake_redis, stream=STREAM, group="cli", consumer="crashed", block_ms=10)
    time.sleep(0.03)
    monkeypatch.setattr("shared.redis_client.make_redis", lambda settings, **_: fake_redis)
    monkeypatch.setattr("crosscheck.cli.get_settings", lambda: stream_settings)
    result = CliRunner().invoke(
        cli,
        ["consume", "-g", "cli", "-c", "two", "--idle-ms", "20", "--count", "2"],
        env={"CROSSCHECK_REDIS_URL": "redis://127.0.0.1:1/0"},
    )
    assert result.exit_code == 0, result.output
    assert sorted(
        json.loads(line)["claim"]["claim_id"] for line in result.output.splitlines()
    ) == sorted(cids("c0", "c1"))
    assert fake_redis.xpending(STREAM, "cli")["pending"] == 0


def _published(client: redis.Redis, settings: Settings, count: int) -> list[str]:
    ids = [publish(client, settings=settings, doc=minimal_verdict(f"c{i}")) for i in range(count)]
    return [entry_id for entry_id in ids if entry_id]


def _claim_ids(client: redis.Redis) -> list[str]:
    return [json.loads(fields["claim"])["claim_id"] for _, fields in client.xrange(STREAM)]


def test_trimming_keeps_what_a_group_has_not_acknowledged(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    ids = _published(fake_redis, stream_settings, 8)
    ensure_group(fake_redis, stream=STREAM, group="g", from_start=True)
    batch = read_group(fake_redis, stream=STREAM, group="g", consumer="c", count=5, block_ms=10)
    # c0, c1 and c3 acknowledged; c2 and c4 still pending; c5.. never delivered.
    ack(fake_redis, stream=STREAM, group="g", entry_ids=[batch[i].entry_id for i in (0, 1, 3)])

    removed = trim_acknowledged(fake_redis, stream=STREAM, approximate=False)

    # Everything before the oldest pending entry goes; from it on, everything stays, even
    # c3: a stream is trimmed from its start, never in the middle.
    assert removed == 2
    assert _claim_ids(fake_redis) == cids(*(f"c{i}" for i in range(2, 8)))
    assert fake_redis.xpending(STREAM, "g")["pending"] == 2
    ack(fake_redis, stream=STREAM, group="g", entry_ids=[batch[2].entry_id, batch[4].entry_id])
    assert trim_acknowledged(fake_redis, stream=STREAM, approximate=False) == 3
    assert _claim_ids(fake_redis) == cids("c5", "c6", "c7")
    assert acknowledged_floor(fake_redis, stream=STREAM) > entry_order(ids[4])


def test_the_slowest_group_sets_how_far_the_stream_is_trimmed(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    _published(fake_redis, stream_settings, 6)
    for group, count in (("fast", 6), ("slow", 2)):
        ensure_group(fake_redis, stream=STREAM, group=group, from_start=True)
        batch = read_group(
            fake_redis, stream=STREAM, group=group, consumer="c", count=count, block_ms=10
        )
        ack(fake_redis, stream=STREAM, group=group, entry_ids=[m.entry_id for m in batch])

    assert trim_acknowledged(fake_redis, stream=STREAM, approximate=False) == 2
    rest = read_group(fake_redis, stream=STREAM, group="slow", consumer="c", block_ms=10)
    assert [m.doc.claim_id for m in rest] == cids("c2", "c3", "c4", "c5")


def test_nothing_is_trimmed_before_a_group_has_read_it(
    fake_redis: fakeredis.FakeRedis, stream_settings: Settings
) -> None:
    assert trim_acknowledged(fake_redis, stream=STREAM) == 0  # no stream yet
    _published(fake_redis, stream_settings, 3)
    assert trim_acknowledged(fake_redis, stream=STREAM, approximate=False) == 0  # no group
    ensure_group(fake_redis, stream=STREAM, group="new", from_start=True)
    assert trim_acknowledged(fake_redis, stream=STREAM, approximate=False) == 0
    ensure_group(fake_redis, stream=STREAM, group="tail", from_start=False)
    assert trim_acknowledged(fake_redis, stream=STREAM, approximate=False) == 0
    assert fake_redis.xlen(STREAM) == 3


def test_approximate_trimming_on_a_real_redis_drops_whole_nodes_only(
    redis_db_url: str, stream_settings: Settings
) -> None:
    client = redis.Redis.from_url(redis_db_url, decode_responses=True)
    try:
        _published(client, stream_settings, 450)
        ensure_group(client, stream=STREAM, group="g", from_start=True)
        batch = read_group(client, stream=STREAM, group="g", consumer="c", count=300, block_ms=10)
        ack(client, stream=STREAM, group="g", entry_ids=[m.entry_id for m in batch[:250]])

        removed = trim_acknowledged(client, stream=STREAM)

        # Whole nodes before the first unacknowledged entry (c250) go; the node holding it
        # stays whole, so a few acknowledged entries may stay with it, never the reverse.
        assert 0 < removed <= 250
        left = _claim_ids(client)
        assert left == cids(*(f"c{i}" for i in range(removed, 450)))
        assert client.xpending(STREAM, "g")["pending"] == 50
        rest = read_group(client, stream=STREAM, group="g", consumer="c", count=500, block_ms=10)
        assert len(rest) == 150
    finally:
        client.close()


def test_an_articles_published_versions_stay_one_compact_value_on_a_real_redis(
    redis_db_url: str, stream_settings: Settings
) -> None:
    """The memory the per-article hash saves depends on Redis keeping it packed (listpack,
    ziplist before Redis 7), which needs small hashes of short fields."""
    client = redis.Redis.from_url(redis_db_url, decode_responses=True)
    for index in range(40):  # twice as many claims as the FNC-1 articles average
        publish(client, settings=stream_settings, doc=minimal_verdict(f"{index:016x}", 3))
    versions = keys.published_versions(STREAM, article_id_for("a1"))
    assert client.hlen(versions) == 40
    assert client.object("encoding", versions) in {"listpack", "ziplist"}
