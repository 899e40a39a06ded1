"""Failed counsellor logins, counted per (hashed source address, name) with exponential backoff (issue 16 item 7).

Counting per name alone let anyone lock a counsellor out from anywhere. Here a source that fails for a name
waits 2^(n - FREE_FAILURES) seconds (at most MAX_BACKOFF_SECONDS) before its next try for that name; the
counsellor logging in from elsewhere is not affected. A success clears the count for that pair.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from api import redis_keys

FREE_FAILURES = 3
MAX_BACKOFF_SECONDS = 15 * 60


def backoff_seconds(failures: int) -> float:
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(MAX_BACKOFF_SECONDS, 2 ** (failures - FREE_FAILURES + 1)))


async def wait_left(redis: Redis, source_hash: str, name: str) -> float:
    """Seconds this source must still wait before trying this name again (0: may try now)."""
    failures, last_ms = await redis.hmget(redis_keys.login_failures(source_hash, name[:40]), ["n", "last_ms"])
    if failures is None or last_ms is None:
        return 0.0
    ready_at = int(last_ms) / 1000 + backoff_seconds(int(failures))
    return max(0.0, ready_at - time.time())


async def record_failure(redis: Redis, source_hash: str, name: str) -> None:
    key = redis_keys.login_failures(source_hash, name[:40])
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(key, "n", 1)
        pipe.hset(key, "last_ms", str(int(time.time() * 1000)))
        pipe.expire(key, redis_keys.LOGIN_FAILURES_TTL_SECONDS)
        await pipe.execute()


async def clear(redis: Redis, source_hash: str, name: str) -> None:
    await redis.delete(redis_keys.login_failures(source_hash, name[:40]))
