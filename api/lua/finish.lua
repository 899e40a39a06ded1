-- finish: end a counsellor's hold (close) or take a conversation out of the queue (leave / back to bot).
-- KEYS[1] queue zset, KEYS[2] leases zset, KEYS[3] conversation meta hash,
-- KEYS[4] counsellor held set, KEYS[5] counsellor held-urgent set, KEYS[6] emergency details (deleted on close)
-- ARGV[1] cid, ARGV[2] counsellor name ("" when the young person leaves the queue), ARGV[3] new mode
-- Returns {"ok"}, {"error", "not_held"} (close by someone not holding it) or {"error", "not_waiting"}
-- (the young person leaves, but a counsellor claimed the conversation a moment before: it stays theirs).
if ARGV[2] ~= '' then
  if redis.call('HGET', KEYS[3], 'counsellor') ~= ARGV[2] or redis.call('HGET', KEYS[3], 'mode') ~= 'human' then
    return {'error', 'not_held'}
  end
elseif redis.call('HGET', KEYS[3], 'mode') == 'human' then
  return {'error', 'not_waiting'}
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('SREM', KEYS[4], ARGV[1])
  redis.call('SREM', KEYS[5], ARGV[1])
  redis.call('DEL', KEYS[6])
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'mode', ARGV[3], 'counsellor', '')
end
return {'ok'}
