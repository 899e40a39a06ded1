"""Hand triage's embedding of a message on to the knowledge search (knowledge/search/shared_vector.py).

The gateway sends a bot-mode message to Rasa at once and judges it meanwhile. The message's Rasa metadata
names a one-time key; as soon as triage has embedded the message (on the triage thread), the vector is
pushed there, before triage scores it. If Rasa runs the knowledge search, the action server takes the
vector instead of embedding the question again. When triage embeds nothing, or embedded a text other than
the one stored and sent to Rasa (personal details scrubbed), an empty value is pushed so that the action
server stops waiting and embeds the stored text itself.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import numpy as np
from numpy.typing import NDArray
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api import redis_keys
from knowledge.search.shared_vector import METADATA_FIELD, NO_VECTOR, TTL_MS, pack

log = logging.getLogger("lyt.query_vector")


class QueryVectorHandOver:
    """One message's hand-over: `metadata` for Rasa, `sink` for triage, then `finish` after the verdict."""

    def __init__(self, redis: Redis, cid: str, sent_text: str) -> None:
        self._redis = redis
        self._sent_text = sent_text
        self._loop = asyncio.get_running_loop()
        self._push: asyncio.Task[None] | None = None
        self.key = redis_keys.query_vector(cid, uuid.uuid4().hex)

    @property
    def metadata(self) -> dict[str, Any]:
        return {METADATA_FIELD: self.key}

    def sink(self, model_id: str, embedded_text: str, vector: NDArray[np.float32]) -> None:
        """Called on the triage thread with the embedding, before triage scores it."""
        payload = pack(model_id, embedded_text, vector) if embedded_text == self._sent_text else NO_VECTOR
        self._loop.call_soon_threadsafe(self._start, payload)

    def _start(self, payload: bytes) -> None:
        if self._push is None:
            self._push = asyncio.ensure_future(self._store(payload))

    async def _store(self, payload: bytes) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(self.key, payload)
                pipe.pexpire(self.key, TTL_MS)
                await pipe.execute()
        except RedisError:
            log.warning("query vector not handed over")  # the action server embeds the question itself

    async def finish(self) -> None:
        """After triage: the push is done, or an empty one is made (triage embedded nothing)."""
        # The thread's call_soon_threadsafe ran before the verdict's own callback: `_push` is set by now.
        if self._push is None:
            self._start(NO_VECTOR)
        assert self._push is not None
        await self._push
