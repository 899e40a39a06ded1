"""The embedding hand-over (api/services/query_vector.py) against a real Redis: a vector only for the exact
text that was stored and sent to Rasa, an empty value otherwise."""

from __future__ import annotations

import asyncio

import numpy as np
from redis.asyncio import Redis

from api import redis_keys
from api.services.query_vector import QueryVectorHandOver
from knowledge.search.shared_vector import NO_VECTOR, TTL_MS
from tests.conftest import RedisServer


async def _hand_over(url: str, sent: str, embedded: str | None) -> tuple[list[bytes], int]:
    redis = Redis.from_url(url)
    try:
        hand_over = QueryVectorHandOver(redis, "c" * 32, sent)
        assert hand_over.key.startswith(redis_keys.query_vector("c" * 32, ""))
        if embedded is not None:  # triage's thread calls the sink with what it embedded
            await asyncio.to_thread(hand_over.sink, "model", embedded, np.ones(384, dtype=np.float32) / 384**0.5)
        await hand_over.finish()
        values: list[bytes] = await redis.lrange(hand_over.key, 0, -1)
        return values, int(await redis.pttl(hand_over.key))
    finally:
        await redis.aclose()


def test_a_vector_only_for_the_text_that_was_sent(redis_server: RedisServer) -> None:
    (payload,), ttl = asyncio.run(_hand_over(redis_server.url, "min snap er hacket", "min snap er hacket"))
    assert len(payload) == 20 + 4 * 384 and 0 < ttl <= TTL_MS


def test_scrubbed_text_gets_an_empty_value_never_the_raw_texts_vector(redis_server: RedisServer) -> None:
    raw = "hej med dig, mit nummer er 22 33 44 55"
    values, ttl = asyncio.run(_hand_over(redis_server.url, "hej med dig, mit nummer er [telefon]", raw))
    assert values == [NO_VECTOR] and 0 < ttl <= TTL_MS


def test_nothing_embedded_gets_an_empty_value(redis_server: RedisServer) -> None:
    values, _ = asyncio.run(_hand_over(redis_server.url, "hej", None))
    assert values == [NO_VECTOR]
