"""The candidate index: claims findable by shared named things within a time window.

Layout. One posting per *term*, where a term is a canonical entity, speaker or place key
joined with a time bucket (``raqqa|t105080``). A bucket is
``settings.time_bucket_days`` days wide unless ``bucket_days`` is given. A claim is indexed
under the buckets of its event times (ranges spanning more than ``MAX_SPAN_BUCKETS``
buckets, such as "in 2025", are too vague to index) and of its publication date; lookups
also read the neighbouring buckets, so an event on either side of a bucket edge is still
found. A claim that names nothing ("the fire at the depot on Tuesday") is filed under the
keys of the claim in its article that shares most of its words (``context_keys``), read
with one extra round trip. A member names the claim and its article, so same-article claims
are dropped without another read: a claim id names its article (``shared.ids``), and an id
that does not is followed by its article's tag (``article_tag``, 32 bits standing for the
article).

Where postings are kept. A claim id the extractor gives an article ingest named packs into
13 bytes (``shared.ids.pack_claim_id``). A term's packed members are one value, appended to
in the order they are indexed, each without the lead byte they all share (12 bytes). That
value is a field of a hash (``keys.posting_hash``), not a key of its own: a hash per group
of ``POSTING_GROUP`` time buckets and shard of the term's key (``posting_slot``). Most terms
hold one or two claims, so a key of their own cost Redis more than the members did: ~95 B
for a term of one member, plus ~50 B in Redis's table of keys. As a field of a hash in the
compact encoding, the same term costs ~25 B. Hashes that outgrow that encoding
(``hash-max-ziplist-entries`` fields, 128 unless configured) cost ~90 B a field, which is
still less. A group spans four buckets (four weeks by default), so a hash stays bounded by
what a month brings, and old months can be dropped whole. Members of any other form, and
every member from before packed postings, are in a sorted set scored by publication time,
``keys.posting(term)``. Terms packed before posting hashes are strings
(``keys.packed_posting(term)``). Lookups read all three.

Cost per lookup does not grow with the corpus: at most ``MAX_KEYS`` keys times a handful of
buckets are read, each the newest ``per_term`` members of every form (a packed value's end,
read by a script or ``GETRANGE``; ``ZREVRANGE``) and their counts, all in one pipeline round
trip. Candidates are ranked by the sum, over distinct keys they share, of a rarity weight
``1 / log2(2 + members)`` (an IDF: a key in every story says little), and the top ``cap``
are returned.

Concurrency. Indexing a packed member is one script that appends it unless the field
holds it already; a sorted set's is ``ZADD`` of a deterministic member and score. Each is
atomic and idempotent: two workers indexing at once, or one re-indexing after a retry,
leave the same state.

Growth. Postings have no TTL. Each claim adds one member (12 bytes packed) to at most
``MAX_KEYS x (event + publication buckets)`` postings, so memory grows linearly with claims,
but each posting stops growing once its time bucket is in the past, and reads stay capped
whatever its size. Checking a packed posting for the member before appending reads it
whole, inside Redis: a few kilobytes for a common term in a week's bucket. Old buckets can
be trimmed or expired by a maintenance job without touching this code; a bucket older than
the re-verification horizon is never read by new claims' lookups unless they are about that
time.

The MinHash signature of each indexed article (``keys.ARTICLE_MINHASH``) is stored here too,
once per article (every claim of an article shares it), so near-copy detection compares whole
articles across workers.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date

import redis

from services.verify import origins
from services.verify.consistency import content_tokens, overlap
from services.verify.facts import REPORTING_WORDS, stem
from shared import compact, keys, store
from shared.ids import (
    CLAIM_SEP,
    PACKED_CLAIM,
    by_article,
    claim_home,
    local_in,
    pack_claim_id,
    unpack_claim_id,
)
from shared.redis_client import raw_command
from shared.schemas import Claim, StoredArticle
from shared.settings import get_settings

__all__ = [
    "BORROW_MIN",
    "MAX_KEYS",
    "MAX_SPAN_BUCKETS",
    "POSTING_READ",
    "article_tag",
    "candidates",
    "context_keys",
    "index_claim",
    "index_terms",
    "load_article_claims",
    "load_claims",
    "load_signatures",
    "lookup_terms",
    "posting_slot",
    "time_bucket",
    "word_keys",
]

MAX_KEYS = 10  # named things per claim worth indexing; more are rarely distinctive
MAX_SPAN_BUCKETS = 6  # a time range longer than this says little about which event it is
POSTING_READ = 200  # newest members read per posting
# A claim naming nothing borrows the keys of the claim in its article sharing this share of
# its content words ("the fire at the depot" after "a fire at the Kestrel Valley depot").
BORROW_MIN = 0.3
DEFAULT_BUCKET_DAYS = 7
PARSED_CLAIMS = 16_384  # parsed claims kept per process, ~1-2 kB each
MEMBER_SEP = "@"
# Lead binary members: 0xfe and 0xff never occur in UTF-8, so no text member starts with
# either. 0xfe (``shared.ids.PACKED_CLAIM``): a claim id packed (``shared.ids.pack_claim_id``).
# 0xff: a claim id of 16 hex digits, from before ids named their article, then the article
# tag's 4 bytes.
PACKED_MEMBER = b"\xff"
_PACKED_LENGTH = 13
# A posting hash holds packed claim ids only, so its members leave out the lead byte.
_HASHED_LENGTH = _PACKED_LENGTH - len(PACKED_CLAIM)
# Posting hashes: time buckets per group and shards per group. Both are part of the layout:
# changing either moves every term to another key and field, where lookups would not find it.
POSTING_GROUP = 4
POSTING_SHARDS = 16
_HEX_ID = re.compile(r"[0-9a-f]{16}")

# spaCy labels that name things; numbers, dates and the like are not index keys, and
# neither are nationalities and religions (NORP): "Jewish" or "American" is in unrelated
# stories of every week.
NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
# Content words a claim is also filed under (``word_keys``), longest first.
MAX_WORD_KEYS = 6
WORD_PREFIX = "w:"
_WORD_MIN_LENGTH = 4
_LABEL_RANK = {"PERSON": 0, "ORG": 1, "EVENT": 2, "FAC": 3, "PRODUCT": 4, "GPE": 5, "LOC": 5}


def time_bucket(day: date, *, bucket_days: int) -> int:
    return day.toordinal() // bucket_days


def posting_slot(term: str) -> tuple[str, str]:
    """The posting hash and field of a term's packed members. ``raqqa|t105648``: the
    hash of bucket group 26412 (105648 // 4) and the shard of ``raqqa``, field ``raqqa|0``
    (the bucket's place in its group). A term without a time (``raqqa|t*``) is in group
    ``*`` under field ``raqqa|*``."""
    name, _, bucket = term.rpartition("|")
    label = bucket.removeprefix("t")
    if label.isdigit():
        group, place = divmod(int(label), POSTING_GROUP)
        group_label, place_label = str(group), str(place)
    else:
        group_label = place_label = label
    digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
    shard = int.from_bytes(digest, "big") % POSTING_SHARDS
    return keys.posting_hash(group_label, shard), f"{name}|{place_label}"


def _index_keys(claim: Claim) -> list[str]:
    """The claim's most distinctive keys: speaker, people, organisations, then places."""
    ranked: dict[str, int] = {}
    if claim.attribution is not None:
        ranked[claim.attribution.speaker_key] = 0
    for entity in claim.entities:
        if entity.label in NAMED_LABELS and entity.key:
            rank = _LABEL_RANK.get(entity.label, 6)
            ranked[entity.key] = min(ranked.get(entity.key, rank), rank)
    for place in claim.places:
        ranked[place] = min(ranked.get(place, 5), 5)
    ordered = sorted(ranked, key=lambda k: (ranked[k], k))
    return [k for k in ordered if k][:MAX_KEYS]


def _buckets(claim: Claim, *, bucket_days: int) -> set[int]:
    buckets: set[int] = set()
    for ref in claim.times:
        first = time_bucket(ref.start, bucket_days=bucket_days)
        last = time_bucket(ref.end, bucket_days=bucket_days)
        if 0 <= last - first < MAX_SPAN_BUCKETS:
            buckets.update(range(first, last + 1))
    if claim.published_at is not None:
        buckets.add(time_bucket(claim.published_at.date(), bucket_days=bucket_days))
    return buckets


def word_keys(claim: Claim) -> list[str]:
    """Keys of the claim's own words: its content words that are not a nationality or a
    number, crudely stemmed (``facts.stem``), the ``MAX_WORD_KEYS`` longest.

    Names are words here too, whatever NER made of them: "Kerava" typed as a place in one
    report and folded into "Kerava Hospital", an organisation, in another is one word in
    both. Candidates are ranked by the rarity of the keys they share, so a word in every
    story of the week ("police") adds little and a rare one ("aftershock") much.
    """
    descriptive: set[str] = set()
    for entity in claim.entities:
        if entity.label == "NORP":
            descriptive |= content_tokens(entity.text)
    words = {
        stem(t)
        for t in content_tokens(claim.text)
        if len(t) >= _WORD_MIN_LENGTH
        and not t.isdigit()
        and t not in descriptive
        and t not in REPORTING_WORDS
    }
    ordered = sorted(words, key=lambda w: (-len(w), w))[:MAX_WORD_KEYS]
    return [WORD_PREFIX + w for w in ordered]


def _terms(claim: Claim, buckets: Iterable[int], keys: Sequence[str] | None) -> list[str]:
    ordered = sorted(buckets)
    named = (_index_keys(claim) or list(keys or ())) + word_keys(claim)
    if not ordered:
        return [f"{key}|t*" for key in named]
    return [f"{key}|t{b}" for key in named for b in ordered]


def index_terms(
    claim: Claim, *, bucket_days: int = DEFAULT_BUCKET_DAYS, keys: Sequence[str] | None = None
) -> list[str]:
    """Terms a claim is stored under; ``keys`` stand in when it names nothing itself."""
    return _terms(claim, _buckets(claim, bucket_days=bucket_days), keys)


def lookup_terms(
    claim: Claim, *, bucket_days: int = DEFAULT_BUCKET_DAYS, keys: Sequence[str] | None = None
) -> list[str]:
    """Terms read to find a claim's candidates: its buckets and their neighbours."""
    own = _buckets(claim, bucket_days=bucket_days)
    return _terms(claim, {n for b in own for n in (b - 1, b, b + 1)}, keys)


def context_keys(claim: Claim, siblings: Sequence[Claim]) -> list[str]:
    """Keys for a claim that names nothing, borrowed from its article.

    "The fire at the depot on Tuesday led to the evacuation of 400 residents" names no
    entity, so it would never be found. It is filed under the named things (not the
    speaker) of the claim in its article that shares most of its content words, if that
    share is at least ``BORROW_MIN``.
    """
    if _index_keys(claim):
        return []
    mine = content_tokens(claim.text)
    best: tuple[float, str, list[str]] | None = None
    for other in siblings:
        speaker = other.attribution.speaker_key if other.attribution is not None else None
        named = [k for k in _index_keys(other) if k != speaker]
        if other.claim_id == claim.claim_id or not named:
            continue
        share = overlap(mine, content_tokens(other.text))
        if share >= BORROW_MIN and (best is None or (share, other.claim_id) > best[:2]):
            best = (share, other.claim_id, named)
    return best[2] if best is not None else []


def borrowed_keys(client: redis.Redis, claim: Claim) -> list[str]:
    """Keys a claim that names nothing borrows from its article (see ``context_keys``)."""
    if _index_keys(claim):
        return []
    siblings = load_article_claims(client, [claim.article_id]).get(claim.article_id, [])
    return context_keys(claim, siblings)


def article_tag(article_id: str) -> str:
    """The short stand-in for an article in posting members: 8 hex digits of a hash. Two
    articles share one with odds of 1 in 2**32, and then only drop each other's claims
    from a candidate list."""
    return hashlib.blake2b(article_id.encode(), digest_size=4).hexdigest()


def _member(claim: Claim) -> bytes:
    """The claim's posting member. For an id that names an article id of 16 hex digits
    (every id the extractor makes for an article ingest named): ``PACKED_CLAIM``, the
    article id's 8 bytes and the local part's 4. For an id that names its article otherwise:
    the id. For any other id: ``<claim_id>@<article tag>``. The binary forms are half the
    text forms' size, in a structure that holds one member per claim and term."""
    if local_in(claim.claim_id, article_id=claim.article_id) is not None:
        return pack_claim_id(claim.claim_id)
    tag = article_tag(claim.article_id)
    if _HEX_ID.fullmatch(claim.claim_id):
        return PACKED_MEMBER + bytes.fromhex(claim.claim_id + tag)
    return f"{claim.claim_id}{MEMBER_SEP}{tag}".encode()


def _read_member(raw: bytes) -> tuple[str, str]:
    """(claim id, its article's id or tag) of a member; a member written before tags holds
    the article's full id instead of its tag."""
    if len(raw) == _PACKED_LENGTH and raw.startswith(PACKED_CLAIM):
        claim_id = unpack_claim_id(raw)
        return claim_id, claim_id.rpartition(CLAIM_SEP)[0]
    if len(raw) == _PACKED_LENGTH and raw.startswith(PACKED_MEMBER):
        return raw[1:9].hex(), raw[9:].hex()
    text = raw.decode()
    if MEMBER_SEP not in text and (home := claim_home(text)) is not None:
        return text, home[0]
    claim_id, _, article = text.partition(MEMBER_SEP)
    return claim_id, article


# Appends ARGV[2], a packed member, to field ARGV[1] of the posting hash KEYS[1] unless the
# field holds it already, at a member boundary.
_APPEND_MEMBER = """
local value = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local width = #ARGV[2]
local from = 1
while true do
  local at = string.find(value, ARGV[2], from, true)
  if not at then
    break
  end
  if (at - 1) % width == 0 then
    return 0
  end
  from = at + 1
end
redis.call('HSET', KEYS[1], ARGV[1], value .. ARGV[2])
return 1
"""

# The last ARGV[2] bytes of field ARGV[1] of the posting hash KEYS[1], and its length: Redis
# has no GETRANGE for a hash's field, and a common term's value is kilobytes.
_POSTING_TAIL = """
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then
  return {'', 0}
end
local keep = tonumber(ARGV[2])
if keep >= #value then
  return {value, #value}
end
return {string.sub(value, #value - keep + 1), #value}
"""


def _score(claim: Claim) -> float:
    when = claim.published_at
    if when is None:
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def index_claim(
    client: redis.Redis,
    claim: Claim,
    *,
    bucket_days: int | None = None,
    article_text: str | None = None,
    borrowed: Sequence[str] | None = None,
) -> list[str]:
    """Add ``claim`` to its postings (and store its article's MinHash); return the terms.

    Each claim of an article writes the same signature to the same key: no claim has to
    know whether it is the article's first. ``borrowed``: ``borrowed_keys`` if the caller
    has them already (it costs two round trips for a claim that names nothing).
    """
    terms = index_terms(
        claim,
        bucket_days=bucket_days or get_settings().time_bucket_days,
        keys=borrowed_keys(client, claim) if borrowed is None else borrowed,
    )
    pipe = client.pipeline(transaction=False)
    member = _member(claim)
    packed = len(member) == _PACKED_LENGTH and member.startswith(PACKED_CLAIM)
    for term in terms:
        if packed:
            pipe.eval(_APPEND_MEMBER, 1, *posting_slot(term), member[len(PACKED_CLAIM) :])
        else:
            pipe.zadd(keys.posting(term), {member: _score(claim)})
    if article_text:
        signature = _signature_bytes(article_text)
        pipe.hset(keys.article(claim.article_id), keys.ARTICLE_MINHASH, signature)
    pipe.execute()
    return terms


def _signature_bytes(article_text: str) -> bytes:
    # origins.signature is cached: an article's claims hash its text once per process.
    return origins.signature_bytes(origins.signature(article_text))


def _rarity(size: int) -> float:
    return 1.0 / math.log2(2.0 + size)


def candidates(
    client: redis.Redis,
    claim: Claim,
    *,
    cap: int,
    bucket_days: int | None = None,
    per_term: int = POSTING_READ,
    borrowed: Sequence[str] | None = None,
) -> list[str]:
    """Ids of up to ``cap`` claims from other articles sharing the most distinctive terms
    (``borrowed`` as for ``index_claim``)."""
    terms = lookup_terms(
        claim,
        bucket_days=bucket_days or get_settings().time_bucket_days,
        keys=borrowed_keys(client, claim) if borrowed is None else borrowed,
    )
    if not terms or cap <= 0:
        return []
    pipe = client.pipeline(transaction=False)
    tail = max(0, per_term) * _HASHED_LENGTH
    for term in terms:
        raw_command(pipe, "EVAL", _POSTING_TAIL, 1, *posting_slot(term), tail)
        raw_command(pipe, "GETRANGE", keys.packed_posting(term), -per_term * _PACKED_LENGTH, -1)
        pipe.strlen(keys.packed_posting(term))
        raw_command(pipe, "ZREVRANGE", keys.posting(term), 0, per_term - 1)
        pipe.zcard(keys.posting(term))
    replies = pipe.execute()

    # Per candidate and key, the best weight over that key's buckets: one shared key
    # counts once however many buckets it is found in.
    best: dict[str, dict[str, float]] = {}
    # Members written before tags name the article in full.
    own_article = {claim.article_id, article_tag(claim.article_id)}
    for i, term in enumerate(terms):
        (hashed, hashed_length), packed, length, older, count = replies[5 * i : 5 * i + 5]
        # Packed members, oldest to newest: the string's (written before posting hashes),
        # then the hash's. The newest ``per_term`` of them, then the sorted set's newest.
        members = _packed_members(packed, newest=per_term)
        members += [
            PACKED_CLAIM + m for m in _packed_members(hashed, newest=per_term, width=_HASHED_LENGTH)
        ]
        members = members[-per_term:] if per_term > 0 else []
        members += older[: max(0, per_term - len(members))]
        size = int(hashed_length) // _HASHED_LENGTH + int(length) // _PACKED_LENGTH + int(count)
        key = term.rpartition("|")[0]
        weight = _rarity(size)
        for raw in members:
            claim_id, article = _read_member(raw)
            if article in own_article or claim_id == claim.claim_id:
                continue
            per_key = best.setdefault(claim_id, {})
            per_key[key] = max(per_key.get(key, 0.0), weight)
    ranked = sorted(best.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [claim_id for claim_id, _ in ranked[:cap]]


def _packed_members(value: bytes, *, newest: int, width: int = _PACKED_LENGTH) -> list[bytes]:
    """The newest ``newest`` members of a packed posting's end (the end read of a packed
    value always starts at a member boundary: its length is a multiple of the width)."""
    found = [value[at : at + width] for at in range(0, len(value), width)]
    return found[-newest:] if newest > 0 else []


def load_signatures(
    client: redis.Redis, article_ids: Sequence[str]
) -> dict[str, origins.Signature]:
    """Stored signatures of ``article_ids`` in one round trip (missing ones are left out):
    each from its article's hash, or its own key, where signatures were stored before."""
    unique = sorted(set(article_ids))
    if not unique:
        return {}
    pipe = client.pipeline(transaction=False)
    for article_id in unique:
        raw_command(pipe, "HGET", keys.article(article_id), keys.ARTICLE_MINHASH)
        raw_command(pipe, "GET", keys.article_minhash(article_id))
    replies = pipe.execute()
    found: dict[str, origins.Signature] = {}
    for article_id, in_hash, alone in zip(unique, replies[0::2], replies[1::2], strict=True):
        raw = in_hash or alone
        sig = origins.read_signature(raw) if isinstance(raw, str | bytes) else None
        if sig is not None:
            found[article_id] = sig
    return found


# article id -> its frame as read, and the claims of it parsed so far; claim id -> (stored
# claim, parsed claim) for claims stored alone. The frame or record is still read, and
# compared, on every load: claims are immutable once extracted, but a re-extraction or
# another store may hold others under the same ids, and comparing bytes costs far less than
# unpacking and parsing them. (Verdicts are stored apart and are not compared.) A frame's
# claims are parsed one by one, as asked for: a verification reads the claims of a few
# dozen candidates from as many articles, and parsing each article whole tripled the
# objects a worker made, and with them its pauses for full collections.
@dataclass(slots=True)
class _Frame:
    stored: bytes
    article: StoredArticle
    lines: dict[str, str]  # local id -> its claim's JSON (compact.framed_claim_lines)
    parsed: dict[str, Claim]

    def claims(self, locals_: Iterable[str]) -> list[Claim]:
        found = []
        for local in locals_:
            claim = self.parsed.get(local)
            if claim is None and local in self.lines:
                claim = compact.read_framed_claim(self.lines[local], article=self.article)
                self.parsed[local] = claim
            if claim is not None:
                found.append(claim)
        return found


_frames: OrderedDict[str, _Frame] = OrderedDict()
_parsed: OrderedDict[str, tuple[bytes, Claim]] = OrderedDict()
PARSED_ARTICLES = 1_024  # about 20 claims each


def _load_frames(client: redis.Redis, frames: dict[str, bytes]) -> dict[str, _Frame]:
    """A ``_Frame`` for each stored frame of ``frames``: the cached one if its bytes are
    the same, else a new one, whose article documents are read in one round trip."""
    found: dict[str, _Frame] = {}
    for article_id, stored in frames.items():
        seen = _frames.get(article_id)
        if seen is not None and seen.stored == stored:
            _frames.move_to_end(article_id)
            found[article_id] = seen
    unseen = [a for a in frames if a not in found]
    for article_id, article in store.get_article_docs(client, unseen).items():
        stored = frames[article_id]
        frame = _Frame(stored, article, compact.framed_claim_lines(stored), {})
        _frames[article_id] = found[article_id] = frame
        if len(_frames) > PARSED_ARTICLES:
            _frames.popitem(last=False)
    return found


def _claims_alone(client: redis.Redis, claim_ids: Sequence[str]) -> dict[str, Claim]:
    """Claims stored alone (``keys.claim``), parsing only records not parsed before."""
    records = store.get_records(client, claim_ids)
    found: dict[str, Claim] = {}
    unseen: dict[str, bytes] = {}
    for claim_id, (raw, _) in records.items():
        seen = _parsed.get(claim_id)
        if seen is not None and seen[0] == raw:
            _parsed.move_to_end(claim_id)
            found[claim_id] = seen[1]
        elif raw:
            unseen[claim_id] = raw
    for claim_id, claim in store.read_claims(client, unseen).items():
        _parsed[claim_id] = (unseen[claim_id], claim)
        if len(_parsed) > PARSED_CLAIMS:
            _parsed.popitem(last=False)
        found[claim_id] = claim
    return found


def load_claims(client: redis.Redis, claim_ids: Sequence[str]) -> list[Claim]:
    """The stored claims of ``claim_ids`` in order, missing ones left out, as
    ``store.get_claims``; stored bytes parsed before are not parsed (nor joined with their
    article) again. A claim whose id names its article is read with all of that article's
    claims, in one value."""
    found: dict[str, Claim] = {}
    wanted = by_article(claim_ids)
    if wanted:
        frames, _ = store.get_claim_frames(client, wanted)
        for article_id, frame in _load_frames(client, frames).items():
            found |= {c.claim_id: c for c in frame.claims(wanted[article_id].values())}
    rest = [cid for cid in dict.fromkeys(claim_ids) if cid not in found]
    if rest:
        found |= _claims_alone(client, rest)
    return [found[claim_id] for claim_id in claim_ids if claim_id in found]


def load_article_claims(client: redis.Redis, article_ids: Sequence[str]) -> dict[str, list[Claim]]:
    """All stored claims of each article in ``article_ids``, in article order.

    One round trip for the articles' frames, one more for the documents of frames not
    read before, and one for claims stored alone, if any.
    """
    unique = sorted(set(article_ids))
    if not unique:
        return {}
    frames, older = store.get_claim_frames(client, unique)
    found = {a: frame.claims(frame.lines) for a, frame in _load_frames(client, frames).items()}
    if older:
        alone = _claims_alone(client, [i for ids in older.values() for i in ids])
        for article_id, ids in older.items():
            found[article_id] = [*found.get(article_id, []), *(alone[i] for i in ids if i in alone)]
    return {article_id: found.get(article_id, []) for article_id in unique}
