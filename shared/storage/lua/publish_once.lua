-- Publishes a verdict version at most once (shared.storage.listing.queue_publish): a retried
-- task never publishes a version twice, a version older than one already published is not
-- published at all, and a claim is listed once, when its first verdict is published. The
-- three keys share the stream's hash slot.
-- KEYS[1]  the verified-claims stream
-- KEYS[2]  the published versions of the claim's article (keys.published_versions)
-- KEYS[3]  the claims listing (keys.claims_listing)
-- ARGV[1]  the verdict document's JSON
-- ARGV[2]  the stream's approximate MAXLEN
-- ARGV[3]  the claim's local part
-- ARGV[4]  the verdict's version
-- ARGV[5]  the packed claim id (codec.pack_claim_id)
-- Returns the new entry id, or false if this version or a later one was published.
local last = redis.call('HGET', KEYS[2], ARGV[3])
local version = tonumber(ARGV[4])
if last and tonumber(last) >= version then
  return false
end
redis.call('HSET', KEYS[2], ARGV[3], version)
if not last then
  redis.call('RPUSH', KEYS[3], ARGV[5])
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'claim', ARGV[1])
