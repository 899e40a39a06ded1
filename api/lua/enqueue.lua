-- enqueue: put a conversation in the waiting queue, or raise its band if it is already waiting.
-- KEYS[1] queue zset, KEYS[2] conversation meta hash,
-- KEYS[3] counsellors online zset, KEYS[4] the earlier counsellor's held set, KEYS[5] their account hash
-- (KEYS[4..5] are "-" placeholders unless the conversation is returning to a counsellor)
-- ARGV[1] cid, ARGV[2] band (0 urgent, 1 concern, 2 other), ARGV[3] now ms,
-- ARGV[4] return preference ms (LYT_RETURN_PREFERENCE_SECONDS), ARGV[5] online since ms (heartbeat window),
-- ARGV[6] default capacity, ARGV[7] reserved urgent slots, ARGV[8] the earlier counsellor's name ("" none)
-- Score = band * 1e13 + enqueue ms: bands first, FIFO inside a band. A band never drops here. Two enqueued in the
-- same millisecond would tie (and Redis orders ties by member): the later one then scores 1/64 ms after the last
-- of its band, so the order stays first come, first served (enqueued_ms keeps the clock's value).
-- A returning conversation (meta return_to = ARGV[8]) newly queued outside the urgent band is offered to its
-- earlier counsellor alone until prefer_until_ms = now + ARGV[4], if they are online (heartbeat since ARGV[5]),
-- not disabled and have a free non-urgent slot (claim.lua's rule); otherwise, and in the urgent band,
-- prefer_until_ms = 0: open to everyone at once. It keeps its place in its band either way.
-- Returns {status, rank}: status "queued" | "promoted" | "unchanged" | "held" (a counsellor has it) | "missing"
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', -1} end
local mode = redis.call('HGET', KEYS[2], 'mode')
if mode == 'human' then return {'held', -1} end
local band = tonumber(ARGV[2])
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if current then
  local old_band = tonumber(redis.call('HGET', KEYS[2], 'band') or '2')
  if band < old_band then
    local enq = tonumber(redis.call('HGET', KEYS[2], 'enqueued_ms'))
    redis.call('ZADD', KEYS[1], band * 1e13 + enq, ARGV[1])
    redis.call('HSET', KEYS[2], 'band', band)
    return {'promoted', redis.call('ZRANK', KEYS[1], ARGV[1])}
  end
  return {'unchanged', redis.call('ZRANK', KEYS[1], ARGV[1])}
end
local now = tonumber(ARGV[3])
local prefer_until = 0
local earlier = redis.call('HGET', KEYS[2], 'return_to')
if band > 0 and earlier and earlier ~= '' and earlier == ARGV[8] and tonumber(ARGV[4]) > 0 then
  local seen = redis.call('ZSCORE', KEYS[3], earlier)
  if seen and tonumber(seen) >= tonumber(ARGV[5]) and redis.call('HGET', KEYS[5], 'disabled') ~= '1' then
    local capacity = tonumber(redis.call('HGET', KEYS[5], 'capacity') or ARGV[6])
    local reserved = math.max(0, math.min(tonumber(ARGV[7]), capacity - 1))
    if redis.call('SCARD', KEYS[4]) < capacity - reserved then prefer_until = now + tonumber(ARGV[4]) end
  end
end
local score = band * 1e13 + now
local last = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. string.format('%.0f', (band + 1) * 1e13), band * 1e13,
  'WITHSCORES', 'LIMIT', 0, 1)
if last[2] and tonumber(last[2]) >= score then score = tonumber(last[2]) + 0.015625 end
redis.call('ZADD', KEYS[1], score, ARGV[1])
redis.call('HSET', KEYS[2], 'mode', 'waiting', 'band', band, 'enqueued_ms', now, 'counsellor', '')
if earlier then redis.call('HSET', KEYS[2], 'prefer_until_ms', prefer_until) end
return {'queued', redis.call('ZRANK', KEYS[1], ARGV[1])}
