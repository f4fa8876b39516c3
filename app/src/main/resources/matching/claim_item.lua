-- Atomically claims one slot on the least-answered open item this worker has not seen.
-- KEYS[1] job meta hash, KEYS[2] open items (zset: item id -> slots used), KEYS[3] the worker's seen-set
-- ARGV[1] how many open items to scan at most
-- Returns the item id, 0 when nothing is claimable, -1 when the job is not loaded in Redis.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local overlap = tonumber(redis.call('HGET', KEYS[1], 'overlap'))
local limit = tonumber(ARGV[1])
local batch = 128
local offset = 0
while offset < limit do
  local ids = redis.call('ZRANGE', KEYS[2], offset, offset + batch - 1, 'WITHSCORES')
  if #ids == 0 then return 0 end
  for i = 1, #ids, 2 do
    local item = ids[i]
    local used = tonumber(ids[i + 1])
    if used < overlap and redis.call('SISMEMBER', KEYS[3], item) == 0 then
      redis.call('SADD', KEYS[3], item)
      used = used + 1
      if used >= overlap then
        redis.call('ZREM', KEYS[2], item)
      else
        redis.call('ZADD', KEYS[2], used, item)
      end
      return tonumber(item)
    end
  end
  offset = offset + batch
end
return 0
