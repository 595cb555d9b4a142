"""Redis adapter of the ingest service."""

from __future__ import annotations

import redis

from shared import keys

# Claims every fingerprint for one id atomically, or returns the id that already owns one.
# Fingerprint keys share the {dedupe} hash tag so the script is valid on Redis Cluster.
_CLAIM_FINGERPRINTS = """
for i = 1, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner then
    for j = 1, #KEYS do redis.call('SET', KEYS[j], owner, 'NX') end
    return {owner, 1}
  end
end
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end
return {ARGV[1], 0}
"""


def claim_fingerprints(
    client: redis.Redis, *, fingerprints: list[str], candidate_id: str
) -> tuple[str, bool]:
    """Return (article_id, seen_before)."""
    article_id, seen = client.eval(
        _CLAIM_FINGERPRINTS,
        len(fingerprints),
        *[keys.dedupe(f) for f in fingerprints],
        candidate_id,
    )
    return str(article_id), bool(int(seen))


def mark_enqueued(client: redis.Redis, *, article_id: str) -> None:
    client.hset(keys.article(article_id), "enqueued", "1")


def is_enqueued(client: redis.Redis, *, article_id: str) -> bool:
    return client.hget(keys.article(article_id), "enqueued") == "1"
