-- claim: move one waiting conversation to a counsellor, atomically (pop + assign + lease).
-- KEYS[1] queue zset, KEYS[2] leases zset, KEYS[3] conversation meta hash,
-- KEYS[4] counsellor held set, KEYS[5] counsellor held-urgent set, KEYS[6] counsellor account hash
-- ARGV[1] cid, ARGV[2] counsellor name, ARGV[3] now ms, ARGV[4] lease ms,
-- ARGV[5] default capacity, ARGV[6] default urgent capacity (used when the account hash has no
-- 'capacity' / 'urgent_capacity' field; read here, inside the script, so a live change applies atomically),
-- ARGV[7] TTL seconds for the held sets,
-- ARGV[8] slots reserved for urgent chats, ARGV[9] extra slots an urgent chat may stretch into
-- Capacity rule (chosen by the capacity simulation, see docs/PERFORMANCE.md): a non-urgent chat needs
-- held < capacity - reserved; an urgent chat needs held < capacity + stretch and urgent held < urgent capacity.
-- The reserve never takes a counsellor's last slot: reserved = min(reserved, capacity - 1), so capacity 1
-- means exactly one chat of any band.
-- Returns {"ok", enqueued_ms, band} or {"error", reason} with reason
-- "not_waiting" | "capacity" | "urgent_capacity". Exactly one of many concurrent claims wins.
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {'error', 'not_waiting'} end
local band = redis.call('HGET', KEYS[3], 'band') or '2'
local held = redis.call('SCARD', KEYS[4])
local capacity = tonumber(redis.call('HGET', KEYS[6], 'capacity') or ARGV[5])
local urgent_capacity = tonumber(redis.call('HGET', KEYS[6], 'urgent_capacity') or ARGV[6])
local reserved = math.max(0, math.min(tonumber(ARGV[8]), capacity - 1))
if band == '0' then
  if held >= capacity + tonumber(ARGV[9]) then return {'error', 'capacity'} end
  if redis.call('SCARD', KEYS[5]) >= urgent_capacity then return {'error', 'urgent_capacity'} end
elseif held >= capacity - reserved then
  return {'error', 'capacity'}
end
local now = tonumber(ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[7]))
if band == '0' then
  redis.call('SADD', KEYS[5], ARGV[1])
  redis.call('EXPIRE', KEYS[5], tonumber(ARGV[7]))
end
redis.call('HSET', KEYS[3], 'mode', 'human', 'counsellor', ARGV[2], 'claimed_ms', now)
return {'ok', redis.call('HGET', KEYS[3], 'enqueued_ms'), band}
