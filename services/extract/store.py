"""Redis adapter of the extract service."""

from __future__ import annotations

import redis

from shared import compact, keys, recovery
from shared.ids import local_in
from shared.schemas import Claim, StoredArticle

# Writes a claim stored alone into its record (shared.compact) and keeps the verdict
# already there: a re-extraction rewrites claims, not what was concluded about them.
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
    deterministic, so a re-run rewrites the same fields."""
    pipe = client.pipeline(transaction=True)
    if stall_deadline is not None:
        recovery.progress(pipe, article_ids=[article.article_id], until=stall_deadline)
    if language is not None:
        pipe.hset(keys.article(article.article_id), "detected_language", language)
    queue_save_claims(pipe, article=article, claims=claims)
    pipe.execute()


def queue_save_claims(
    pipe: redis.client.Pipeline, *, article: StoredArticle, claims: list[Claim]
) -> None:
    """Queue on ``pipe`` the writes that replace the article's claims and mark them pending.

    Claims whose ids name the article (every claim the extractor makes) go into one frame in
    the article's hash; its verdicts (``keys.article_verdicts``) stay, since a re-extraction
    rewrites claims, not what was concluded about them. Any other claim is stored alone, in its own record, and
    listed under ``keys.article_claims``.
    """
    article_id = article.article_id
    framed = [c for c in claims if local_in(c.claim_id, article_id=article_id) is not None]
    alone = [c for c in claims if local_in(c.claim_id, article_id=article_id) is None]
    pipe.delete(keys.article_claims(article_id), keys.article_pending(article_id))
    if framed:
        frame = compact.framed_claims(framed, article=article)
        pipe.hset(keys.article(article_id), keys.ARTICLE_CLAIMS, frame)
    else:
        pipe.hdel(keys.article(article_id), keys.ARTICLE_CLAIMS)
    for claim in alone:
        record = compact.claim_record(claim, article=article)
        pipe.eval(_SAVE_CLAIM, 1, keys.claim(claim.claim_id), record)
    if alone:
        pipe.rpush(keys.article_claims(article_id), *[c.claim_id for c in alone])
    if claims:
        pipe.sadd(keys.article_pending(article_id), *[c.claim_id for c in claims])
