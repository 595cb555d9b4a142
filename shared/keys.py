"""Every Redis key crosscheck uses, in one place.

Keys that a single operation touches together share a ``{hash tag}`` so the layout works
on Redis Cluster: an article, its claims and their verdicts live in ``{a:<article_id>}``. A
claim stored before claim ids named their article has its record in ``{c:<claim_id>}``.
Index posting hashes (and the postings from before them) are read with pipelines, one key
per command or script, so they can sit on any shard.
"""

from __future__ import annotations

import hashlib

PREFIX = "crosscheck"


def article(article_id: str) -> str:
    """Hash: the article and everything stored per article, in the fields below. One key per
    article rather than one per claim: Redis's own cost of a key (~100 B) was as much as a
    claim's packed value, and an article's claims compress far better together."""
    return f"{PREFIX}:{{a:{article_id}}}:article"


# Fields of ``article``: the packed document (``shared.compact.stored_article``), its status,
# the reason for a failure and the language the extractor found.
ARTICLE_DOC = "doc"
ARTICLE_STATUS_FIELDS = ("status", "reason", "detected_language")
# The article's claims, one packed value in text order (``shared.compact.framed_claims``).
ARTICLE_CLAIMS = "claims"
# The article's MinHash signature (near-copy detection).
ARTICLE_MINHASH = "minhash"


def article_verdicts(article_id: str) -> str:
    """String: the latest verdicts of the article's claims, one packed value
    (``shared.compact.verdict_frame``). A key of its own rather than a field of ``article``:
    it is rewritten under WATCH, which other writes to the article's hash would disturb."""
    return f"{PREFIX}:{{a:{article_id}}}:verdicts"


def article_claims(article_id: str) -> str:
    """List: the ids of an article's claims stored before ``ARTICLE_CLAIMS``, in text order;
    read, and deleted when the article is extracted again."""
    return f"{PREFIX}:{{a:{article_id}}}:claims"


def article_minhash(article_id: str) -> str:
    """String: the MinHash signature stored before ``ARTICLE_MINHASH``; read, never written."""
    return f"{PREFIX}:{{a:{article_id}}}:minhash"


def article_pending(article_id: str) -> str:
    """Set: claim ids of an article whose first verdict is not written yet."""
    return f"{PREFIX}:{{a:{article_id}}}:pending"


def article_reverify(article_id: str) -> str:
    """Set: stored claims the article's first verdicts found as evidence, re-verified once
    the whole article is verified."""
    return f"{PREFIX}:{{a:{article_id}}}:reverify"


DEDUPE_SHARDS = 16  # part of the layout: changing it hides every fingerprint filed before


def dedupe(fingerprint: str) -> str:
    """String: article id for a canonical URL, text fingerprint or Idempotency-Key, as filed
    before ``dedupe_hash`` (read, no longer written)."""
    return f"{PREFIX}:{{dedupe}}:{fingerprint}"


def dedupe_hash(fingerprint: str) -> str:
    """Hash: fingerprint (a canonical URL's, a text's or an Idempotency-Key's) -> article id,
    for the fingerprints in one of ``DEDUPE_SHARDS`` shards. A field rather than a key of its
    own: a key cost Redis as much again as the id it held."""
    digest = hashlib.blake2b(fingerprint.encode(), digest_size=2).digest()
    return f"{PREFIX}:{{dedupe}}:h{int.from_bytes(digest, 'big') % DEDUPE_SHARDS}"


def claim(claim_id: str) -> str:
    """String: the record of a claim whose id does not name its article (``shared.ids``):
    the packed claim and then its latest verdict (``shared.compact``)."""
    return f"{PREFIX}:{{c:{claim_id}}}:claim"


def legacy_verdict(claim_id: str) -> str:
    """String: a verdict stored apart from its claim, before records; read, and deleted by
    the claim's next verdict write."""
    return f"{PREFIX}:{{c:{claim_id}}}:verdict"


def legacy_verdict_version(claim_id: str) -> str:
    """Hash (``version``, ``hash``) of a verdict stored before both moved into its value;
    read and deleted by the verdict's next write."""
    return f"{PREFIX}:{{c:{claim_id}}}:version"


def reverify_lock(claim_id: str) -> str:
    """String with TTL: a re-verification of this claim is already scheduled."""
    return f"{PREFIX}:{{c:{claim_id}}}:reverify"


def reverify_due(claim_id: str) -> str:
    """String (a counter) with TTL: new evidence for this claim awaits a re-verification
    (``shared.settling``)."""
    return f"{PREFIX}:{{c:{claim_id}}}:due"


def inflight() -> str:
    """Sorted set: accepted articles not yet seen finished, scored by the time (epoch
    seconds) after which an article without progress counts as stalled."""
    return f"{PREFIX}:inflight"


def recovery_lock() -> str:
    """String with TTL: a worker is sweeping for stalled articles."""
    return f"{PREFIX}:lock:recovery"


def published_versions(stream: str, article_id: str) -> str:
    """Hash: claim -> the highest verdict version published to ``stream``, for the claims of
    one article; a claim whose id names the article is filed by the id's local part
    (``shared.ids``), any other by its id. In the stream's hash slot, so one script tests, appends and lists. One
    small hash per article rather than one for all: Redis packs a hash of a few short fields
    into a single allocation, about a fifth of what a field of a large hash costs."""
    return f"{{{stream}}}:versions:{article_id}"


def claims_listing(stream: str) -> str:
    """List: claim ids in the order their first verdict was published (``GET /claims``
    reads it newest first), packed where they can be (``shared.ids.pack_claim_id``). In the stream's hash slot, as ``published_versions``."""
    return f"{{{stream}}}:claims"


def legacy_claims_all() -> str:
    """Sorted set of the claim ids listed before ``claims_listing``, scored by first
    verification time; read after the list, never written."""
    return f"{PREFIX}:claims"


def posting(term: str) -> str:
    """Sorted set of the claims sharing an index term (key|time bucket), scored by time:
    members of any form but packed claim ids (``services.verify.retrieval``)."""
    return f"{PREFIX}:idx:{term}"


def packed_posting(term: str) -> str:
    """String: the packed claim ids (``shared.ids.pack_claim_id``, 13 bytes each) sharing an
    index term, end to end, oldest first; as written before posting hashes (read, no longer
    written)."""
    return f"{PREFIX}:ix:{term}"


def posting_hash(group: str, shard: int) -> str:
    """Hash: packed postings of the terms of one group of time buckets whose keys fall in
    ``shard``, each field a term's packed claim ids end to end, oldest first
    (``services.verify.retrieval.posting_slot`` names the key and field)."""
    return f"{PREFIX}:ixh:{group}:{shard}"
