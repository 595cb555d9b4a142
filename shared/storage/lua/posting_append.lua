-- Appends a packed claim id to a term's posting unless the posting holds it already, at a
-- member boundary (shared.storage.index.add). Idempotent, so a retried or concurrent
-- indexing leaves the same state.
-- KEYS[1]  the posting hash (keys.posting_hash)
-- ARGV[1]  the term's field
-- ARGV[2]  the packed claim id (codec.pack_claim_id)
-- Returns 1 if appended, 0 if it was there.
local value = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local width = #ARGV[2]
local from = 1
while true do
  local at = string.find(value, ARGV[2], from, true)
  if not at then
    break
  end
  if (at - 1) % width == 0 then
    return 0
  end
  from = at + 1
end
redis.call('HSET', KEYS[1], ARGV[1], value .. ARGV[2])
return 1
