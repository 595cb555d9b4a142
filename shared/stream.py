"""The verified-claims stream: consumer-group reading, and trimming what every group has
acknowledged (publishing is ``shared.storage.listing``).

The stream delivers verdicts; the record of them is the store, read through the API. So,
unless ``stream_trim_acknowledged`` is off, entries that every consumer group has read and
acknowledged are trimmed (``trim_acknowledged``, run by the workers' periodic sweep), and a
stream that consumers keep up with holds only their backlog. ``MAXLEN ~`` still caps it when
nobody reads, or a group is abandoned. With no group at all nothing is trimmed early: there
is no reader to have seen anything yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import redis

from shared.schemas import VerdictDoc


def entry_order(entry_id: str) -> tuple[int, int]:
    """A stream entry id as (milliseconds, sequence): ids order as these tuples do, not as
    strings."""
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


def acknowledged_floor(client: redis.Redis, *, stream: str) -> tuple[int, int] | None:
    """The lowest entry id some consumer group may still need: its oldest pending entry,
    or the entry after the last one delivered to it. None: no stream, or no group on it."""
    try:
        groups: list[dict[str, Any]] = client.xinfo_groups(stream)
    except redis.ResponseError:  # no such key
        return None
    if not groups:
        return None
    waiting = [group for group in groups if int(group["pending"])]
    pipe = client.pipeline(transaction=False)
    for group in waiting:
        pipe.xpending(stream, group["name"])
    floors = [entry_order(str(summary["min"])) for summary in pipe.execute() if summary["min"]]
    for group in groups:
        milliseconds, sequence = entry_order(str(group["last-delivered-id"]))
        floors.append((milliseconds, sequence + 1))
    return min(floors)


def trim_acknowledged(client: redis.Redis, *, stream: str, approximate: bool = True) -> int:
    """Trim the entries every consumer group has acknowledged; returns how many went.

    Safe without a transaction: between reading the floor and trimming, deliveries and
    acknowledgements only raise it. A group created or rewound in that gap (``--from-start``)
    replays from what is left. ``approximate`` trims whole stream nodes only, as ``MAXLEN ~``
    does, which costs far less than cutting inside a node."""
    floor = acknowledged_floor(client, stream=stream)
    if floor is None:
        return 0
    removed = client.xtrim(stream, minid=f"{floor[0]}-{floor[1]}", approximate=approximate)
    return int(removed)


@dataclass(frozen=True, slots=True)
class StreamMessage:
    entry_id: str
    doc: VerdictDoc
    raw: str


def ensure_group(client: redis.Redis, *, stream: str, group: str, from_start: bool) -> None:
    try:
        client.xgroup_create(stream, group, id="0" if from_start else "$", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
        if from_start:
            client.xgroup_setid(stream, group, id="0")


def _decode(entries: list[tuple[str, dict[str, str]]]) -> list[StreamMessage]:
    out = []
    for entry_id, fields in entries:
        if not fields or "claim" not in fields:
            continue  # a trimmed or foreign entry: nothing to deliver
        out.append(
            StreamMessage(
                entry_id, VerdictDoc.model_validate_json(fields["claim"]), fields["claim"]
            )
        )
    return out


def read_group(
    client: redis.Redis,
    *,
    stream: str,
    group: str,
    consumer: str,
    count: int = 100,
    block_ms: int = 1000,
    idle_ms: int = 60_000,
) -> list[StreamMessage]:
    """Stale entries of dead consumers first (XAUTOCLAIM), then new ones (XREADGROUP)."""
    claimed: list[Any] = client.xautoclaim(
        stream, group, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
    )
    reclaimed = _decode(claimed[1]) if claimed else []
    if reclaimed:
        return reclaimed
    response = cast(
        list[tuple[str, list[tuple[str, dict[str, str]]]]],
        client.xreadgroup(group, consumer, {stream: ">"}, count=count, block=block_ms),
    )
    if not response:
        return []
    return _decode(response[0][1])


def ack(client: redis.Redis, *, stream: str, group: str, entry_ids: list[str]) -> None:
    if entry_ids:
        client.xack(stream, group, *entry_ids)


def iter_group(
    client: redis.Redis,
    *,
    stream: str,
    group: str,
    consumer: str,
    idle_ms: int,
    block_ms: int = 1000,
    batch_size: int = 100,
) -> Iterator[StreamMessage]:
    """Yield messages forever; each is acknowledged after the caller has taken the next."""
    while True:
        batch = read_group(
            client,
            stream=stream,
            group=group,
            consumer=consumer,
            count=batch_size,
            block_ms=block_ms,
            idle_ms=idle_ms,
        )
        for message in batch:
            yield message
            ack(client, stream=stream, group=group, entry_ids=[message.entry_id])


def latest_by_claim(messages: list[StreamMessage]) -> dict[str, VerdictDoc]:
    """Order on a stream is not a promise; ``version`` decides which verdict is latest."""
    latest: dict[str, VerdictDoc] = {}
    for message in messages:
        current = latest.get(message.doc.claim_id)
        if current is None or message.doc.version > current.version:
            latest[message.doc.claim_id] = message.doc
    return latest


def to_json_line(message: StreamMessage) -> str:
    return json.dumps(
        {"id": message.entry_id, "claim": json.loads(message.raw)}, ensure_ascii=False
    )


def read_after(
    client: redis.Redis, *, stream: str, after: str, count: int = 50, block_ms: int | None = None
) -> list[StreamMessage]:
    """Entries after ``after`` (an entry id, or ``$`` with ``block_ms`` for only new ones),
    without a consumer group: a watcher that acknowledges nothing and so never holds back
    trimming. Without ``block_ms`` it answers at once."""
    response = cast(
        list[tuple[str, list[tuple[str, dict[str, str]]]]],
        client.xread({stream: after}, count=count, block=block_ms),
    )
    if not response:
        return []
    return _decode(response[0][1])


def last_entry_id(client: redis.Redis, *, stream: str) -> str:
    """The newest entry's id, or ``0-0`` for an empty or missing stream."""
    newest = cast(list[tuple[str, dict[str, str]]], client.xrevrange(stream, count=1))
    return newest[0][0] if newest else "0-0"


def versions_on_stream(
    client: redis.Redis, *, stream: str, claim_id: str, scan: int = 500
) -> list[VerdictDoc]:
    """The versions of ``claim_id`` among the newest ``scan`` entries, newest first: the
    store keeps only the latest version, the stream the ones not trimmed yet."""
    needle = json.dumps(claim_id)
    entries = cast(list[tuple[str, dict[str, str]]], client.xrevrange(stream, count=scan))
    held = [(entry_id, fields) for entry_id, fields in entries if needle in fields.get("claim", "")]
    docs = [m.doc for m in _decode(held) if m.doc.claim_id == claim_id]
    return sorted(docs, key=lambda d: d.version, reverse=True)
