"""Alerts outside the dashboard: a JSON POST to `LYT_ALERT_WEBHOOK_URL` (Slack, Mattermost, Teams, ...).

The body carries a human-readable `text` (incoming webhooks show it as is) and a few numbers. It never
carries message text, the conversation id or a token: a conversation is named by its *reference*, six
characters derived from the id with a keyed hash, which the dashboard shows on the same queue row.

Delivery never touches a chat's path: `AlertSender.submit` puts the alert on a bounded in-process queue
and returns at once; a few background workers POST it with a timeout and retry with backoff. When the
queue is full, or every attempt failed, the alert is dropped, counted in /metrics and logged by kind
and reason only (never the payload).

Exactly one alert per conversation and kind across gateway replicas: the caller first claims it with
`claim_once` (SET NX with a TTL on a key named by the keyed hash, never by the conversation id).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
from redis.asyncio import Redis

from api import redis_keys
from api.metrics import ALERT_DELIVERY_ERRORS, ALERTS_DELIVERED, ALERTS_DROPPED

log = logging.getLogger("lyt.alerts")

AlertKind = Literal["long_wait", "out_of_hours", "no_counsellor"]
ALERT_KINDS: tuple[AlertKind, ...] = ("long_wait", "out_of_hours", "no_counsellor")
REFERENCE_LENGTH = 6
# Crockford's base32: no I, L, O or U, so a reference read aloud or typed is not misread.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_B32, _CROCKFORD)

QUEUE_LIMIT = 256  # alerts waiting to be sent in one gateway; beyond this they are dropped and counted
WORKERS = 4  # POSTs in flight at once: one dead receiver never holds up the others for long
ATTEMPTS = 5
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 2.0

_TEXTS: dict[str, dict[str, str]] = {
    "long_wait": {
        "da": "Lyt: en akut samtale ({reference}) har ventet {waited} uden en rådgiver.",
        "en": "Lyt: an urgent chat ({reference}) has waited {waited} without a counsellor.",
    },
    "out_of_hours": {
        "da": "Lyt: en akut samtale ({reference}) er kommet uden for åbningstiden.",
        "en": "Lyt: an urgent chat ({reference}) has arrived out of hours.",
    },
    "no_counsellor": {
        "da": "Lyt: en akut samtale ({reference}) venter, og ingen rådgiver er online.",
        "en": "Lyt: an urgent chat ({reference}) is waiting and no counsellor is online.",
    },
    "tail": {
        "da": " {queue_length} i kø, {online} rådgivere online. Åbn dashboardet.",
        "en": " {queue_length} waiting, {online} counsellors online. Open the dashboard.",
    },
}


@functools.lru_cache(maxsize=4)
def reference_key(secret: str) -> bytes:
    """The key of the keyed hash, derived from a server secret (so it is never the secret itself)."""
    return hashlib.sha256(b"lyt-queue-reference:" + secret.encode()).digest()


def _digest(key: bytes, cid: str) -> bytes:
    return hmac.new(key, cid.encode(), hashlib.sha256).digest()


def queue_reference(key: bytes, cid: str) -> str:
    """Six characters naming a conversation to people (alerts, the queue row); not reversible."""
    return base64.b32encode(_digest(key, cid)).decode().translate(_TO_CROCKFORD)[:REFERENCE_LENGTH]


def claim_key(key: bytes, kind: str, cid: str) -> str:
    """The Redis key that claims one alert (or notice) for one conversation; named by the keyed hash."""
    return redis_keys.alert_claim(kind, _digest(key, cid).hex()[:24])


async def claim_once(redis: Redis, key: bytes, claims: Sequence[tuple[str, str]], ttl_seconds: int) -> list[bool]:
    """Claim each (kind, cid) with SET NX EX in one round trip; True where this replica won."""
    if not claims:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for kind, cid in claims:
            pipe.set(claim_key(key, kind, cid), "1", nx=True, ex=ttl_seconds)
        return [bool(won) for won in await pipe.execute()]


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    reference: str
    waited_seconds: int
    queue_length: int
    counsellors_online: int
    level: str = "urgent"

    def body(self, lang: str, at: datetime | None = None) -> dict[str, Any]:
        """The JSON body: `text` for chat tools, then the same facts as fields. No id, no text, no token."""
        lang = lang if lang in ("da", "en") else "da"
        what = _TEXTS[self.kind][lang].format(reference=self.reference, waited=_duration(self.waited_seconds))
        tail = _TEXTS["tail"][lang].format(queue_length=self.queue_length, online=self.counsellors_online)
        text = what + tail
        moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        return {
            "text": text,
            "kind": self.kind,
            "level": self.level,
            "reference": self.reference,
            "waited_seconds": self.waited_seconds,
            "queue_length": self.queue_length,
            "counsellors_online": self.counsellors_online,
            "at": moment.isoformat().replace("+00:00", "Z"),
        }


class AlertSender:
    """Posts alerts to one webhook from background workers. `submit` never waits."""

    def __init__(
        self,
        url: str | None,
        lang: str = "da",
        attempts: int = ATTEMPTS,
        first_backoff_seconds: float = FIRST_BACKOFF_SECONDS,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        self.url = url or None
        self.lang = lang
        self.attempts = attempts
        self.first_backoff_seconds = first_backoff_seconds
        self.timeout_seconds = timeout_seconds
        self._queue: asyncio.Queue[Alert] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    @property
    def enabled(self) -> bool:
        return self.url is not None

    def start(self) -> None:
        if self.enabled and not self._workers:
            self._workers = [asyncio.create_task(self._work(), name=f"lyt-alerts-{i}") for i in range(WORKERS)]

    async def stop(self) -> None:
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    def submit(self, alert: Alert) -> bool:
        """Queue an alert for sending; False (counted, logged) when alerts are off or the queue is full."""
        if not self.enabled:
            return False
        try:
            self._queue.put_nowait(alert)
        except asyncio.QueueFull:
            ALERTS_DROPPED.labels(kind=alert.kind, reason="queue_full").inc()
            log.error("alert dropped: %s (the alert queue is full)", alert.kind)
            return False
        return True

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=WORKERS),
                timeout=aiohttp.ClientTimeout(
                    total=self.timeout_seconds, connect=min(CONNECT_TIMEOUT_SECONDS, self.timeout_seconds)
                ),
            )
        return self._session

    async def _work(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                await self._deliver(alert)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a worker never dies of one alert
                ALERTS_DROPPED.labels(kind=alert.kind, reason="error").inc()
                log.error("alert %s dropped: %s", alert.kind, type(exc).__name__)

    async def _deliver(self, alert: Alert) -> None:
        payload = json.dumps(alert.body(self.lang), ensure_ascii=False).encode()
        backoff = self.first_backoff_seconds
        for attempt in range(1, self.attempts + 1):
            reason = await self._post(payload)
            if reason is None:
                ALERTS_DELIVERED.labels(kind=alert.kind).inc()
                log.info("alert %s delivered (attempt %d)", alert.kind, attempt)
                return
            ALERT_DELIVERY_ERRORS.labels(kind=alert.kind, reason=reason).inc()
            permanent = reason.startswith("status_4") and reason not in ("status_408", "status_429")
            log.warning("alert %s: attempt %d failed (%s)", alert.kind, attempt, reason)
            if permanent or attempt == self.attempts:
                break
            await asyncio.sleep(backoff)
            backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
        ALERTS_DROPPED.labels(kind=alert.kind, reason="gave_up").inc()
        log.error("alert %s not delivered; gave up", alert.kind)

    async def _post(self, payload: bytes) -> str | None:
        """One attempt: None when the receiver took it (2xx), else a short reason for the metrics."""
        assert self.url is not None
        try:
            async with self._client().post(
                self.url, data=payload, headers={"Content-Type": "application/json"}
            ) as response:
                await response.read()
                return None if 200 <= response.status < 300 else f"status_{response.status}"
        except TimeoutError:
            return "timeout"
        except aiohttp.ClientConnectionError:
            return "connection"
        except aiohttp.ClientError:
            return "client_error"
