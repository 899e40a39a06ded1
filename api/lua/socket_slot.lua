-- Take one socket slot under a cap, across every gateway replica (api/services/socket_slots.py).
-- KEYS[1] = zset of open sockets (member = socket id, score = lease expiry ms)
-- ARGV[1] = socket id, ARGV[2] = now ms, ARGV[3] = lease ms, ARGV[4] = cap
-- Returns 1 when the slot is taken (or renewed), 0 when the cap is reached.
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
