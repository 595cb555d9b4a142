"""Redis reads and writes that more than one service needs. Keys come from ``shared.keys``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import redis

from shared import compact, keys, recovery
from shared.ids import by_article, unpack_claim_id
from shared.redis_client import raw_command
from shared.schemas import ArticleStatus, Claim, DeadLetter, StoredArticle, VerdictDoc
from shared.settings import Settings

__all__ = [
    "ArticleStatus",
    "dead_letter",
    "get_article",
    "get_article_docs",
    "get_bodies",
    "get_claim",
    "get_claim_frames",
    "get_claims",
    "get_framed_claims",
    "get_records",
    "get_verdict",
    "get_verdicts",
    "list_article_claim_ids",
    "newest_claim_ids",
    "promote_article_status",
    "read_claims",
    "save_article",
    "set_article_status",
]


def save_article(client: redis.Redis | redis.client.Pipeline, article: StoredArticle) -> None:
    client.hset(
        keys.article(article.article_id),
        mapping={
            keys.ARTICLE_DOC: compact.stored_article(article),
            "status": article.status.value,
            "reason": article.reason or "",
        },
    )


def get_article(client: redis.Redis, article_id: str) -> StoredArticle | None:
    # Named fields only: the hash also holds the article's claims and verdicts.
    packed, *values = raw_command(
        client, "HMGET", keys.article(article_id), keys.ARTICLE_DOC, *keys.ARTICLE_STATUS_FIELDS
    )
    if packed is None:
        return None
    article = compact.read_article(packed)
    fields = {
        name: value.decode()
        for name, value in zip(keys.ARTICLE_STATUS_FIELDS, values, strict=True)
        if value is not None
    }
    # Status and language live in their own fields so updating them never rewrites the body.
    article.status = ArticleStatus(fields.get("status", article.status.value))
    article.reason = fields.get("reason") or None
    article.detected_language = fields.get("detected_language") or article.detected_language
    return article


def get_statuses(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, ArticleStatus]:
    """Status of each stored article of ``article_ids``, in one round trip, bodies unread."""
    ids = list(article_ids)
    pipe = client.pipeline(transaction=False)
    for article_id in ids:
        pipe.hget(keys.article(article_id), "status")
    return {a: ArticleStatus(s) for a, s in zip(ids, pipe.execute(), strict=True) if s}


def get_article_docs(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
    """The stored documents of ``article_ids`` (status and reason unread), in one round
    trip; articles not in the store are left out."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    pipe = client.pipeline(transaction=False)
    for article_id in ids:
        raw_command(pipe, "HGET", keys.article(article_id), keys.ARTICLE_DOC)
    return {
        article_id: compact.read_article(raw)
        for article_id, raw in zip(ids, pipe.execute(), strict=True)
        if raw
    }


def get_bodies(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, str]:
    """Bodies of ``article_ids`` in one round trip (articles not in the store are left out)."""
    return {a: doc.body for a, doc in get_article_docs(client, article_ids).items()}


def set_article_status(
    client: redis.Redis, *, article_id: str, status: ArticleStatus, reason: str | None = None
) -> None:
    """Write the status; a finished article also leaves the stall watch (shared.recovery)."""
    pipe = client.pipeline(transaction=False)
    pipe.hset(keys.article(article_id), mapping={"status": status.value, "reason": reason or ""})
    if status.finished:
        recovery.forget(pipe, article_ids=[article_id])
    pipe.execute()


_PROMOTE = """
if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  return 1
end
return 0
"""


def promote_article_status(
    client: redis.Redis, *, article_id: str, expected: ArticleStatus, status: ArticleStatus
) -> bool:
    """Move to ``status`` only from ``expected``: a late writer never undoes a later state."""
    return bool(client.eval(_PROMOTE, 1, keys.article(article_id), expected.value, status.value))


def list_article_claim_ids(client: redis.Redis, article_id: str) -> list[str]:
    """The ids of an article's claims in text order, without parsing the claims."""
    frames, older = get_claim_frames(client, [article_id])
    frame = frames.get(article_id)
    framed = compact.framed_claim_ids(frame, article_id=article_id) if frame else []
    return framed + older.get(article_id, [])


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def get_framed_claims(client: redis.Redis, frames: Mapping[str, bytes]) -> dict[str, list[Claim]]:
    """Article id -> its claims in text order, from its stored frame (``keys.ARTICLE_CLAIMS``,
    as ``get_claim_frames`` reads them), joined with the article's document, read in one
    round trip. An article that is gone is left out."""
    docs = get_article_docs(client, frames)
    return {
        article_id: compact.read_framed_claims(frame, article=docs[article_id])
        for article_id, frame in frames.items()
        if article_id in docs
    }


