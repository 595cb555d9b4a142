"""Verdicts: one packed value per article (``keys.article_verdicts``) holding the latest
verdict of each of its claims, and the article's verification bookkeeping (pending and
re-verify sets, re-verification slots).

A frame line is ``<local id> <version> <content hash> <document>``. The document leaves
out its claim id and version (the line holds them), what its claim holds (``claim`` and
the fields copied from it), what each evidence item that is a stored claim holds (its
article, outlet and text), and default values; readers load the claims and join them
back, so the API and the stream show the whole document. Claims are never deleted and
their ids are deterministic, so the claims a verdict names stay readable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis

from shared import ids
from shared.errors import StoreContention
from shared.redis_client import raw_command
from shared.schemas import Claim, VerdictDoc
from shared.settings import Settings
from shared.storage import articles, claims, codec, inflight, keys, listing
from shared.storage._lua import script

__all__ = [
    "SAVE_ATTEMPTS",
    "ClaimDone",
    "content_hash",
    "forget_reverify",
    "get_verdict",
    "get_verdicts",
    "publish_and_mark_all",
    "release_reverify_slots",
    "save_verdicts",
    "take_reverify_slots",
]

# Fields of a verdict document copied from its claim, and of an evidence item from its claim.
_FROM_CLAIM = frozenset({"claim", "article_id", "source", "text", "kind", "parent_claim_id"})
_EVIDENCE_FROM_CLAIM = frozenset({"article_id", "source", "text"})
_IN_LINE = frozenset({"claim_id", "version"})
# Writers of one article's frame are the verify tasks of its claims and of the claims it
# re-verifies: a handful at once, so this many attempts losing in a row means a fault.
SAVE_ATTEMPTS = 50


@dataclass(frozen=True, slots=True)
class _Entry:
    """One claim's line in its article's verdict frame."""

    version: int
    content_hash: str
    text: str


def _document_text(doc: VerdictDoc) -> str:
    exclude: dict[str, Any] = dict.fromkeys(_FROM_CLAIM | _IN_LINE, True)
    from_claims = {i: set(_EVIDENCE_FROM_CLAIM) for i, e in enumerate(doc.evidence) if e.claim_id}
    if from_claims:
        exclude["evidence"] = from_claims
    return doc.model_dump_json(exclude=exclude, exclude_defaults=True)


def _pack_frame(entries: Mapping[str, _Entry]) -> bytes:
    lines = (f"{local} {e.version} {e.content_hash} {e.text}" for local, e in entries.items())
    return codec.pack("\n".join(lines), frame=True)


def _unpack_frame(stored: bytes) -> dict[str, _Entry]:
    entries = {}
    for line in codec.unpack(stored).split("\n"):
        local, version, digest, text = line.split(" ", 3)
        entries[local] = _Entry(int(version), digest, text)
    return entries


def content_hash(doc: VerdictDoc) -> str:
    """64 bits of a hash of the document as published, less version and time: enough to
    tell one claim's verdicts apart."""
    stable = doc.model_dump_json(exclude={"version", "verified_at"})
    return hashlib.blake2b(stable.encode(), digest_size=8).hexdigest()


class _Pending:
    """A verdict to save, with its frame line's parts made once."""

    def __init__(self, doc: VerdictDoc) -> None:
        self.doc = doc
        self.local = ids.split_claim_id(doc.claim_id)[1]
        self.digest = content_hash(doc)
        self.text = _document_text(doc)

    def merge(self, entries: dict[str, _Entry]) -> tuple[VerdictDoc, bool]:
        """Put the verdict into ``entries`` under its next version unless its content is the
        stored one's; then it comes back with the stored version and time."""
        held = entries.get(self.local)
        if held is not None and held.content_hash == self.digest:
            verified_at = datetime.fromisoformat(json.loads(held.text)["verified_at"])
            update = {"version": held.version, "verified_at": verified_at}
            return self.doc.model_copy(update=update), False
        version = (held.version if held is not None else 0) + 1
        entries[self.local] = _Entry(version, self.digest, self.text)
        return self.doc.model_copy(update={"version": version}), True


