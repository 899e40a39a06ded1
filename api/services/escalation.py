"""Escalation beyond the dashboard: the urgent-wait watcher that runs in every gateway replica.

Every `LYT_ALERT_CHECK_SECONDS` each replica looks at the urgent band of the queue (one pipeline) and,
for each urgent conversation that
- has waited longer than `LYT_URGENT_WAIT_ALERT_SECONDS`   -> alert kind "long_wait";
- is waiting out of hours                                   -> "out_of_hours";
- is waiting while no counsellor is online (in hours)       -> "no_counsellor";
claims the alert in Redis (SET NX EX, api/services/alerts.py) and, where this replica won the claim,
hands it to the webhook sender. Replicas race for the claim, so running the check in all of them is safe
and an alert still goes out when one replica is down: exactly one alert per conversation and kind.

At the same moment as a long-wait or no-counsellor alert the waiting young person gets, once, a second
safety message in their language: we are still finding a counsellor; call 112 if you are in danger now;
the 24/7 helpline. Its numbers come from knowledge/helplines.yml, never from this code.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api import redis_keys
from api.copy import text as copy
from api.services.alerts import Alert, AlertKind, AlertSender, claim_once, queue_reference, reference_key
from api.services.events import append_events, system_event
from api.services.hours import Window, is_open
from api.services.hub import Hub
from api.services.queue import BAND_SCORE, ONLINE_WINDOW_MS, HandoffQueue, now_ms
from api.services.queue_push import QueuePositionPusher
from api.settings import Settings

log = logging.getLogger("lyt.escalation")
URGENT_LIMIT = 500  # urgent conversations looked at per check
YOUTH_NOTICE = "youth_notice"  # the claim kind of the young person's second safety message
NOTIFY_YOUTH: frozenset[AlertKind] = frozenset({"long_wait", "no_counsellor"})


def still_waiting_message(lang: str) -> str:
    """The second safety message: still finding a counsellor, 112, and the 24/7 child helpline."""
    from knowledge.helplines import load_helplines

    lines = load_helplines()
    lang = lang if lang in ("da", "en") else "da"
    emergency = lines["emergency_112"].display_phone() or lines["emergency_112"].name.get(lang, "")
    child = lines.get("bornetelefonen")
    child_line = ""
    if child is not None and child.display_phone():
        name = child.name.get(lang) or child.name["da"]
        child_line = " " + copy("still_waiting_helpline", lang, name=name, phone=child.display_phone())
    return copy("still_waiting", lang, emergency=emergency) + child_line


@dataclass(frozen=True)
class WaitingUrgent:
    cid: str
    waited_seconds: int


@dataclass(frozen=True)
class Snapshot:
    urgent: list[WaitingUrgent]
    queue_length: int
    online: int


async def snapshot(redis: Redis) -> Snapshot:
    """The urgent band (oldest first), the queue's length and counsellors online: one round trip."""
    now = now_ms()
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zrangebyscore(redis_keys.QUEUE, "-inf", f"({BAND_SCORE:.0f}", start=0, num=URGENT_LIMIT, withscores=True)
        pipe.zcard(redis_keys.QUEUE)
        pipe.zcount(redis_keys.COUNSELLORS_ONLINE, now - ONLINE_WINDOW_MS, "+inf")
        urgent, length, online = await pipe.execute()
    waiting = [WaitingUrgent(_s(cid), max(0, (now - int(score)) // 1000)) for cid, score in urgent]
    return Snapshot(waiting, int(length), int(online))


def due_alerts(snap: Snapshot, threshold_seconds: int, open_now: bool) -> list[tuple[AlertKind, WaitingUrgent]]:
    """Which alerts the snapshot calls for (before the claims decide who sends them)."""
    due: list[tuple[AlertKind, WaitingUrgent]] = []
    for item in snap.urgent:
        if not open_now:
            due.append(("out_of_hours", item))
        elif snap.online == 0:
            due.append(("no_counsellor", item))
        if item.waited_seconds >= threshold_seconds:
            due.append(("long_wait", item))
    return due


class UrgentWaitWatcher:
    """The periodic check. One per gateway process, started in the lifespan."""

    def __init__(
        self,
        redis: Redis,
        sender: AlertSender,
        reference_key: bytes,
        opening_hours: list[Window],
        threshold_seconds: int,
        interval_seconds: float,
        conversation_ttl_seconds: int,
    ) -> None:
        self.redis = redis
        self.sender = sender
        self.key = reference_key
        self.opening_hours = opening_hours
        self.threshold_seconds = threshold_seconds
        self.interval_seconds = interval_seconds
        self.conversation_ttl_seconds = conversation_ttl_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="lyt-urgent-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        # Replicas started together would check in lockstep: start each at a random point of the interval.
        await asyncio.sleep(random.uniform(0, self.interval_seconds))  # noqa: S311 - not security
        while True:
            try:
                await self.check()
            except RedisError as exc:
                log.warning("urgent-wait check: redis error %s", type(exc).__name__)
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad check
                log.exception("urgent-wait check failed")
            await asyncio.sleep(self.interval_seconds)

    async def check(self) -> dict[str, int]:
        """One pass. Returns how many alerts and notices this replica claimed (for tests and logs)."""
        snap = await snapshot(self.redis)
        if not snap.urgent:
            return {"alerts": 0, "notices": 0}
        due = due_alerts(snap, self.threshold_seconds, is_open(self.opening_hours))
        won = await claim_once(
            self.redis, self.key, [(kind, item.cid) for kind, item in due], redis_keys.ALERT_CLAIM_TTL_SECONDS
        )
        alerts = 0
        for (kind, item), mine in zip(due, won, strict=True):
            if mine:
                alerts += 1
                log.warning("urgent chat: %s alert (waited %d s)", kind, item.waited_seconds)
                self.sender.submit(
                    Alert(
                        kind, queue_reference(self.key, item.cid), item.waited_seconds, snap.queue_length, snap.online
                    )
                )
        notify = sorted({item.cid for kind, item in due if kind in NOTIFY_YOUTH})
        notices = await self._notify_youth(notify)
        return {"alerts": alerts, "notices": notices}

    async def _notify_youth(self, cids: list[str]) -> int:
        """The second safety message, once per conversation (claimed like an alert)."""
        won = await claim_once(
            self.redis, self.key, [(YOUTH_NOTICE, cid) for cid in cids], redis_keys.ALERT_CLAIM_TTL_SECONDS
        )
        mine = [cid for cid, ok in zip(cids, won, strict=True) if ok]
        if not mine:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for cid in mine:
                pipe.hmget(redis_keys.conversation(cid), "lang", "mode")
            metas = await pipe.execute()
        sent = 0
        for cid, (lang, mode) in zip(mine, metas, strict=True):
            if _s(mode or "") != "waiting":  # picked up (or gone) a moment ago
                continue
            event = system_event(still_waiting_message(_s(lang or "da")))
            await append_events(self.redis, cid, [event], self.conversation_ttl_seconds)
            sent += 1
        return sent


def _s(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class LiveSafety:
    """The background parts of escalation and live queue positions, started and stopped together."""

    sender: AlertSender
    watcher: UrgentWaitWatcher
    pusher: QueuePositionPusher

    async def stop(self) -> None:
        await self.pusher.stop()
        await self.watcher.stop()
        await self.sender.stop()


def start_live_safety(
    settings: Settings, redis: Redis, queue: HandoffQueue, hub: Hub, opening_hours: list[Window]
) -> LiveSafety:
    """Start the webhook sender, the urgent-wait watcher and the queue-position pusher (in every replica)."""
    sender = AlertSender(settings.alert_webhook_url, settings.alert_lang)
    watcher = UrgentWaitWatcher(
        redis,
        sender,
        reference_key(settings.jwt_secret),
        opening_hours,
        settings.urgent_wait_alert_seconds,
        settings.alert_check_seconds,
        settings.conversation_ttl_seconds,
    )
    pusher = QueuePositionPusher(queue, hub)
    sender.start()
    watcher.start()
    pusher.start()
    return LiveSafety(sender, watcher, pusher)
