"""Redis adapter of the verify service: versioned verdicts, article completion, debounce."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis

from shared import compact, keys, recovery, settling, stream
from shared.ids import local_in
from shared.redis_client import raw_command
from shared.schemas import VerdictDoc
from shared.settings import Settings

# Bumps the version only when the verdict's content changed, so a retried task that
# computes the same verdict reuses the version it already took (and publishes at most once).
# KEYS[1] is the claim's record: "<n>:<packed claim>" then "<version>:<content hash>:<packed
# document>" (shared.compact); the claim part is kept as it is. From older layouts it reads a
# claim stored alone, a verdict under its own key (KEYS[2]) and a version hash (KEYS[3]); the
# first new write folds them into the record and deletes the old keys. Hashes stored before
# they were cut to 16 digits compare by their first 16.
_SAVE_VERDICT = (
    compact.RECORD_PARTS_LUA
    + """
local head, verdict = record_parts(redis.call('GET', KEYS[1]) or '')
if verdict == '' then
  verdict = redis.call('GET', KEYS[2]) or ''
end
local version, previous = string.match(verdict, '^(%d+):(%x+):')
if version then
  version = tonumber(version)
else
  version = tonumber(redis.call('HGET', KEYS[3], 'version') or '0')
  previous = redis.call('HGET', KEYS[3], 'hash')
