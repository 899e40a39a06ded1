"""Live queue positions: waiting young people see their place change without writing anything.

Every move of the queue (claim, release, leave, close, promotion, a new arrival, the reaper, a deleted
chat) is already announced once on `lyt:pub:dashboard` as "queue:<what>". That one message is the
queue-changed broadcast: nothing per conversation goes through Redis. Each gateway process then
recomputes the positions of the young people whose sockets *it* holds, with one Lua call for all of them
(`HandoffQueue.positions`), and hands a `queue` event to each socket whose position or estimate changed.

At most one event per conversation every `MIN_INTERVAL_SECONDS`: a change inside that window is held and
the latest value is sent when the window ends (intermediate positions are skipped).

These events are ephemeral status, not stored in the conversation's stream (they have no id): a socket
that (re)connects is sent the current position right after the stored events, so the widget always shows
where the young person stands. Queue events that *are* stored (the reply to a message) count towards
the same window.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field

from redis.exceptions import RedisError

from api import redis_keys
from api.copy import text as copy
from api.metrics import QUEUE_PUSHES
from api.services.events import Event
from api.services.hub import WAKE_ALL, Hub
from api.services.queue import HandoffQueue, Position, eta_text

log = logging.getLogger("lyt.queue_push")
MIN_INTERVAL_SECONDS = 2.0
# Payloads on the dashboard channel that do not move anyone's position.
NOT_A_MOVE = frozenset({"queue:transferred"})


def position_event(position: int, eta_seconds: int | None, lang: str) -> Event:
    """The `queue` event the widget shows (the same fields as the one stored with a reply, minus the id)."""
    return {
        "type": "queue",
        "from": "system",
        "position": position,
        "eta_seconds": eta_seconds,
        "eta_text": eta_text(eta_seconds, lang),
        "text": f"{copy('queue_position', lang, position=position)} {eta_text(eta_seconds, lang)}",
    }


def moves_queue(payload: str) -> bool:
    return payload == WAKE_ALL or (payload.startswith("queue:") and payload not in NOT_A_MOVE)


@dataclass
class _Watched:
    """The live sockets of one conversation in this process, and what they were last shown."""

    inboxes: set[asyncio.Queue[str]] = field(default_factory=set)
    shown: tuple[int, int | None] | None = None  # (position, eta) last sent
    sent_at: float = -1e9  # monotonic time of the last send
    pending: Event | None = None  # the latest change inside the window, sent when it ends
    timer: asyncio.TimerHandle | None = None


class QueuePositionPusher:
    """One per gateway process. Youth sockets `watch` their conversation; the pusher listens to the hub."""

    def __init__(self, queue: HandoffQueue, hub: Hub, min_interval: float = MIN_INTERVAL_SECONDS) -> None:
        self._queue = queue
        self._hub = hub
        self._min_interval = min_interval
        self._watched: dict[str, _Watched] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def watched(self) -> int:
        return len(self._watched)

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="lyt-queue-push")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for watched in self._watched.values():
            if watched.timer is not None:
                watched.timer.cancel()

    async def watch(self, cid: str, inbox: asyncio.Queue[str]) -> None:
        """Register a youth socket's inbox (its hub queue) and give it the current position, if waiting.

        The socket's pump sends what is in its inbox after the stored events, so the position comes last."""
        watched = self._watched.setdefault(cid, _Watched())
        watched.inboxes.add(inbox)
        try:
            current = (await self._queue.positions([cid])).get(cid)
        except RedisError as exc:
            log.warning("queue position on connect: redis error %s", type(exc).__name__)
            return
        if current is not None:
            event = position_event(current.position, current.eta_seconds, current.lang)
            _offer(inbox, event)
            watched.shown, watched.sent_at = (current.position, current.eta_seconds), time.monotonic()

    def unwatch(self, cid: str, inbox: asyncio.Queue[str]) -> None:
        watched = self._watched.get(cid)
        if watched is None:
            return
        watched.inboxes.discard(inbox)
        if not watched.inboxes:
            if watched.timer is not None:
                watched.timer.cancel()
            del self._watched[cid]

    def note_sent(self, cid: str, event: Event) -> None:
        """A stored `queue` event went out to this conversation's socket: it counts towards the window."""
        watched = self._watched.get(cid)
        if watched is None or not isinstance(event.get("position"), int):
            return
        watched.shown = (event["position"], event.get("eta_seconds"))
        watched.sent_at = time.monotonic()

    async def refresh(self) -> int:
        """Recompute every watched conversation's position (one Lua call) and push what changed.
        Returns how many events were sent now (held ones go out when their window ends)."""
        if not self._watched:
            return 0
        cids = list(self._watched)
        positions = await self._queue.positions(cids)
        sent = 0
        now = time.monotonic()
        for cid in cids:
            watched = self._watched.get(cid)
            if watched is None:  # the socket closed meanwhile
                continue
            current = positions.get(cid)
            if current is None:
                _forget(watched)  # no longer waiting: the stream says why (claimed, left, closed)
                continue
            sent += self._changed(watched, current, now)
        return sent

    def _changed(self, watched: _Watched, current: Position, now: float) -> int:
        shown = (current.position, current.eta_seconds)
        if shown == watched.shown:
            if watched.timer is not None:  # back where it was shown: nothing left to say
                watched.timer.cancel()
                watched.timer, watched.pending = None, None
            return 0
        event = position_event(current.position, current.eta_seconds, current.lang)
        due = watched.sent_at + self._min_interval
        if now >= due and watched.timer is None:
            self._send(watched, event, shown, now)
            return 1
        watched.pending = event
        if watched.timer is None:
            watched.timer = asyncio.get_running_loop().call_later(max(0.0, due - now), self._flush, watched)
        return 0

    def _flush(self, watched: _Watched) -> None:
        watched.timer = None
        event, watched.pending = watched.pending, None
        if event is not None and watched.inboxes:
            self._send(watched, event, (event["position"], event["eta_seconds"]), time.monotonic())

    def _send(self, watched: _Watched, event: Event, shown: tuple[int, int | None], now: float) -> None:
        payload = json.dumps(event, ensure_ascii=False)
        for inbox in list(watched.inboxes):
            _offer_raw(inbox, payload)
        watched.shown, watched.sent_at = shown, now
        QUEUE_PUSHES.inc()

    async def _listen(self) -> None:
        signals = self._hub.subscribe(redis_keys.DASHBOARD_CHANNEL)
        try:
            while True:
                moved = moves_queue(await signals.get())
                while not signals.empty():  # a burst of changes costs one recomputation
                    moved = moves_queue(signals.get_nowait()) or moved
                if not moved:
                    continue
                try:
                    await self.refresh()
                except RedisError as exc:
                    log.warning("queue positions: redis error %s", type(exc).__name__)
        finally:
            self._hub.unsubscribe(redis_keys.DASHBOARD_CHANNEL, signals)


def _forget(watched: _Watched) -> None:
    watched.shown = None
    watched.pending = None
    if watched.timer is not None:
        watched.timer.cancel()
        watched.timer = None


def _offer(inbox: asyncio.Queue[str], event: Event) -> None:
    _offer_raw(inbox, json.dumps(event, ensure_ascii=False))
    QUEUE_PUSHES.inc()


def _offer_raw(inbox: asyncio.Queue[str], payload: str) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        inbox.put_nowait(payload)
