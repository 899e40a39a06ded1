"""Caps on open sockets: per youth chat and per counsellor, across every gateway replica.

Each open socket holds a slot in a Redis sorted set (socket_slot.lua: expired slots are dropped, the cap is
checked and the slot taken in one step). A slot is a lease, renewed while the socket is open and released
when it closes; a replica that dies leaves slots that expire within LEASE_MS.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

LUA = (Path(__file__).resolve().parent.parent / "lua" / "socket_slot.lua").read_text
LEASE_MS = 60_000
RENEW_SECONDS = 20.0
CLOSE_TOO_MANY_SOCKETS = 4429


class SocketSlots:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._script = redis.register_script(LUA())

    async def _take(self, key: str, socket_id: str, cap: int) -> bool:
        now = int(time.time() * 1000)
        return bool(await self._script(keys=[key], args=[socket_id, now, LEASE_MS, cap]))

    async def acquire(self, key: str, cap: int) -> SocketSlot | None:
        """A slot under `cap` for one socket (release it when the socket ends), or None when the cap is reached."""
        socket_id = uuid.uuid4().hex
        if not await self._take(key, socket_id, cap):
            return None
        return SocketSlot(self, key, socket_id, cap)

    @contextlib.asynccontextmanager
    async def slot(self, key: str, cap: int) -> AsyncIterator[bool]:
        """Yields True while a slot under `cap` is held for this socket, False when the cap is reached."""
        held = await self.acquire(key, cap)
        try:
            yield held is not None
        finally:
            if held is not None:
                await held.release()


class SocketSlot:
    """One socket's slot: renewed every RENEW_SECONDS until released."""

    def __init__(self, slots: SocketSlots, key: str, socket_id: str, cap: int) -> None:
        self._slots, self._key, self._id = slots, key, socket_id
        self._renewer = asyncio.create_task(self._renew(cap))

    async def _renew(self, cap: int) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            with contextlib.suppress(RedisError):
                await self._slots._take(self._key, self._id, cap)

    async def release(self) -> None:
        self._renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._renewer
        with contextlib.suppress(RedisError):
            await self._slots._redis.zrem(self._key, self._id)
