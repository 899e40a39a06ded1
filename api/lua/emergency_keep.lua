-- emergency_keep: add sealed emergency details to a conversation's list without ever extending its life.
-- KEYS[1] the conversation's emergency-details list
-- ARGV[1] seconds the list may live from its first write, ARGV[2] most values kept, ARGV[3..] Fernet tokens
-- The expiry is set only when the list has none (its first write), so it is never pushed further out.
-- Returns the number of values now kept.
for i = 3, #ARGV do
  redis.call('RPUSH', KEYS[1], ARGV[i])
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return redis.call('LLEN', KEYS[1])
