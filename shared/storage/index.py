"""The candidate index's postings: for each term, the packed ids of the claims filed under
it, oldest first.

A term's posting is one value, each claim id packed in 12 bytes (``codec.pack_claim_id``)
and appended in the order claims are indexed. That value is a field of a hash
(``keys.posting_hash``), not a key of its own: a hash per group of ``POSTING_GROUP`` time
buckets and shard of the term's key (``posting_slot``). Most terms hold one or two claims,
so a key of their own cost Redis more than the members did (~95 B for a term of one
member, plus ~50 B in its table of keys); as a field of a hash in the compact encoding the
same term costs ~25 B. The field is a 5-byte digest of the term's key and the bucket's
place in its group, not the key's text, which averages twice that. Two keys of one hash
whose digests collide share a posting: each gets the other's claims as extra candidates,
ranked low since they share only that key; in a hash of ten thousand fields the chance
that any two collide is under one in a thousand. A group spans four buckets, so a hash
stays bounded by what a month brings, and old months can be dropped whole.

Appending is one script per term that appends the member unless the posting holds it:
atomic and idempotent, so concurrent or retried indexing leaves the same state. Reading is
one script per term returning its newest members and its length, all in one pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import redis

from shared.redis_client import raw_command
from shared.storage import codec, keys
from shared.storage._lua import script

__all__ = ["POSTING_GROUP", "POSTING_SHARDS", "Posting", "posting_slot", "queue_add", "read"]

# Part of the layout: changing any moves every term to another key and field.
POSTING_GROUP = 4
POSTING_SHARDS = 16
_WIDTH = codec.CLAIM_ID_BYTES
_DIGEST = 5  # bytes of a key's digest in its field


def posting_slot(term: str) -> tuple[str, bytes]:
    """The posting hash and field of a term ``<key>|t<bucket>``. ``raqqa|t105648``: the
    hash of bucket group 26412 (105648 // 4) and the shard of ``raqqa``, field the digest
    of ``raqqa`` then ``0`` (the bucket's place in its group). A term without a time
    (``raqqa|t*``) is in group ``*`` under the digest then ``*``."""
    name, _, bucket = term.rpartition("|")
    label = bucket.removeprefix("t")
    if label.isdigit():
        group, place = divmod(int(label), POSTING_GROUP)
        group_label, place_label = str(group), str(place)
    else:
        group_label = place_label = label
    digest = hashlib.blake2b(name.encode(), digest_size=_DIGEST).digest()
    shard = digest[0] % POSTING_SHARDS
    return keys.posting_hash(group_label, shard), digest + place_label.encode()


def queue_add(pipe: redis.client.Pipeline, *, claim_id: str, terms: Sequence[str]) -> None:
    """Queue on ``pipe`` the filing of ``claim_id`` under each of ``terms``."""
    member = codec.pack_claim_id(claim_id)
    for term in terms:
        pipe.eval(script("posting_append"), 1, *posting_slot(term), member)


@dataclass(frozen=True, slots=True)
class Posting:
    claim_ids: list[str]  # the newest ones read, oldest first
    size: int  # how many claims the term holds


def read(client: redis.Redis, terms: Sequence[str], *, newest: int) -> list[Posting]:
    """The postings of ``terms``, in order, each with its ``newest`` members: one round
    trip, one command per term."""
    if not terms:
        return []
    pipe = client.pipeline(transaction=False)
    tail = max(0, newest) * _WIDTH
    for term in terms:
        raw_command(pipe, "EVAL", script("posting_tail"), 1, *posting_slot(term), tail)
    found = []
    for value, length in pipe.execute():
        members = [value[at : at + _WIDTH] for at in range(0, len(value), _WIDTH)]
        found.append(Posting([codec.unpack_claim_id(m) for m in members], int(length) // _WIDTH))
    return found
