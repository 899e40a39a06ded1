-- positions: where each of many conversations stands in the queue, in one call (live queue positions).
-- KEYS[1] queue zset, KEYS[2] counsellors-online zset, KEYS[3..5] wait stats hashes of bands 0, 1, 2,
-- KEYS[6..] the conversations' meta hashes (in the order of ARGV[2..])
-- ARGV[1] heartbeats since (ms) that count as online, ARGV[2..] cids
-- Returns {online, ewma0, ewma1, ewma2, then per cid: rank (0-based, -1 when not waiting), score, lang}
-- ('' where a value is missing). Band = floor(score / 1e13).
local out = {redis.call('ZCOUNT', KEYS[2], ARGV[1], '+inf')}
for i = 3, 5 do out[#out + 1] = redis.call('HGET', KEYS[i], 'ewma') or '' end
for i = 2, #ARGV do
  local rank = redis.call('ZRANK', KEYS[1], ARGV[i])
  if rank then
    out[#out + 1] = rank
    out[#out + 1] = redis.call('ZSCORE', KEYS[1], ARGV[i])
    out[#out + 1] = redis.call('HGET', KEYS[i + 4], 'lang') or ''
  else
    out[#out + 1] = -1
    out[#out + 1] = ''
    out[#out + 1] = ''
  end
end
return out
