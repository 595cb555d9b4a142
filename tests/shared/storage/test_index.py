"""Posting hashes: where a term's postings live, and how members are appended and read."""

from __future__ import annotations

import fakeredis

from shared import ids
from shared.redis_client import raw_command
from shared.storage import codec, index, keys
from shared.storage._lua import script


def _claim_id(article: int, start: int = 0) -> str:
    return ids.claim_id(article_id=f"{article:016x}", kind="assertion", start=start, end=start + 1)


def _add(client: fakeredis.FakeRedis, claim_id: str, terms: list[str]) -> None:
    pipe = client.pipeline(transaction=False)
    index.queue_add(pipe, claim_id=claim_id, terms=terms)
    pipe.execute()


def test_a_term_is_a_field_of_its_bucket_group_and_shard() -> None:
    key, field = index.posting_slot("org:acme|t105648")
    shard = int(key.rpartition(":")[2])
    assert key == keys.posting_hash("26412", shard) and field.endswith(b"0")
    # The group's other buckets share the hash and the key's digest; the next group does not.
    assert index.posting_slot("org:acme|t105651") == (key, field[:-1] + b"3")
    assert index.posting_slot("org:acme|t105652")[0] != key
    assert index.posting_slot("org:acme|t*") == (keys.posting_hash("*", shard), field[:-1] + b"*")
    # Another key of the same bucket has another field, wherever it is.
    assert index.posting_slot("org:acmf|t105648")[1] != field
    # Keys spread over the shards: 400 keys of one bucket fill every shard.
    shards = {index.posting_slot(f"org:n{n}|t105648")[0] for n in range(400)}
    assert len(shards) == index.POSTING_SHARDS


def test_members_are_appended_to_one_field_once() -> None:
    client = fakeredis.FakeRedis()
    made = [_claim_id(n) for n in range(1, 4)]
    for claim_id in [*made, made[0]]:  # the first indexed again, as a retried task does
        _add(client, claim_id, ["org:acme|t105648"])
    value = raw_command(client, "HGET", *index.posting_slot("org:acme|t105648"))
    assert value == b"".join(codec.pack_claim_id(c) for c in made)
    (posting,) = index.read(client, ["org:acme|t105648"], newest=2)
    assert posting.claim_ids == made[1:] and posting.size == 3
    # A member's bytes found across a boundary between two others is not that member.
    straddling = value[7:19]
    client.hset("straddle", "term", value)
    append = script("posting_append")
    assert client.eval(append, 1, "straddle", "term", straddling) == 1
    assert client.eval(append, 1, "straddle", "term", straddling) == 0
    assert raw_command(client, "HGET", "straddle", "term") == value + straddling


def test_the_tail_script_reads_the_newest_members_and_the_length() -> None:
    client = fakeredis.FakeRedis()
    value = bytes(range(65))
    client.hset("h", "f", value)
    tail = script("posting_tail")
    assert client.eval(tail, 1, "h", "f", 26) == [value[-26:], 65]
    assert client.eval(tail, 1, "h", "f", 650) == [value, 65]
    assert client.eval(tail, 1, "h", "f", 0) == [b"", 65]
    assert client.eval(tail, 1, "h", "missing", 26) == [b"", 0]


def test_a_term_never_written_reads_empty() -> None:
    client = fakeredis.FakeRedis(decode_responses=True)
    assert index.read(client, ["org:none|t1"], newest=10) == [index.Posting([], 0)]
    assert index.read(client, [], newest=10) == []
