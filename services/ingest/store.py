"""Redis adapter of the ingest service."""

from __future__ import annotations

import redis

from shared import keys

# Claims every fingerprint for one id atomically, or returns the id that already owns one.
# KEYS: each fingerprint's hash, then its key as filed before hashes (read, never written);
# ARGV: the candidate id, then the fingerprints. Every key shares the {dedupe} hash tag so
# the script is valid on Redis Cluster.
_CLAIM_FINGERPRINTS = """
local n = #ARGV - 1
for i = 1, n do
  local owner = redis.call('HGET', KEYS[i], ARGV[i + 1]) or redis.call('GET', KEYS[n + i])
  if owner then
    for j = 1, n do
      if redis.call('EXISTS', KEYS[n + j]) == 0 then
        redis.call('HSETNX', KEYS[j], ARGV[j + 1], owner)
      end
    end
    return {owner, 1}
  end
end
for i = 1, n do
  redis.call('HSET', KEYS[i], ARGV[i + 1], ARGV[1])
end
return {ARGV[1], 0}
"""


def claim_fingerprints(
    client: redis.Redis, *, fingerprints: list[str], candidate_id: str
) -> tuple[str, bool]:
    """Return (article_id, seen_before)."""
    article_id, seen = client.eval(
        _CLAIM_FINGERPRINTS,
        2 * len(fingerprints),
        *[keys.dedupe_hash(f) for f in fingerprints],
        *[keys.dedupe(f) for f in fingerprints],
        candidate_id,
        *fingerprints,
    )
    return str(article_id), bool(int(seen))


def mark_enqueued(client: redis.Redis, *, article_id: str) -> None:
    client.hset(keys.article(article_id), "enqueued", "1")


def is_enqueued(client: redis.Redis, *, article_id: str) -> bool:
    return client.hget(keys.article(article_id), "enqueued") == "1"
