-- Atomically claims one slot on the best-scored open item this worker has not seen.
-- KEYS[1] job meta hash, KEYS[2] open items (zset: item -> score, lowest first), KEYS[3] the worker's seen-set,
-- KEYS[4] slots hash (item -> answers + live leases), KEYS[5] caps hash (item -> most slots it may use now)
-- ARGV[1] how many open items to scan at most
-- Returns the item id, 0 when nothing is claimable, -1 when the job is not loaded in Redis.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local default_cap = tonumber(redis.call('HGET', KEYS[1], 'overlapMin'))
local limit = tonumber(ARGV[1])
-- The first open items nearly always serve (a worker has seen few of them), so the scan reads a few and doubles the
-- read while it finds none: every item read is copied into Lua, and reading 128 at once cost a claim about 10 us of
-- Redis's one thread for items it did not look at.
local batch = 8
local offset = 0
while offset < limit do
  local ids = redis.call('ZRANGE', KEYS[2], offset, math.min(offset + batch, limit) - 1)
  if #ids == 0 then return 0 end
  for i = 1, #ids do
    local item = ids[i]
    if redis.call('SISMEMBER', KEYS[3], item) == 0 then
      local used = tonumber(redis.call('HGET', KEYS[4], item) or '0')
      local cap = tonumber(redis.call('HGET', KEYS[5], item) or default_cap)
      if used < cap then
        redis.call('SADD', KEYS[3], item)
        redis.call('HSET', KEYS[4], item, used + 1)
        if used + 1 >= cap then redis.call('ZREM', KEYS[2], item) end
        return tonumber(item)
      end
    end
  end
  offset = offset + batch
  if batch < 128 then batch = batch * 2 end
end
return 0
