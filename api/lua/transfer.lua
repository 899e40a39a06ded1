-- transfer: hand a held conversation from one counsellor to another, checking the target's capacity.
-- KEYS[1] leases zset, KEYS[2] conversation meta hash, KEYS[3] from held set, KEYS[4] from held-urgent set,
-- KEYS[5] to held set, KEYS[6] to held-urgent set, KEYS[7] target's account hash
-- ARGV[1] cid, ARGV[2] from name, ARGV[3] to name, ARGV[4] now ms, ARGV[5] lease ms,
-- ARGV[6] default capacity, ARGV[7] default urgent capacity (the target's own fields in KEYS[7] win), ARGV[8] TTL seconds for the held sets,
-- ARGV[9] reserved urgent slots, ARGV[10] urgent stretch slots (the same capacity rule as claim.lua)
-- Returns {"ok"} or {"error", "not_held" | "capacity" | "urgent_capacity"}.
if redis.call('HGET', KEYS[2], 'counsellor') ~= ARGV[2] or redis.call('HGET', KEYS[2], 'mode') ~= 'human' then
  return {'error', 'not_held'}
end
local band = redis.call('HGET', KEYS[2], 'band') or '2'
local held = redis.call('SCARD', KEYS[5])
local capacity = tonumber(redis.call('HGET', KEYS[7], 'capacity') or ARGV[6])
local urgent_capacity = tonumber(redis.call('HGET', KEYS[7], 'urgent_capacity') or ARGV[7])
local reserved = math.max(0, math.min(tonumber(ARGV[9]), capacity - 1))
if band == '0' then
  if held >= capacity + tonumber(ARGV[10]) then return {'error', 'capacity'} end
  if redis.call('SCARD', KEYS[6]) >= urgent_capacity then return {'error', 'urgent_capacity'} end
elseif held >= capacity - reserved then
  return {'error', 'capacity'}
end
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('EXPIRE', KEYS[5], tonumber(ARGV[8]))
if band == '0' then
  redis.call('SADD', KEYS[6], ARGV[1])
  redis.call('EXPIRE', KEYS[6], tonumber(ARGV[8]))
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[1])
redis.call('HSET', KEYS[2], 'counsellor', ARGV[3])
return {'ok'}