end
if previous and string.sub(previous, 1, #ARGV[1]) == ARGV[1] then
  return {version, 0, verdict}
end
version = version + 1
redis.call('SET', KEYS[1], head .. version .. ':' .. ARGV[1] .. ':' .. ARGV[2])
redis.call('DEL', KEYS[2], KEYS[3])
return {version, 1}
"""
)

# Marks one claim verified and adds the claims its first verdict is new evidence for to the
# article's re-verify set. While claims of the article are still pending it returns nothing;
# once none is, it returns the whole set (every caller that finds the article complete does:
# a task redelivered after a crash sends what its first run could not). The last claim also
# flips the article to done.
_CLAIM_DONE = """
redis.call('SREM', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  redis.call('SADD', KEYS[3], ARGV[i])
end
if redis.call('SCARD', KEYS[1]) > 0 then
  return {0, {}}
end
local finished = 0
local status = redis.call('HGET', KEYS[2], 'status')
if status == 'extracting' or status == 'verifying' then
  redis.call('HSET', KEYS[2], 'status', 'done')
  finished = 1
end
return {finished, redis.call('SMEMBERS', KEYS[3])}
"""


def content_hash(doc: VerdictDoc) -> str:
    """64 bits of a hash of the document as published, less version and time: enough to
    tell one claim's verdicts apart."""
    stable = doc.model_dump_json(exclude={"version", "verified_at"})
    # The first 16 digits of the 32 stored before, so an old verdict's hash still compares.
    return hashlib.blake2b(stable.encode(), digest_size=16).hexdigest()[:16]


def save_verdicts(client: redis.Redis, docs: Sequence[VerdictDoc]) -> list[tuple[VerdictDoc, bool]]:
    """Store each of ``docs`` under the next version of its claim if its content changed.
    Returns (doc, changed) for each, in order: an unchanged verdict comes back with the
    stored version and time.

    A claim whose id names its article (``shared.ids``) has its verdict in the article's
    frame (``_save_framed``): one read and one write per article. Any other claim's record
    gets the version, the content hash and ``compact.verdict_payload`` (what the claims hold
    is left out) from a script, all in one round trip. The content hash covers the whole
    document, as published.
    """
    results: dict[int, tuple[VerdictDoc, bool]] = {}
    by_article: dict[str, list[tuple[int, VerdictDoc]]] = {}
    alone: list[tuple[int, VerdictDoc]] = []
    for at, doc in enumerate(docs):
        if local_in(doc.claim_id, article_id=doc.article_id) is not None:
            by_article.setdefault(doc.article_id, []).append((at, doc))
        else:
            alone.append((at, doc))
    for article_id, framed in by_article.items():
        saved = _save_framed(client, article_id, [doc for _, doc in framed])
        results |= {at: result for (at, _), result in zip(framed, saved, strict=True)}
    if alone:
        pipe = client.pipeline(transaction=False)
        for _, doc in alone:
            # Raw reply: an unchanged verdict comes back packed.
            raw_command(
                pipe,
                "EVAL",
                _SAVE_VERDICT,
                3,
                keys.claim(doc.claim_id),
                keys.legacy_verdict(doc.claim_id),
                keys.legacy_verdict_version(doc.claim_id),
                content_hash(doc),
                compact.verdict_payload(doc),
            )
        replies = pipe.execute()
        for (at, doc), reply in zip(alone, replies, strict=True):
            results[at] = _saved(doc, reply)
    return [results[at] for at in range(len(docs))]


def _save_framed(
    client: redis.Redis, article_id: str, docs: Sequence[VerdictDoc]
) -> list[tuple[VerdictDoc, bool]]:
    """``save_verdicts`` for claims of one article: its verdict frame is read, updated and
    written back under WATCH, and read again if another writer changed it meanwhile. Each
    verdict's entry is made once, before the first read: a retry only merges again."""
    made = [_FramedDoc(doc, article_id) for doc in docs]
    key = keys.article_verdicts(article_id)
    with client.pipeline(transaction=True) as pipe:
        while True:
            try:
                pipe.watch(key)  # type: ignore[no-untyped-call]
                stored = raw_command(pipe, "GET", key)
                entries = compact.read_verdict_frame(stored) if stored else {}
                results = [one.merge(entries) for one in made]
                if any(changed for _, changed in results):
                    pipe.multi()
                    pipe.set(key, compact.verdict_frame(entries))
                    pipe.execute()
                return results
            except redis.WatchError:
                continue


class _FramedDoc:
    """A verdict of a claim stored in its article, with its frame entry's parts."""

    def __init__(self, doc: VerdictDoc, article_id: str) -> None:
        local = local_in(doc.claim_id, article_id=article_id)
        assert local is not None  # save_verdicts sends only these
        self.doc, self.local = doc, local
        self.digest = content_hash(doc)
        self.text = compact.verdict_text(doc)

    def merge(self, entries: dict[str, compact.FramedVerdict]) -> tuple[VerdictDoc, bool]:
        """Put the verdict into ``entries`` under its next version unless its content is the
        stored one's; then it comes back with the stored version and time."""
        held = entries.get(self.local)
        if held is not None and held.content_hash == self.digest:
            verified_at = datetime.fromisoformat(json.loads(held.text)["verified_at"])
            update = {"version": held.version, "verified_at": verified_at}
            return self.doc.model_copy(update=update), False
        version = (held.version if held is not None else 0) + 1
        entries[self.local] = compact.FramedVerdict(version, self.digest, self.text)
        return self.doc.model_copy(update={"version": version}), True


def _saved(doc: VerdictDoc, reply: Any) -> tuple[VerdictDoc, bool]:
    version, changed, *unchanged = reply
    if changed:
        return doc.model_copy(update={"version": int(version)}), True
    # Same content as the stored document (returned by the script): only version and time differ.
    stored = unchanged[0] if unchanged else None
    if not stored:
        return doc, False
    stamp = compact.parse_verdict(stored, claim_id=doc.claim_id)
    verified_at = datetime.fromisoformat(stamp["verified_at"])
    return doc.model_copy(update={"version": int(version), "verified_at": verified_at}), False


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
    # Marks first: a claim is due before the article that found it as evidence can be done.
    ttl = settling.due_ttl(settings)
    marks = sum(
        settling.queue_mark_due(pipe, claim_ids=evidence_ids, ttl_seconds=ttl)
        for _, evidence_ids in verdicts
    )
    for doc, evidence_ids in verdicts:
        stream.queue_publish(pipe, settings=settings, doc=doc)
        _queue_claim_done(
            pipe, article_id=doc.article_id, claim_id=doc.claim_id, evidence_ids=evidence_ids
        )
    if stall_deadline is not None:
        articles = {doc.article_id for doc, _ in verdicts}
        recovery.progress(pipe, article_ids=sorted(articles), until=stall_deadline)
    replies = pipe.execute()[marks : marks + 2 * len(verdicts)]
    return [
        (stream.published_entry(published), _claim_done(doc.article_id, marked))
        for (doc, _), published, marked in zip(verdicts, replies[0::2], replies[1::2], strict=True)
    ]


def _queue_claim_done(
    pipe: redis.client.Pipeline, *, article_id: str, claim_id: str, evidence_ids: Sequence[str]
) -> None:
    # The article's keys share a hash tag, so this script stays on one slot.
    pipe.eval(
        _CLAIM_DONE,
        3,
        keys.article_pending(article_id),
        keys.article(article_id),
        keys.article_reverify(article_id),
        claim_id,
        *evidence_ids,
    )


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
