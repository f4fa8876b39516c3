-- Gives back the slot of a lease that ended without an answer (released, expired, or refused by Postgres).
-- The item stays in the worker's seen-set: it is not served to that worker again; except with KEYS[7], the seen-set
-- of a worker for whom it was taken and never leased (its lease was not even asked of Postgres), who may be served it.
-- KEYS[1] job meta hash, KEYS[2] open zset, KEYS[3] slots hash, KEYS[4] caps hash, KEYS[5] scores hash,
-- KEYS[6] answered (unused here), KEYS[7] (optional) the worker's seen-set
-- ARGV[1] item id, ARGV[2] '1' for a gold
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if KEYS[7] then redis.call('SREM', KEYS[7], ARGV[1]) end
if ARGV[2] == '1' then
  redis.call('HINCRBY', KEYS[1], 'goldLeft', 1)
  return 1
end
local item = ARGV[1]
local used = tonumber(redis.call('HGET', KEYS[3], item) or '0') - 1
if used < 0 then used = 0 end
redis.call('HSET', KEYS[3], item, used)
local cap = tonumber(redis.call('HGET', KEYS[4], item) or redis.call('HGET', KEYS[1], 'overlapMin'))
if used < cap then
  redis.call('ZADD', KEYS[2], tonumber(redis.call('HGET', KEYS[5], item) or '0'), item)
end
return 1
