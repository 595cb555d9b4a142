"""Dedupe hashes (``keys.dedupe_hash``): fingerprint -> the article id that owns it."""

from __future__ import annotations

import redis

from shared.storage import keys
from shared.storage._lua import script

__all__ = ["claim_fingerprints"]


def claim_fingerprints(
    client: redis.Redis, *, fingerprints: list[str], candidate_id: str
) -> tuple[str, bool]:
    """File every fingerprint under ``candidate_id`` unless one is filed already; returns
    (the owning article id, seen before)."""
    article_id, seen = client.eval(
        script("claim_fingerprints"),
        len(fingerprints),
        *[keys.dedupe_hash(f) for f in fingerprints],
        candidate_id,
        *fingerprints,
    )
    return str(article_id), bool(int(seen))
