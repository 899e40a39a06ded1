-- return_code_take: use up a return code once, atomically (api/services/return_codes.py).
-- KEYS[1] the earlier conversation's return-code record (hash), KEYS[2] the code's index bucket (set)
-- ARGV[1] the argon2 hash that was just verified, ARGV[2] the earlier conversation's id
-- Returns 1 when this call used the code, 0 when it was used, re-issued or erased a moment before.
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