def save_verdicts(client: redis.Redis, docs: Sequence[VerdictDoc]) -> list[tuple[VerdictDoc, bool]]:
    """Store each of ``docs`` under the next version of its claim if its content changed.
    Returns (doc, changed) for each, in order: an unchanged verdict comes back with the
    stored version and time, so a retried task reuses the version it took."""
    results: dict[int, tuple[VerdictDoc, bool]] = {}
    per_article: dict[str, list[tuple[int, _Pending]]] = {}
    for at, doc in enumerate(docs):
        per_article.setdefault(doc.article_id, []).append((at, _Pending(doc)))
    for article_id, pending in per_article.items():
        saved = _save_article(client, article_id, [one for _, one in pending])
        results |= {at: result for (at, _), result in zip(pending, saved, strict=True)}
    return [results[at] for at in range(len(docs))]


def _save_article(
    client: redis.Redis, article_id: str, pending: Sequence[_Pending]
) -> list[tuple[VerdictDoc, bool]]:
    """The article's frame read, merged and written back under WATCH; read again if
    another writer changed it meanwhile, at most ``SAVE_ATTEMPTS`` times."""
    key = keys.article_verdicts(article_id)
    with client.pipeline(transaction=True) as pipe:
        for _ in range(SAVE_ATTEMPTS):
            try:
                pipe.watch(key)  # type: ignore[no-untyped-call]
                stored = raw_command(pipe, "GET", key)
                entries = _unpack_frame(stored) if stored else {}
                results = [one.merge(entries) for one in pending]
                if any(changed for _, changed in results):
                    pipe.multi()
                    pipe.set(key, _pack_frame(entries))
                    pipe.execute()
                return results
            except redis.WatchError:
                continue
    raise StoreContention(
        f"verdicts of article {article_id} changed under {SAVE_ATTEMPTS} attempts to save"
    )


def _frame_fields(entry: _Entry, *, claim_id: str) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(entry.text)
    fields["version"] = entry.version
    fields["claim_id"] = claim_id
    return fields


def _needed(fields: Mapping[str, Any]) -> list[str]:
    """Ids of the claims a stored verdict needs joined: its own, then its evidence's."""
    named = [str(fields["claim_id"])]
    return named + [str(e["claim_id"]) for e in fields.get("evidence", ()) if e.get("claim_id")]


def _join(fields: Mapping[str, Any], found: Mapping[str, Claim]) -> VerdictDoc | None:
    if any(cid not in found for cid in _needed(fields)):
        return None
    claim = found[fields["claim_id"]]
    whole = dict(fields)
    whole |= {name: getattr(claim, name) for name in _FROM_CLAIM - {"claim"}}
    whole["claim"] = claim
    whole["evidence"] = [
        e | {n: getattr(found[e["claim_id"]], n) for n in _EVIDENCE_FROM_CLAIM}
        if e.get("claim_id")
        else e
        for e in fields.get("evidence", ())
    ]
    return VerdictDoc.model_validate(whole)


def get_verdicts(client: redis.Redis, claim_ids: Iterable[str]) -> list[VerdictDoc]:
    """Whole verdict documents of ``claim_ids`` in order; claims without one, and text that
    is no claim id, left out. One round trip for the claims' articles (document, claims,
    verdicts), two more for the claims their evidence names."""
    wanted = list(claim_ids)
    homes = ids.by_article(wanted)
    pipe = client.pipeline(transaction=False)
    for article_id in homes:
        raw_command(pipe, "HMGET", keys.article(article_id), keys.ARTICLE_DOC, keys.ARTICLE_CLAIMS)
        raw_command(pipe, "GET", keys.article_verdicts(article_id))
    replies = pipe.execute() if homes else []
    found: dict[str, Claim] = {}
    stored: dict[str, dict[str, Any]] = {}
    for locals_, (doc, frame), verdicts in zip(
        homes.values(), replies[0::2], replies[1::2], strict=True
    ):
        if doc is None or frame is None:
            continue
        article = articles.unpack_article(doc)
        found |= {c.claim_id: c for c in claims.unpack_claims(frame, article=article)}
        entries = _unpack_frame(verdicts) if verdicts else {}
        for cid, local in locals_.items():
            if local in entries:
                stored[cid] = _frame_fields(entries[local], claim_id=cid)
    more = {n for fields in stored.values() for n in _needed(fields) if n not in found}
    found |= {c.claim_id: c for c in claims.get_claims(client, sorted(more))}
    joined = (_join(stored[cid], found) for cid in wanted if cid in stored)
    return [doc for doc in joined if doc is not None]


