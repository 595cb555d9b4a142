"""Beside the verified-claims stream, in its hash slot: each article's published versions
(``keys.published_versions``) and the listing of claims in the order their first verdict
was published (``keys.claims_listing``). One script tests, appends and lists, so a version
is published at most once and a claim listed once."""

from __future__ import annotations

from typing import Any

import redis

from shared import ids
from shared.redis_client import raw_command
from shared.schemas import VerdictDoc
from shared.settings import Settings
from shared.storage import codec, keys
from shared.storage._lua import script

__all__ = ["newest_claim_ids", "publish", "published_entry", "queue_publish"]


def queue_publish(pipe: redis.client.Pipeline, *, settings: Settings, doc: VerdictDoc) -> None:
    """Queue the publish script on ``pipe``; ``published_entry`` reads its reply."""
    stream = settings.stream_name
    pipe.eval(
        script("publish_once"),
        3,
        stream,
        keys.published_versions(stream, doc.article_id),
        keys.claims_listing(stream),
        doc.model_dump_json(),
        str(settings.stream_maxlen),
        ids.split_claim_id(doc.claim_id)[1],
        str(doc.version),
        codec.pack_claim_id(doc.claim_id),
    )


def published_entry(reply: Any) -> str | None:
    """The new entry's id, or None if this version of the claim, or a later one, was
    published already."""
    if not reply:
        return None
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def publish(client: redis.Redis, *, settings: Settings, doc: VerdictDoc) -> str | None:
    """XADD the verdict unless this version of the claim, or a later one, was published."""
    pipe = client.pipeline(transaction=False)
    queue_publish(pipe, settings=settings, doc=doc)
    (reply,) = pipe.execute()
    return published_entry(reply)


def newest_claim_ids(
    client: redis.Redis, *, stream: str, start: int, count: int
) -> tuple[int, list[tuple[int, str]]]:
    """Claim ids from position ``start`` of the listing (0 is the newest claim), at most
    ``count`` positions: (the position after them, [(position, claim id)]). The position
    comes back unchanged at the end of the listing."""
    listing = keys.claims_listing(stream)
    length = int(client.llen(listing))
    if start >= length:
        return start, []
    stop = min(start + count, length)
    # Indexes from the oldest end, from one length: claims appended since shift nothing.
    raw = raw_command(client, "LRANGE", listing, length - stop, length - 1 - start)
    found = [codec.unpack_claim_id(member) for member in raw]
    return stop, list(enumerate(reversed(found), start))
