"""Redis adapter of the extract service."""

from __future__ import annotations

import redis

from shared import compact, keys, recovery
from shared.schemas import Claim, StoredArticle

# Writes a claim into its record (shared.compact) and keeps the verdict already there: a
# re-extraction rewrites claims, not what was concluded about them.
_SAVE_CLAIM = (
    compact.RECORD_PARTS_LUA
    + """
local _, verdict = record_parts(redis.call('GET', KEYS[1]) or '')
redis.call('SET', KEYS[1], ARGV[1] .. verdict)
"""
)


def save_claims(
    client: redis.Redis,
    *,
    article: StoredArticle,
    claims: list[Claim],
    language: str | None = None,
    stall_deadline: float | None = None,
) -> None:
    """Replace the article's claims and record the language the extractor found (without
    rewriting the body), and push back the article's stall deadline if given. Claim ids are
    deterministic, so a re-run rewrites the same keys."""
    pipe = client.pipeline(transaction=True)
    if stall_deadline is not None:
        recovery.progress(pipe, article_ids=[article.article_id], until=stall_deadline)
    if language is not None:
        pipe.hset(keys.article(article.article_id), "detected_language", language)
    pipe.delete(keys.article_claims(article.article_id), keys.article_pending(article.article_id))
    for claim in claims:
        record = compact.claim_record(claim, article=article)
        pipe.eval(_SAVE_CLAIM, 1, keys.claim(claim.claim_id), record)
    if claims:
        pipe.rpush(keys.article_claims(article.article_id), *[c.claim_id for c in claims])
        pipe.sadd(keys.article_pending(article.article_id), *[c.claim_id for c in claims])
    pipe.execute()