def get_verdict(client: redis.Redis, claim_id: str) -> VerdictDoc | None:
    found = get_verdicts(client, [claim_id])
    return found[0] if found else None


@dataclass(frozen=True)
class ClaimDone:
    article_id: str
    article_finished: bool  # this call flipped the article to done
    reverify: list[str]  # the article is complete: claims to re-verify (empty otherwise)


def publish_and_mark_all(
    client: redis.Redis,
    *,
    settings: Settings,
    verdicts: Sequence[tuple[VerdictDoc, Sequence[str]]],
    stall_deadline: float | None = None,
) -> list[tuple[str | None, ClaimDone]]:
    """Publish each (doc, evidence ids) of ``verdicts`` (once per version) and then mark its
    claim verified, in order, in one round trip: (the new stream entry id or None, what
    marking found) for each. Articles still watched get ``stall_deadline``, if given."""
    pipe = client.pipeline(transaction=False)
    for doc, evidence_ids in verdicts:
        listing.queue_publish(pipe, settings=settings, doc=doc)
        pipe.eval(
            script("claim_done"),
            3,
            keys.article_pending(doc.article_id),
            keys.article(doc.article_id),
            keys.article_reverify(doc.article_id),
            doc.claim_id,
            *evidence_ids,
        )
    if stall_deadline is not None:
        touched = {doc.article_id for doc, _ in verdicts}
        inflight.progress(pipe, article_ids=sorted(touched), until=stall_deadline)
    replies = pipe.execute()[: 2 * len(verdicts)]
    return [
        (listing.published_entry(published), _claim_done(doc.article_id, marked))
        for (doc, _), published, marked in zip(verdicts, replies[0::2], replies[1::2], strict=True)
    ]


def _claim_done(article_id: str, reply: Any) -> ClaimDone:
    finished, members = reply
    return ClaimDone(
        article_id=article_id,
        article_finished=bool(finished),
        reverify=sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members),
    )


def forget_reverify(client: redis.Redis, *, article_id: str, claim_ids: Sequence[str]) -> None:
    """Drop claims whose re-verification is scheduled; claims added meanwhile stay."""
    if claim_ids:
        client.srem(keys.article_reverify(article_id), *claim_ids)


def take_reverify_slots(
    client: redis.Redis, *, claim_ids: Sequence[str], hold_seconds: float
) -> list[str]:
    """The claims of ``claim_ids`` with no re-verification already scheduled, now held."""
    ttl_ms = max(1, int(hold_seconds * 1000))
    # A pipeline, not one multi-key command: the slots sit in different hash slots.
    pipe = client.pipeline(transaction=False)
    for claim_id in claim_ids:
        pipe.set(keys.reverify_lock(claim_id), "1", nx=True, px=ttl_ms)
    return [c for c, taken in zip(claim_ids, pipe.execute(), strict=True) if taken]


def release_reverify_slots(client: redis.Redis, *, claim_ids: Sequence[str]) -> None:
    pipe = client.pipeline(transaction=False)
    for claim_id in claim_ids:
        pipe.delete(keys.reverify_lock(claim_id))
    pipe.execute()


def frame_bytes(docs: Sequence[VerdictDoc]) -> int:
    """Bytes of a verdict frame holding ``docs`` (for the benchmarks' sizing)."""
    pending = [_Pending(doc) for doc in docs]
    return len(_pack_frame({str(n): _Entry(1, p.digest, p.text) for n, p in enumerate(pending)}))
