"""Take the gateway's embedding of the question from Redis (knowledge.search.shared_vector).

The gateway names a one-time key in the message's Rasa metadata and pushes the vector there as soon as
triage has embedded the message (or an empty value when it has none for this message). This waits for
that push with BLPOP, at most `WAIT_SECONDS`: the gateway answers only after triage anyway, so waiting for
triage's embedding costs the young person nothing, while embedding again here would cost 3.5 ms. Without
Redis settings, a key, or a matching vector, the search embeds the question itself.

Redis: `REDIS_URL`, or `REDIS_HOST`/`REDIS_PORT`/`REDIS_DB`/`REDIS_PASSWORD` (as Rasa's stores use them).
The action server only takes the value it was pointed at; the key expires on its own otherwise.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from knowledge.search.shared_vector import KEY_PREFIX, METADATA_FIELD

log = logging.getLogger(__name__)

WAIT_SECONDS = 2.0


class _RedisHolder:
    """One synchronous Redis client per process, created on first use from the environment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Any = None
        self._configured: bool | None = None

    def get(self) -> Any:
        if self._configured is None:
            with self._lock:
                if self._configured is None:
                    self._client = _client_from_env()
                    self._configured = self._client is not None
        return self._client


def _client_from_env() -> Any:
    import redis

    url = os.environ.get("REDIS_URL")
    if url:
        return redis.Redis.from_url(url, socket_timeout=WAIT_SECONDS + 1)
    host = os.environ.get("REDIS_HOST")
    if not host:
        return None
    return redis.Redis(
        host=host,
        port=int(os.environ.get("REDIS_PORT") or 6379),
        db=int(os.environ.get("REDIS_DB") or 0),
        password=os.environ.get("REDIS_PASSWORD") or None,
        socket_timeout=WAIT_SECONDS + 1,
    )


REDIS = _RedisHolder()


def vector_key(metadata: Any) -> str | None:
    key = metadata.get(METADATA_FIELD) if isinstance(metadata, dict) else None
    return key if isinstance(key, str) and key.startswith(KEY_PREFIX) and len(key) < 200 else None


def take_payload(key: str | None) -> bytes | None:
    """The packed vector (or b"" for none) pushed under `key`, waiting up to WAIT_SECONDS; None if absent."""
    if key is None:
        return None
    client = REDIS.get()
    if client is None:
        return None
    try:
        popped = client.blpop([key], timeout=WAIT_SECONDS)
    except Exception:  # noqa: BLE001 - the search embeds the question itself
        log.warning("query vector unavailable", exc_info=True)
        return None
    return bytes(popped[1]) if popped else None
