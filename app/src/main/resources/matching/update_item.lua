-- After an answer: the item's new cap (0 closes it) and serving score, decided on ARGV[4] answers. An update decided
-- on fewer answers than the last one applied is stale (answers commit in order, their updates arrive in any order)
-- and is ignored: returns 2.
-- KEYS[1] job meta hash, KEYS[2] open zset, KEYS[3] slots hash, KEYS[4] caps hash, KEYS[5] scores hash,
-- KEYS[6] answered hash (answers behind each item's cap)
-- ARGV[1] item id, ARGV[2] cap, ARGV[3] score, ARGV[4] answers
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local item = ARGV[1]
local answers = tonumber(ARGV[4])
local applied = tonumber(redis.call('HGET', KEYS[6], item) or '-1')
if answers < applied then return 2 end
redis.call('HSET', KEYS[6], item, answers)
local cap = tonumber(ARGV[2])
redis.call('HSET', KEYS[4], item, cap)
redis.call('HSET', KEYS[5], item, ARGV[3])
local used = tonumber(redis.call('HGET', KEYS[3], item) or '0')
if used < cap then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), item)
else
  redis.call('ZREM', KEYS[2], item)
end
return 1
