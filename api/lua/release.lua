-- release: give a held conversation back to the queue at its original place (also used by the reaper).
-- KEYS[1] queue zset, KEYS[2] leases zset, KEYS[3] conversation meta hash,
-- KEYS[4] counsellor held set, KEYS[5] counsellor held-urgent set
-- ARGV[1] cid, ARGV[2] counsellor name ("" = any holder, for the reaper), ARGV[3] now ms
-- Returns {"ok", rank} or {"error", "not_held"}.
local holder = redis.call('HGET', KEYS[3], 'counsellor')
if not holder or holder == '' or redis.call('HGET', KEYS[3], 'mode') ~= 'human' then
  return {'error', 'not_held'}
end
if ARGV[2] ~= '' and holder ~= ARGV[2] then return {'error', 'not_held'} end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[5], ARGV[1])
local band = tonumber(redis.call('HGET', KEYS[3], 'band') or '2')
local enq = tonumber(redis.call('HGET', KEYS[3], 'enqueued_ms') or ARGV[3])
redis.call('ZADD', KEYS[1], band * 1e13 + enq, ARGV[1])
redis.call('HSET', KEYS[3], 'mode', 'waiting', 'counsellor', '')
return {'ok', redis.call('ZRANK', KEYS[1], ARGV[1])}
