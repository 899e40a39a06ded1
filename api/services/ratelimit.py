"""Fixed-window rate limits in Redis, keyed never by a raw IP.

Client addresses are reduced to an HMAC with a salt all replicas share, rotated daily
(api/client_address.py `SharedSalt`); the resulting keys expire within the window.
"""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from api import redis_keys


async def hit(redis: Redis, bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; True while within the limit.

    A sliding-window counter: this window's count plus the previous window's, weighted by how much of
    it still overlaps the last `window_seconds`. A burst across a window boundary is still caught.
    """
    async with redis.pipeline(transaction=True) as pipe:
        pending = PendingHit(pipe, bucket, limit, window_seconds)
        return pending.within(await pipe.execute())


class PendingHit:
    """`hit`'s three commands, added to a pipeline the caller sends with its own commands first."""

    def __init__(self, pipe: Pipeline, bucket: str, limit: int, window_seconds: int) -> None:
        now = time.time()
        window = int(now // window_seconds)
        self._first = len(pipe.command_stack)
        self._limit = limit
        self._overlap = 1.0 - (now % window_seconds) / window_seconds
        key = redis_keys.rate_limit(f"{bucket}:{window}")
        pipe.incr(key)
        pipe.expire(key, 2 * window_seconds)
        pipe.get(redis_keys.rate_limit(f"{bucket}:{window - 1}"))

    def within(self, results: list[Any]) -> bool:
        count, _, previous = results[self._first : self._first + 3]
        return int(count) + int(previous or 0) * self._overlap <= self._limit


async def forget(redis: Redis, bucket: str, window_seconds: int) -> None:
    """Drop a bucket's counters (the current and the previous window), e.g. when a chat is deleted."""
    window = int(time.time() // window_seconds)
    await redis.delete(*(redis_keys.rate_limit(f"{bucket}:{w}") for w in (window - 1, window, window + 1)))


async def undo(redis: Redis, bucket: str, window_seconds: int) -> None:
    """Take one hit back from the current window (an attempt counted first that turned out not to count)."""
    key = redis_keys.rate_limit(f"{bucket}:{int(time.time() // window_seconds)}")
    async with redis.pipeline(transaction=True) as pipe:
        pipe.decr(key)
        pipe.expire(key, 2 * window_seconds)
        await pipe.execute()
