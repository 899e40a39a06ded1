"""Conversation event log: one Redis stream per conversation, ids are the event ids.

A write is acknowledged only after XADD returned, and every append is announced on the
conversation's pub/sub channel so any gateway replica can wake its WebSockets.

Counsellor-only parts. A youth message that triage flagged carries `spans` (offsets into its stored,
scrubbed text) and, in human mode when it raised the level or is urgent, `risk` ({level, reasons}). The
young person never sees either: every youth-facing path sends `for_youth(event)`. Counsellor paths send
`for_counsellor(events)`, which follows each such message with its `risk` event
`{"type": "risk", "level", "reasons", "spans", "event_id"}`, live and after any reconnect alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from api import redis_keys

Event = dict[str, Any]

EVENT_TYPES = frozenset({"message", "queue", "system", "typing", "ended", "risk", "action_card"})
COUNSELLOR_ONLY_FIELDS = ("spans", "risk", "triage_level")


def system_event(text: str, buttons: Sequence[dict[str, str]] = ()) -> Event:
    event: Event = {"type": "system", "from": "system", "text": text}
    if buttons:
        event["buttons"] = list(buttons)
    return event


def bot_event(text: str | None, buttons: Sequence[dict[str, str]] = (), article: dict[str, str] | None = None) -> Event:
    event: Event = {"type": "message", "from": "bot"}
    if text:
        event["text"] = text
    if buttons:
        event["buttons"] = list(buttons)
    if article:
        event["article"] = article
    return event


# Every append trims the stream (approximately, `XADD ... MAXLEN ~`): a flood of /handoff calls or
# messages cannot grow one conversation's stream without bound. Far above any real chat.
EVENTS_MAXLEN = 5000


async def append_events(
    redis: Redis, cid: str, events: Sequence[Event], ttl_seconds: int, publish: bool = True
) -> list[Event]:
    """Store events in order and publish them; returns the events with their ids. With `publish=False`
    the caller publishes (`add_publish`), in a pipeline with its other writes."""
    if not events:
        return []
    stream = redis_keys.events(cid)
    async with redis.pipeline(transaction=True) as pipe:
        for event in events:
            pipe.xadd(stream, {"e": json.dumps(event, ensure_ascii=False)}, maxlen=EVENTS_MAXLEN, approximate=True)
        pipe.expire(stream, ttl_seconds)
        results = await pipe.execute()
    stored: list[Event] = []
    for event, event_id in zip(events, results[: len(events)], strict=True):
        stored.append({"id": _as_str(event_id), **event})
    if publish:
        await redis.publish(redis_keys.conversation_channel(cid), stored[-1]["id"])
    return stored


def add_publish(pipe: Pipeline, cid: str, stored: Sequence[Event]) -> None:
    """Tell live sockets about events `append_events` stored (after the store, as it does itself)."""
    if stored:
        pipe.publish(redis_keys.conversation_channel(cid), stored[-1]["id"])


async def read_events(redis: Redis, cid: str, after: str | None = None, count: int = 1000) -> list[Event]:
    """Events strictly after `after` (an event id), oldest first."""
    start = f"({after}" if after else "-"
    entries = await redis.xrange(redis_keys.events(cid), min=start, max="+", count=count)
    return [_decode(entry_id, fields) for entry_id, fields in entries]


def for_youth(event: Event) -> Event:
    """The event as the young person may see it: no spans, no risk annotation."""
    if not any(field in event for field in COUNSELLOR_ONLY_FIELDS):
        return event
    return {k: v for k, v in event.items() if k not in COUNSELLOR_ONLY_FIELDS}


def youth_events(events: Sequence[Event]) -> list[Event]:
    return [for_youth(e) for e in events if e.get("type") != "risk"]


def risk_event(event: Event) -> Event | None:
    """The counsellor's `risk` event for a stored youth message that raised the level or is urgent."""
    risk = event.get("risk")
    if not isinstance(risk, dict) or "id" not in event:
        return None
    return {
        "type": "risk",
        "level": risk.get("level", "urgent"),
        "reasons": list(risk.get("reasons", [])),
        "spans": list(event.get("spans", [])),
        "event_id": event["id"],
    }


def for_counsellor(events: Sequence[Event]) -> list[Event]:
    """Stored events as counsellors see them: each flagged youth message followed by its risk event."""
    out: list[Event] = []
    for event in events:
        out.append(event)
        risk = risk_event(event)
        if risk is not None:
            out.append(risk)
    return out


def as_seen_by(audience: str, event: Event) -> list[Event]:
    """One stored event as a socket of `audience` ("youth" or "counsellor") is sent it."""
    return for_counsellor([event]) if audience == "counsellor" else youth_events([event])


async def publish_ephemeral(redis: Redis, cid: str, event: Event) -> None:
    """Deliver an event that is not stored (typing indicators) to live sockets only."""
    await redis.publish(redis_keys.conversation_channel(cid), json.dumps(event))


def _as_str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _decode(entry_id: bytes | str, fields: dict[Any, Any]) -> Event:
    raw: str | bytes = fields.get(b"e") or fields.get("e") or "{}"
    event: Event = json.loads(raw)
    return {"id": _as_str(entry_id), **event}


def valid_event_id(value: str) -> bool:
    """A Redis stream id: "<ms>" or "<ms>-<seq>", each an unsigned 64-bit integer."""
    left, dash, right = value.partition("-")
    parts = [left, right] if dash else [left]
    return all(p.isascii() and p.isdigit() and int(p) < 2**64 for p in parts)
