-- Moves an article to a status only from the expected one, so a late writer never undoes a
-- later state (shared.storage.articles.promote_status).
-- KEYS[1]  the article's hash (keys.article)
-- ARGV[1]  the status expected now
-- ARGV[2]  the status to set
-- Returns 1 if the status was set, 0 if it was another.
if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  return 1
end
return 0
