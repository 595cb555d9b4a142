-- Deletes a re-verification mark if it still holds the value a run read when it started.
-- KEYS[1]: the mark (keys.reverify_due); ARGV[1]: the value read.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
