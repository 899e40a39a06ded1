-- enqueue: put a conversation in the waiting queue, or raise its band if it is already waiting.
-- KEYS[1] queue zset, KEYS[2] conversation meta hash
-- ARGV[1] cid, ARGV[2] band (0 urgent, 1 concern, 2 other), ARGV[3] now ms
-- Score = band * 1e13 + enqueue ms: bands first, FIFO inside a band. A band never drops here.
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
redis.call('ZADD', KEYS[1], band * 1e13 + now, ARGV[1])
redis.call('HSET', KEYS[2], 'mode', 'waiting', 'band', band, 'enqueued_ms', now, 'counsellor', '')
return {'queued', redis.call('ZRANK', KEYS[1], ARGV[1])}
