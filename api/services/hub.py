"""Cross-instance delivery: one Redis pub/sub connection per gateway process, fanned out locally.

Sockets register interest in a channel and get woken with the published payload. Payloads are only
"something new" signals (or ephemeral typing events); sockets then read the stream after their last
id, so a missed signal (e.g. while Redis restarts) loses nothing: on reconnect every socket is woken.
Counsellor channels (`lyt:pub:counsellor:{name}`) carry risk events (JSON) to that counsellor's dashboard
sockets; the same events also reach their chat sockets from the conversation stream, so none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api import redis_keys

log = logging.getLogger("lyt.hub")
WAKE_ALL = "__wake__"


class Hub:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._subscribers: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="lyt-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def subscribe(self, channel: str, queue: asyncio.Queue[str] | None = None) -> asyncio.Queue[str]:
        """A queue that gets the channel's payloads; pass `queue` to add a channel to an existing one."""
        if queue is None:
            queue = asyncio.Queue(maxsize=256)
        self._subscribers[channel].add(queue)
        return queue

    def unsubscribe(self, channel: str, queue: asyncio.Queue[str]) -> None:
        listeners = self._subscribers.get(channel)
        if listeners is not None:
            listeners.discard(queue)
            if not listeners:
                del self._subscribers[channel]

    @property
    def connections(self) -> int:
        return sum(len(v) for v in self._subscribers.values())

    def _deliver(self, channel: str, payload: str) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    async def _run(self) -> None:
        patterns = (
            redis_keys.conversation_channel("*"),
            redis_keys.counsellor_channel("*"),
            redis_keys.counsellor_revoke_channel("*"),  # disabled accounts: their sockets close (4401)
        )
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(*patterns)
                await pubsub.subscribe(redis_keys.DASHBOARD_CHANNEL)
                for channel in list(self._subscribers):  # anything missed while we were away
                    self._deliver(channel, WAKE_ALL)
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    channel = _s(message["channel"])
                    self._deliver(channel, _s(message["data"]))
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except (RedisError, OSError) as exc:
                log.warning("pub/sub connection lost (%s); retrying", type(exc).__name__)
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(0.5)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
