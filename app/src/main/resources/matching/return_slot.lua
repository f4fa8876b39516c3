-- Gives back the slot of a lease that ended without an answer (released, expired, or refused by Postgres).
-- The item stays in the worker's seen-set: it is not served to that worker again.
-- KEYS[1] job meta hash, KEYS[2] open items zset
-- ARGV[1] item id, ARGV[2] '1' for a gold
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == '1' then
  redis.call('HINCRBY', KEYS[1], 'goldLeft', 1)
  return 1
end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if score then
  if tonumber(score) > 0 then redis.call('ZINCRBY', KEYS[2], -1, ARGV[1]) end
else
  redis.call('ZADD', KEYS[2], tonumber(redis.call('HGET', KEYS[1], 'overlap')) - 1, ARGV[1])
end
return 1