def get_claim_frames(
    client: redis.Redis, article_ids: Iterable[str]
) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """In one round trip, for each of ``article_ids``: its stored frame of claims, and the
    ids of its claims stored alone before frames (``keys.article_claims``). Articles with
    neither are left out of each."""
    unique = list(dict.fromkeys(article_ids))
    pipe = client.pipeline(transaction=False)
    for article_id in unique:
        raw_command(pipe, "HGET", keys.article(article_id), keys.ARTICLE_CLAIMS)
        pipe.lrange(keys.article_claims(article_id), 0, -1)
    replies = pipe.execute() if unique else []
    frames = {a: frame for a, frame in zip(unique, replies[0::2], strict=True) if frame}
    older = {
        a: [_text(i) for i in ids] for a, ids in zip(unique, replies[1::2], strict=True) if ids
    }
    return frames, older


def get_records(client: redis.Redis, claim_ids: Iterable[str]) -> dict[str, tuple[bytes, bytes]]:
    """The records of claims stored alone (``keys.claim``), split (``compact.split_record``):
    claim id -> (stored claim, stored verdict), in one round trip; claims with no record left
    out."""
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        return {}
    pipe = client.pipeline(transaction=False)
    for cid in ids:
        raw_command(pipe, "GET", keys.claim(cid))
    replies = pipe.execute()
    return {cid: compact.split_record(raw) for cid, raw in zip(ids, replies, strict=True) if raw}


def get_claim(client: redis.Redis, claim_id: str) -> Claim | None:
    found = get_claims(client, [claim_id])
    return found[0] if found else None


def get_claims(client: redis.Redis, claim_ids: Iterable[str]) -> list[Claim]:
    """The stored claims of ``claim_ids`` in order, missing ones left out: those whose ids
    name their article from its frame, any other from its own record."""
    ids = list(claim_ids)
    wanted = set(ids)
    found: dict[str, Claim] = {}
    frames, _ = get_claim_frames(client, by_article(ids))
    for claims in get_framed_claims(client, frames).values():
        found |= {c.claim_id: c for c in claims if c.claim_id in wanted}
    records = get_records(client, [cid for cid in ids if cid not in found])
    found |= read_claims(client, {cid: claim for cid, (claim, _) in records.items() if claim})
    return [found[cid] for cid in ids if cid in found]


def read_claims(client: redis.Redis, stored: Mapping[str, bytes]) -> dict[str, Claim]:
    """Claim id -> claim, from claims stored alone (``compact.stored_claim``); those stored
    without what their article holds are joined with it, read in one more round trip.
    A claim whose article is gone is left out."""
    fields = {cid: compact.claim_fields(value) for cid, value in stored.items()}
    needed = {cid: compact.article_needed(f) for cid, f in fields.items()}
    articles = get_article_docs(client, sorted({a for a in needed.values() if a}))
    joined = (
        (cid, compact.join_claim(f, claim_id=cid, article=articles.get(needed[cid] or "")))
        for cid, f in fields.items()
    )
    return {cid: claim for cid, claim in joined if claim is not None}


def get_verdict(client: redis.Redis, claim_id: str) -> VerdictDoc | None:
    found = get_verdicts(client, [claim_id])
    return found[0] if found else None


def _framed_verdicts(
    client: redis.Redis, claim_ids: Iterable[str]
) -> tuple[dict[str, Claim], dict[str, dict[str, Any]]]:
    """(claims, stored verdict fields) of the claims of ``claim_ids`` that their articles
    hold, in one round trip: each article's document, claims and verdicts."""
    homes = by_article(claim_ids)
    pipe = client.pipeline(transaction=False)
    for article_id in homes:
        raw_command(pipe, "HMGET", keys.article(article_id), keys.ARTICLE_DOC, keys.ARTICLE_CLAIMS)
        raw_command(pipe, "GET", keys.article_verdicts(article_id))
    claims: dict[str, Claim] = {}
    stored: dict[str, dict[str, Any]] = {}
    replies = pipe.execute() if homes else []
    for locals_, (doc, frame), verdicts in zip(
        homes.values(), replies[0::2], replies[1::2], strict=True
    ):
        if doc is None or frame is None:
            continue
        article = compact.read_article(doc)
        claims |= {c.claim_id: c for c in compact.read_framed_claims(frame, article=article)}
        entries = compact.read_verdict_frame(verdicts) if verdicts else {}
        for cid, local in locals_.items():
            entry = entries.get(local)
            if entry is not None:
                stored[cid] = compact.framed_verdict_fields(entry, claim_id=cid)
    return claims, stored


