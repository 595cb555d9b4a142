"""The article hash (``keys.article``): the packed document, status fields, the enqueued
mark and the MinHash signature; and a cache of article bodies.

The document is packed without its status and reason, which live in hash fields of their
own, so updating them never rewrites the body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import redis
from cachetools import LRUCache

from shared.redis_client import raw_command
from shared.schemas import ArticleStatus, StoredArticle
from shared.storage import codec, inflight, keys
from shared.storage._lua import script

__all__ = [
    "BodyCache",
    "field_of_each",
    "get_article",
    "get_article_docs",
    "get_bodies",
    "get_statuses",
    "is_enqueued",
    "load_signatures",
    "mark_enqueued",
    "promote_status",
    "queue_signature",
    "save_article",
    "set_status",
]

Signature = npt.NDArray[np.uint32]


def pack_article(article: StoredArticle) -> bytes:
    return codec.pack(article.model_dump_json(exclude={"status", "reason"}, exclude_defaults=True))


def unpack_article(stored: bytes) -> StoredArticle:
    return StoredArticle.model_validate_json(codec.unpack(stored))


def save_article(client: redis.Redis | redis.client.Pipeline, article: StoredArticle) -> None:
    client.hset(
        keys.article(article.article_id),
        mapping={
            keys.ARTICLE_DOC: pack_article(article),
            "status": article.status.value,
            "reason": article.reason or "",
        },
    )


def get_article(client: redis.Redis, article_id: str) -> StoredArticle | None:
    # Named fields only: the hash also holds the article's claims and signature.
    packed, *values = raw_command(
        client, "HMGET", keys.article(article_id), keys.ARTICLE_DOC, *keys.ARTICLE_STATUS_FIELDS
    )
    if packed is None:
        return None
    article = unpack_article(packed)
    fields = {
        name: value.decode()
        for name, value in zip(keys.ARTICLE_STATUS_FIELDS, values, strict=True)
        if value is not None
    }
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


def field_of_each(client: redis.Redis, article_ids: Iterable[str], field: str) -> dict[str, bytes]:
    """``field`` of each article of ``article_ids``, raw, in one round trip; articles
    without it are left out."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    pipe = client.pipeline(transaction=False)
    for article_id in ids:
        raw_command(pipe, "HGET", keys.article(article_id), field)
    return {a: raw for a, raw in zip(ids, pipe.execute(), strict=True) if raw}


def get_article_docs(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
    """The stored documents of ``article_ids`` (status and reason unread), in one round
    trip; articles not in the store are left out."""
    found = field_of_each(client, article_ids, keys.ARTICLE_DOC)
    return {article_id: unpack_article(raw) for article_id, raw in found.items()}


def get_bodies(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, str]:
    """Bodies of ``article_ids`` in one round trip (articles not in the store are left out)."""
    return {a: doc.body for a, doc in get_article_docs(client, article_ids).items()}


def set_status(
    client: redis.Redis, *, article_id: str, status: ArticleStatus, reason: str | None = None
) -> None:
    """Write the status; a finished article also leaves the stall watch (shared.recovery)."""
    pipe = client.pipeline(transaction=False)
    pipe.hset(keys.article(article_id), mapping={"status": status.value, "reason": reason or ""})
    if status.finished:
        inflight.forget(pipe, article_ids=[article_id])
    pipe.execute()


def promote_status(
    client: redis.Redis, *, article_id: str, expected: ArticleStatus, status: ArticleStatus
) -> bool:
    """Move to ``status`` only from ``expected``: a late writer never undoes a later state."""
    promote = script("promote_status")
    return bool(client.eval(promote, 1, keys.article(article_id), expected.value, status.value))


def set_language(pipe: redis.client.Pipeline, *, article_id: str, language: str) -> None:
    pipe.hset(keys.article(article_id), "detected_language", language)


def mark_enqueued(client: redis.Redis, *, article_id: str) -> None:
    client.hset(keys.article(article_id), keys.ARTICLE_ENQUEUED, "1")


def is_enqueued(client: redis.Redis, *, article_id: str) -> bool:
    return client.hget(keys.article(article_id), keys.ARTICLE_ENQUEUED) == "1"


# A signature's slots are stored by their low 16 bits (b-bit minwise hashing, which is how
# they are compared), little-endian.
_SLOT = np.dtype("<u2")


def queue_signature(pipe: redis.client.Pipeline, *, article_id: str, signature: Signature) -> None:
    """Queue the write of the article's MinHash signature (near-copy detection)."""
    stored = np.asarray(signature & 0xFFFF, dtype=_SLOT).tobytes()
    pipe.hset(keys.article(article_id), keys.ARTICLE_MINHASH, stored)


def load_signatures(client: redis.Redis, article_ids: Sequence[str]) -> dict[str, Signature]:
    """Stored signatures of ``article_ids`` in one round trip (missing ones left out)."""
    found = field_of_each(client, sorted(set(article_ids)), keys.ARTICLE_MINHASH)
    return {a: np.frombuffer(raw, dtype=_SLOT).astype(np.uint32) for a, raw in found.items()}


class BodyCache:
    """Article bodies, read in one round trip for those not held, then kept in an LRU
    bounded by characters: the same articles turn up as candidates of many claims.

    Keeping a body is safe because a body does not change once its article has claims, and
    only articles with claims are read here. Empty bodies (an article still being fetched)
    and bodies over a quarter of the budget are not kept.
    """

    def __init__(self, client: redis.Redis, *, max_chars: int = 8_000_000) -> None:
        self.client = client
        self.max_chars = max_chars
        self._held: LRUCache[str, str] = LRUCache(maxsize=max_chars, getsizeof=len)

    def bodies(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Bodies of ``article_ids`` (articles not in the store are left out)."""
        found: dict[str, str] = {}
        missing: list[str] = []
        for article_id in dict.fromkeys(article_ids):
            body = self._held.get(article_id)
            if body is None:
                missing.append(article_id)
            else:
                found[article_id] = body
        for article_id, body in get_bodies(self.client, missing).items():
            found[article_id] = body
            if body and len(body) <= self.max_chars // 4:
                self._held[article_id] = body
        return found
