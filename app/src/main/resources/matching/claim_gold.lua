-- Atomically picks a gold this worker has never been shown, within the job's gold budget.
-- KEYS[1] job meta hash, KEYS[2] the job's golds (sorted set scored by id), KEYS[3] the worker's seen-set
-- ARGV[1] a random non-negative integer choosing among the candidates
-- Returns the gold item id, 0 when none is available, -1 when the job is not loaded in Redis.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local left = tonumber(redis.call('HGET', KEYS[1], 'goldLeft') or '0')
if left <= 0 then return 0 end
local r = tonumber(ARGV[1])
local item = nil
local kind = redis.call('TYPE', KEYS[2])['ok']
if kind == 'zset' then
  local n = redis.call('ZCARD', KEYS[2])
  -- A few probes from a random position: a worker has seen few of a job's golds, so the first probe nearly always
  -- finds one, at O(log n) each. (Taking the difference of all golds and the seen-set, and sorting it, cost Redis,
  -- which serves every claim on one thread, about a millisecond per gold claim at 2,000 golds.)
  for i = 0, math.min(n, 16) - 1 do
    local g = redis.call('ZRANGE', KEYS[2], (r + i) % n, (r + i) % n)[1]
    if redis.call('SISMEMBER', KEYS[3], g) == 0 then
      item = g
      break
    end
  end
  if item == nil and n > 16 then
    -- The worker has seen many of them: choose among all unseen golds, in id order.
    local candidates = {}
    for _, g in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
      if redis.call('SISMEMBER', KEYS[3], g) == 0 then
        candidates[#candidates + 1] = g
      end
    end
    if #candidates > 0 then
      item = candidates[(r % #candidates) + 1]
    end
  end
elseif kind == 'set' then
  -- State written before golds were kept in order (until the job's next rebuild).
  local candidates = redis.call('SDIFF', KEYS[2], KEYS[3])
  if #candidates > 0 then
    table.sort(candidates)
    item = candidates[(r % #candidates) + 1]
  end
end
if item == nil then return 0 end
redis.call('SADD', KEYS[3], item)
redis.call('HINCRBY', KEYS[1], 'goldLeft', -1)
return tonumber(item)
