-- claim: move one waiting conversation to a counsellor, atomically (pop + assign + lease).
-- KEYS[1] queue zset, KEYS[2] leases zset, KEYS[3] conversation meta hash,
-- KEYS[4] counsellor held set, KEYS[5] counsellor held-urgent set, KEYS[6] counsellor account hash,
-- KEYS[7] counsellors online zset, KEYS[8] held set and KEYS[9] account hash of the counsellor a returning
-- conversation is offered to ("-" placeholders otherwise)
-- ARGV[1] cid, ARGV[2] counsellor name, ARGV[3] now ms, ARGV[4] lease ms,
-- ARGV[5] default capacity, ARGV[6] default urgent capacity (used when the account hash has no
-- 'capacity' / 'urgent_capacity' field; read here, inside the script, so a live change applies atomically),
-- ARGV[7] TTL seconds for the held sets,
-- ARGV[8] slots reserved for urgent chats, ARGV[9] extra slots an urgent chat may stretch into,
-- ARGV[10] online since ms (heartbeat window), ARGV[11] the earlier counsellor's name ("" none)
-- Capacity rule (chosen by the capacity simulation, see docs/PERFORMANCE.md): a non-urgent chat needs
-- held < capacity - reserved; an urgent chat needs held < capacity + stretch and urgent held < urgent capacity.
-- The reserve never takes a counsellor's last slot: reserved = min(reserved, capacity - 1), so capacity 1
-- means exactly one chat of any band.
-- Returning conversations (enqueue.lua): until prefer_until_ms only the earlier counsellor may claim it, and
-- only while it is outside the urgent band (an urgent return, or one promoted to urgent while offered, is
-- open to all at once) and the earlier counsellor is still online, not disabled and has a free slot for it.
-- Returns {"ok", enqueued_ms, band} or {"error", reason} with reason
-- "not_waiting" | "reserved" | "capacity" | "urgent_capacity". Exactly one of many concurrent claims wins.
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {'error', 'not_waiting'} end
local band = redis.call('HGET', KEYS[3], 'band') or '2'
local now = tonumber(ARGV[3])
local prefer_until = tonumber(redis.call('HGET', KEYS[3], 'prefer_until_ms') or '0')
if band ~= '0' and prefer_until > now then
  local earlier = redis.call('HGET', KEYS[3], 'return_to') or ''
  if earlier ~= '' and earlier ~= ARGV[2] and earlier == ARGV[11] then
    local seen = redis.call('ZSCORE', KEYS[7], earlier)
    if seen and tonumber(seen) >= tonumber(ARGV[10]) and redis.call('HGET', KEYS[9], 'disabled') ~= '1' then
      local their_capacity = tonumber(redis.call('HGET', KEYS[9], 'capacity') or ARGV[5])
      local their_reserved = math.max(0, math.min(tonumber(ARGV[8]), their_capacity - 1))
      if redis.call('SCARD', KEYS[8]) < their_capacity - their_reserved then return {'error', 'reserved'} end
    end
  end
end
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
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[7]))
if band == '0' then
  redis.call('SADD', KEYS[5], ARGV[1])
  redis.call('EXPIRE', KEYS[5], tonumber(ARGV[7]))
end
redis.call('HSET', KEYS[3], 'mode', 'human', 'counsellor', ARGV[2], 'claimed_ms', now, 'last_counsellor', ARGV[2])
if prefer_until > 0 then redis.call('HSET', KEYS[3], 'prefer_until_ms', 0) end
return {'ok', redis.call('HGET', KEYS[3], 'enqueued_ms'), band}
