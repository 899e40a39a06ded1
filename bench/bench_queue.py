"""Queue micro-benchmarks: api.services.queue.HandoffQueue against a real redis-server.

The queue is filled to `waiting` conversations (5 % urgent, 15 % concern, 80 % other), then
`samples` enqueues of new conversations and `samples` claims of the conversation on top are timed one
by one, as a gateway does them (Lua script + publish; a claim also updates the wait EWMA). The
position/ETA lookup every waiting youth message makes and the dashboard's queue listing are timed too.
The benchmark owns the Redis database it is given: it flushes it first.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from redis.asyncio import Redis

from api import redis_keys
from api.services.dashboard import queue_summaries
from api.services.queue import HandoffQueue, now_ms
from bench.load import percentile

LEVELS = ["urgent"] * 5 + ["concern"] * 15 + ["none"] * 80
FILL_BATCH = 500


def _figures(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


async def _timed(call: Callable[[], Awaitable[Any]], into: list[float]) -> Any:
    began = time.perf_counter()
    result = await call()
    into.append(time.perf_counter() - began)
    return result


async def _new_conversations(redis: Redis, count: int) -> list[str]:
    cids = [uuid.uuid4().hex for _ in range(count)]
    for start in range(0, count, FILL_BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            for cid in cids[start : start + FILL_BATCH]:
                meta = {"mode": "bot", "lang": "da", "level": "none", "topics": "", "created_ms": now_ms()}
                pipe.hset(redis_keys.conversation(cid), mapping=meta)
                pipe.expire(redis_keys.conversation(cid), 3600)
            await pipe.execute()
    return cids


async def queue_operations(
    redis_url: str, waiting: int = 10_000, samples: int = 1_000, seed: int = 7
) -> dict[str, Any]:
    rng = random.Random(seed)
    redis = Redis.from_url(redis_url, decode_responses=True, socket_timeout=10)
    try:
        await redis.flushdb()
        queue = HandoffQueue(redis, lease_ms=120_000, capacity=3, urgent_capacity=2)
        fill_seconds: list[float] = []
        for cid in await _new_conversations(redis, waiting):
            level = rng.choice(LEVELS)
            await _timed(partial(queue.enqueue, cid, level), fill_seconds)
        assert await redis.zcard(redis_keys.QUEUE) == waiting

        enqueue_s: list[float] = []
        for cid in await _new_conversations(redis, samples):
            level = rng.choice(LEVELS)
            await _timed(partial(queue.enqueue, cid, level), enqueue_s)

        status_s: list[float] = []
        members = await redis.zrange(redis_keys.QUEUE, 0, -1)
        for cid in rng.sample(members, min(samples, len(members))):
            await _timed(partial(queue.status, cid), status_s)

        listing_s: list[float] = []
        for _ in range(max(3, samples // 50)):
            await _timed(partial(queue_summaries, redis), listing_s)

        claim_s: list[float] = []
        for index in range(samples):
            top = await redis.zrange(redis_keys.QUEUE, 0, 0)
            if not top:
                break
            counsellor = f"bench-counsellor-{index}"  # one claim each: capacity never refuses
            await _timed(partial(queue.claim, top[0], counsellor), claim_s)
        left = int(await redis.zcard(redis_keys.QUEUE))
        memory = await redis.info("memory")
    finally:
        await redis.aclose()
    result: dict[str, Any] = {
        "waiting": waiting,
        "fill_enqueue": _figures(fill_seconds),
        "enqueue_at_waiting": _figures(enqueue_s),
        "claim_at_waiting": _figures(claim_s),
        "status_at_waiting": _figures(status_s),
        "dashboard_listing_at_waiting": _figures(listing_s),
        "waiting_after": left,
        "redis_used_memory_mb": round(int(memory["used_memory"]) / 2**20, 1),
    }
    print(
        f"  queue at {waiting} waiting: enqueue p99 {result['enqueue_at_waiting']['p99_ms']} ms, "
        f"claim p99 {result['claim_at_waiting']['p99_ms']} ms, status p99 {result['status_at_waiting']['p99_ms']} ms, "
        f"dashboard listing p95 {result['dashboard_listing_at_waiting']['p95_ms']} ms "
        f"(enqueue while filling 0→{waiting}: p99 {result['fill_enqueue']['p99_ms']} ms)"
    )
    return result
