-- Files every fingerprint of an article under one id atomically, or returns the id that
-- already owns one of them (shared.storage.dedupe.claim_fingerprints). Every key shares the
-- {dedupe} hash tag, so the script is valid on Redis Cluster.
-- KEYS[i]    the dedupe hash of fingerprint i (keys.dedupe_hash)
-- ARGV[1]    the candidate article id
-- ARGV[i+1]  fingerprint i
-- Returns {article id, 1} for an owner found, {candidate id, 0} once filed.
for i = 1, #KEYS do
  local owner = redis.call('HGET', KEYS[i], ARGV[i + 1])
  if owner then
    for j = 1, #KEYS do
      redis.call('HSETNX', KEYS[j], ARGV[j + 1], owner)
    end
    return {owner, 1}
  end
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], ARGV[i + 1], ARGV[1])
end
return {ARGV[1], 0}
