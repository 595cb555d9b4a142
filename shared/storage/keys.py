"""Every Redis key crosscheck uses, in one place.

Keys that one operation touches together share a ``{hash tag}`` so the layout works on
Redis Cluster: an article, its claims and their verdicts live in ``{a:<article_id>}``; the
verified-claims stream, its published versions and its listing in ``{<stream>}``. Posting
hashes are read with pipelines, one key per command, so they can sit on any shard.
"""

from __future__ import annotations

import hashlib

PREFIX = "crosscheck"


def article(article_id: str) -> str:
    """Hash: the article and what is stored per article, in the fields below."""
    return f"{PREFIX}:{{a:{article_id}}}:article"


# Fields of ``article``: the packed document (``shared.storage.articles``), its status, the
# reason for a failure, the language the extractor found, whether its first task was sent,
# its claims (``shared.storage.claims``) and its MinHash signature.
ARTICLE_DOC = "doc"
ARTICLE_STATUS_FIELDS = ("status", "reason", "detected_language")
ARTICLE_ENQUEUED = "enqueued"
ARTICLE_CLAIMS = "claims"
ARTICLE_MINHASH = "minhash"


def article_verdicts(article_id: str) -> str:
    """String: the latest verdicts of the article's claims (``shared.storage.verdicts``). A
    key of its own rather than a field of ``article``: it is rewritten under WATCH, which
    other writes to the article's hash would disturb."""
    return f"{PREFIX}:{{a:{article_id}}}:verdicts"


def article_pending(article_id: str) -> str:
    """Set: claim ids of an article whose first verdict is not written yet."""
    return f"{PREFIX}:{{a:{article_id}}}:pending"


def article_reverify(article_id: str) -> str:
    """Set: stored claims the article's first verdicts found as evidence, re-verified once
    the whole article is verified."""
    return f"{PREFIX}:{{a:{article_id}}}:reverify"


DEDUPE_SHARDS = 16  # part of the layout: changing it hides every fingerprint filed before


def dedupe_hash(fingerprint: str) -> str:
    """Hash: fingerprint (a canonical URL's, a text's or an Idempotency-Key's) -> article id,
    for the fingerprints in one of ``DEDUPE_SHARDS`` shards."""
    digest = hashlib.blake2b(fingerprint.encode(), digest_size=2).digest()
    return f"{PREFIX}:{{dedupe}}:h{int.from_bytes(digest, 'big') % DEDUPE_SHARDS}"


def reverify_lock(claim_id: str) -> str:
    """String with TTL: a re-verification of this claim is already scheduled."""
    return f"{PREFIX}:{{c:{claim_id}}}:reverify"


def inflight() -> str:
    """Sorted set: accepted articles not yet seen finished, scored by the time (epoch
    seconds) after which an article without progress counts as stalled."""
    return f"{PREFIX}:inflight"


def recovery_lock() -> str:
    """String with TTL: a worker is sweeping for stalled articles."""
    return f"{PREFIX}:lock:recovery"


def published_versions(stream: str, article_id: str) -> str:
    """Hash: a claim's local part -> the highest verdict version published to ``stream``,
    for the claims of one article. One small hash per article: Redis packs a hash of a few
    short fields into one allocation."""
    return f"{{{stream}}}:versions:{article_id}"


def claims_listing(stream: str) -> str:
    """List: packed claim ids in the order their first verdict was published."""
    return f"{{{stream}}}:claims"


def feeds_followed() -> str:
    """Set: the feed URLs followed with ``crosscheck follow`` (the ``feeds`` setting adds
    more without being stored)."""
    return f"{PREFIX}:feeds"


def feeds_lock() -> str:
    """String with TTL: held by the worker whose timer is scheduling feed polls."""
    return f"{PREFIX}:feeds:lock"


def feed_state(url: str) -> str:
    """Hash: a feed's URL, the validators of its last answer (``etag``, ``last_modified``),
    when it is next due, and what its last poll did."""
    return f"{PREFIX}:feed:{hashlib.sha256(url.encode()).hexdigest()[:24]}"


def feed_seen(url: str) -> str:
    """Sorted set: a feed's item ids already queued, scored by when."""
    return f"{feed_state(url)}:seen"


def posting_hash(group: str, shard: int) -> str:
    """Hash: the postings of the terms of one group of time buckets whose keys fall in
    ``shard`` (``shared.storage.index``)."""
    return f"{PREFIX}:ixh:{group}:{shard}"
