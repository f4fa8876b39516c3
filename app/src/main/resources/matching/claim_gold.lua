-- Atomically picks a gold this worker has never been shown, within the job's gold budget.
-- KEYS[1] job meta hash, KEYS[2] gold set, KEYS[3] the worker's seen-set
-- ARGV[1] a random non-negative integer choosing among the candidates
-- Returns the gold item id, 0 when none is available, -1 when the job is not loaded in Redis.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local left = tonumber(redis.call('HGET', KEYS[1], 'goldLeft') or '0')
if left <= 0 then return 0 end
local candidates = redis.call('SDIFF', KEYS[2], KEYS[3])
if #candidates == 0 then return 0 end
table.sort(candidates)
local item = candidates[(tonumber(ARGV[1]) % #candidates) + 1]
redis.call('SADD', KEYS[3], item)
redis.call('HINCRBY', KEYS[1], 'goldLeft', -1)
return tonumber(item)
