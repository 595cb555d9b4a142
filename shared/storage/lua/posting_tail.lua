-- The newest members of a term's posting and its whole length (shared.storage.index.read):
-- Redis has no GETRANGE for a hash's field, and a common term's value is kilobytes.
-- KEYS[1]  the posting hash (keys.posting_hash)
-- ARGV[1]  the term's field
-- ARGV[2]  how many bytes to return from the end
-- Returns {the last ARGV[2] bytes, the value's length in bytes}.
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then
  return {'', 0}
end
local keep = tonumber(ARGV[2])
if keep >= #value then
  return {value, #value}
end
return {string.sub(value, #value - keep + 1), #value}
