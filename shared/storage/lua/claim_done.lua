-- Marks one claim verified and adds the claims its first verdict is new evidence for to the
-- article's re-verify set (shared.storage.verdicts.queue_claim_done). While claims of the
-- article are still pending it returns no set; once none is, it returns the whole set (every
-- caller that finds the article complete does: a task redelivered after a crash sends what
-- its first run could not). The last claim also flips the article to done.
-- KEYS[1]  the article's pending set (keys.article_pending)
-- KEYS[2]  the article's hash (keys.article)
-- KEYS[3]  the article's re-verify set (keys.article_reverify)
-- ARGV[1]  the claim id verified
-- ARGV[2..] ids of the claims its verdict is new evidence for
-- Returns {1 if this call finished the article else 0, members of the re-verify set}.
redis.call('SREM', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  redis.call('SADD', KEYS[3], ARGV[i])
end
if redis.call('SCARD', KEYS[1]) > 0 then
  return {0, {}}
end
local finished = 0
local status = redis.call('HGET', KEYS[2], 'status')
if status == 'extracting' or status == 'verifying' then
  redis.call('HSET', KEYS[2], 'status', 'done')
  finished = 1
end
return {finished, redis.call('SMEMBERS', KEYS[3])}
