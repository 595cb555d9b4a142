"""Article bodies for the verify worker, and the sentence windows cut from them.

A candidate's stance input is the sentence window around it in its article
(``assess.excerpt_around``). Windows are not stored: one body per article costs less than a
window per claim, and cutting a window is cheap. Bodies not read before are read in one
round trip, then kept in a per-process LRU bounded by characters: the same articles turn up
as candidates of many claims.

Keeping a body without re-reading it is safe because a body does not change once its
article has claims (status and language live in hash fields of their own), and only
articles with claims are read here. Empty bodies (an article still being fetched) are not
kept. The cache is per client, so two stores that reuse an article id never share an entry.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import redis
from cachetools import LRUCache

from services.verify.assess import excerpt_around
from shared import store
from shared.schemas import Claim

__all__ = ["CACHED_CHARS", "load_bodies", "window"]

CACHED_CHARS = 8_000_000  # per client and process: ~3,000 typical articles


def _new_cache() -> LRUCache[str, str]:
    return LRUCache(maxsize=CACHED_CHARS, getsizeof=len)


_caches: weakref.WeakKeyDictionary[redis.Redis, LRUCache[str, str]] = weakref.WeakKeyDictionary()


def load_bodies(client: redis.Redis, article_ids: Sequence[str]) -> dict[str, str]:
    """Bodies of ``article_ids`` (articles not in the store are left out)."""
    cache = _caches.get(client)
    if cache is None:
        cache = _caches[client] = _new_cache()
    found: dict[str, str] = {}
    missing: list[str] = []
    for article_id in dict.fromkeys(article_ids):
        body = cache.get(article_id)
        if body is None:
            missing.append(article_id)
        else:
            found[article_id] = body
    for article_id, body in store.get_bodies(client, missing).items():
        found[article_id] = body
        # A body over a quarter of the budget would flush everything else for one article.
        if body and len(body) <= CACHED_CHARS // 4:
            cache[article_id] = body
    return found


def window(claim: Claim, body: str | None) -> str:
    """The claim's sentence window in ``body``, or its own text when there is none (or the
    claim is the title's)."""
    if body is None or claim.section != "body":
        return claim.text
    return excerpt_around(body, start=claim.start, end=claim.end) or claim.text
