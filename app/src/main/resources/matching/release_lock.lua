-- Releases a lock this process holds: KEYS[1] the lock, ARGV[1] this holder's token.
-- Returns 1 when released, 0 when the lock had expired or another holder has it (that holder's lock is left alone).
-- One script, so that no other process can take the lock between the check and the delete.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