def _verdicts_alone(
    client: redis.Redis, claim_ids: Sequence[str]
) -> tuple[dict[str, Claim], dict[str, dict[str, Any]]]:
    """(claims, stored verdict fields) of claims stored alone: the records, each with its
    verdict, and then verdicts still under their own key, from before records."""
    records = get_records(client, claim_ids)
    apart = [cid for cid in dict.fromkeys(claim_ids) if cid not in records or not records[cid][1]]
    if apart:
        pipe = client.pipeline(transaction=False)
        for cid in apart:
            raw_command(pipe, "GET", keys.legacy_verdict(cid))
        for cid, raw in zip(apart, pipe.execute(), strict=True):
            if raw:
                records[cid] = (records[cid][0] if cid in records else b"", raw)
    claims = read_claims(client, {cid: claim for cid, (claim, _) in records.items() if claim})
    stored = {
        cid: compact.parse_verdict(verdict, claim_id=cid)
        for cid, (_, verdict) in records.items()
        if verdict
    }
    return claims, stored


def get_verdicts(client: redis.Redis, claim_ids: Iterable[str]) -> list[VerdictDoc]:
    """Whole verdict documents of ``claim_ids`` in order, claims without one left out.

    Two round trips: the claims with their verdicts (from their articles' hashes, or their
    own records), then the claims their evidence names; more only for claims stored alone
    in older layouts.
    """
    ids = list(claim_ids)
    claims, stored = _framed_verdicts(client, ids)
    alone = [cid for cid in ids if cid not in claims]
    if alone:
        more_claims, more_stored = _verdicts_alone(client, alone)
        claims |= more_claims
        stored |= more_stored
    needed = {
        named
        for fields in stored.values()
        for named in compact.verdict_claim_ids(fields)
        if named not in claims
    }
    claims |= {c.claim_id: c for c in get_claims(client, sorted(needed))}
    joined = (compact.join_verdict(stored[cid], claims) for cid in ids if cid in stored)
    return [doc for doc in joined if doc is not None]


def newest_claim_ids(
    client: redis.Redis, *, stream: str, start: int, count: int
) -> tuple[int, list[tuple[int, str]]]:
    """Claim ids from position ``start`` of the listing (0 is the newest claim), at most
    ``count`` positions: (the position after them, [(position, claim id)]). The position
    comes back unchanged at the end of the listing.

    The listing is ``keys.claims_listing``, then the claims listed before it
    (``keys.legacy_claims_all``), less those the new listing holds too."""
    listing = keys.claims_listing(stream)
    length = int(client.llen(listing))
    if start < length:
        stop = min(start + count, length)
        # Indexes from the oldest end, from one length: claims appended since shift nothing.
        raw = raw_command(client, "LRANGE", listing, length - stop, length - 1 - start)
        ids = [unpack_claim_id(member) for member in raw]
        return stop, list(enumerate(reversed(ids), start))
    rank = start - length
    older: list[str] = client.zrevrange(keys.legacy_claims_all(), rank, rank + count - 1)  # type: ignore[assignment]
    if not older:
        return start, []
    # A claim re-verified since the listing began is in both: skip it here. Its published
    # versions are filed by article, which the stored claim names; no need to join it.
    articles = {
        cid: compact.claim_fields(claim).article_id
        for cid, (claim, _) in get_records(client, older).items()
        if claim
    }
    pipe = client.pipeline(transaction=False)
    for claim_id in older:
        pipe.hexists(keys.published_versions(stream, articles.get(claim_id, "")), claim_id)
    listed_anew = pipe.execute()
    kept = [
        (p, cid)
        for (p, cid), again in zip(enumerate(older, start), listed_anew, strict=True)
        if not again
    ]
    return start + len(older), kept


def dead_letter(
    client: redis.Redis, *, settings: Settings, letter: DeadLetter, kwargs: dict[str, Any]
) -> str:
    """Append a failed task to the dead-letter stream; the entry keeps what a retry needs."""
    entry_id: str = client.xadd(  # type: ignore[assignment]
        settings.dead_stream_name,
        {"letter": letter.model_dump_json(), "kwargs": json.dumps(kwargs)},
        maxlen=settings.stream_maxlen,
        approximate=True,
    )
    return entry_id
