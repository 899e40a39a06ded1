"""Read models for the counsellor dashboard: queue summaries, handover summary, supervisor overview."""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from api import redis_keys
from api.services.accounts import account_capacity
from api.services.action_cards import cards_for_summary
from api.services.alerts import queue_reference
from api.services.live_chats import live_chats
from api.services.queue import HandoffQueue, now_ms
from api.services.returning import earlier_summary, queue_fields

BAND_NAMES = {0: "urgent", 1: "concern", 2: "other"}
QUEUE_LIST_LIMIT = 200


def _reasons_from_log(entries: list[str]) -> tuple[list[str], float]:
    reasons: list[str] = []
    score = 0.0
    for raw in entries:
        item = json.loads(raw)
        score = max(score, float(item.get("score", 0)))
        for reason in item.get("reasons", []):
            if reason not in reasons:
                reasons.append(reason)
    return reasons[:8], score


async def triage_reasons(redis: Redis, cid: str) -> tuple[list[str], float]:
    return _reasons_from_log(await redis.lrange(redis_keys.triage_log(cid), 0, -1))


async def queue_summaries(redis: Redis, reference_key: bytes | None = None) -> list[dict[str, Any]]:
    """Waiting conversations, most urgent first (band, then waiting time). No identifying data.

    With `reference_key`, each row carries the short `reference` that webhook alerts name it by.

    One round trip for the queue and one pipeline for every listed conversation's meta and triage log.
    """
    cids = await redis.zrange(redis_keys.QUEUE, 0, QUEUE_LIST_LIMIT - 1)
    if not cids:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for cid in cids:
            pipe.hgetall(redis_keys.conversation(cid))
            pipe.lrange(redis_keys.triage_log(cid), 0, -1)
        replies = await pipe.execute()
    now = now_ms()
    items: list[dict[str, Any]] = []
    for position, cid in enumerate(cids, start=1):
        meta, log_entries = replies[2 * position - 2], replies[2 * position - 1]
        if not meta:
            continue
        band = int(meta.get("band", 2))
        reasons, score = _reasons_from_log(log_entries)
        items.append(
            {
                "conversation_id": cid,
                "position": position,
                "band": band,
                "band_name": BAND_NAMES.get(band, "other"),
                "level": meta.get("level", "none"),
                "score": round(score, 3),
                "reasons": reasons,
                "lang": meta.get("lang", "da"),
                "topics": [t for t in meta.get("topics", "").split(",") if t],
                "waiting_seconds": max(0, (now - int(meta.get("enqueued_ms", now))) // 1000),
                **queue_fields(meta, now),  # returning, earlier counsellor, offered to (api/services/returning.py)
            }
        )
        if reference_key is not None:
            items[-1]["reference"] = queue_reference(reference_key, cid)
    return items


async def handover_summary(redis: Redis, cid: str) -> dict[str, Any]:
    meta = await redis.hgetall(redis_keys.conversation(cid))
    reasons, score = await triage_reasons(redis, cid)
    claimed = int(meta.get("claimed_ms", 0) or 0)
    enqueued = int(meta.get("enqueued_ms", 0) or 0)
    return {
        "conversation_id": cid,
        "level": meta.get("level", "none"),
        "score": round(score, 3),
        "reasons": reasons,
        "lang": meta.get("lang", "da"),
        "topics": [t for t in meta.get("topics", "").split(",") if t],
        "mode": meta.get("mode", "bot"),
        "counsellor": meta.get("counsellor", ""),
        "answered_articles": await redis.lrange(redis_keys.answered_articles(cid), 0, -1),
        "action_cards": cards_for_summary(await redis.lrange(redis_keys.shown_cards(cid), 0, -1)),
        "waited_seconds": max(0, (claimed - enqueued) // 1000) if claimed and enqueued else None,
        "notes": [json.loads(n) for n in await redis.lrange(redis_keys.notes(cid), 0, -1)],
        "risk_changes": json.loads(meta.get("risk_changes", "[]")),
        "returning": meta.get("returning") == "1",
        # A returning chat: the earlier chat's summary, notes and outcome, never its transcript (returning.py).
        "earlier": await earlier_summary(redis, meta),
    }


async def supervisor_overview(
    redis: Redis, queue: HandoffQueue, urgent_alert_seconds: int, reference_key: bytes | None = None
) -> dict[str, Any]:
    waiting = await queue_summaries(redis, reference_key)
    per_band = {name: 0 for name in BAND_NAMES.values()}
    for item in waiting:
        per_band[item["band_name"]] += 1
    longest = max((item["waiting_seconds"] for item in waiting), default=0)
    alerts = [item for item in waiting if item["band"] == 0 and item["waiting_seconds"] >= urgent_alert_seconds]
    online = await redis.zrangebyscore(redis_keys.COUNSELLORS_ONLINE, now_ms() - 60_000, "+inf")
    counsellors = []
    for name in online:
        held = await redis.scard(redis_keys.counsellor_held(name))
        urgent = await redis.scard(redis_keys.counsellor_held_urgent(name))
        capacity, urgent_capacity = await account_capacity(redis, name, (queue.capacity, queue.urgent_capacity))
        counsellors.append(
            {"name": name, "held": held, "urgent": urgent, "capacity": capacity, "urgent_capacity": urgent_capacity}
        )
    day = await redis.hgetall(redis_keys.day_stats(time.strftime("%Y%m%d")))
    return {
        "queue_by_band": per_band,
        "longest_wait_seconds": longest,
        "urgent_alerts": [
            {k: a[k] for k in ("conversation_id", "waiting_seconds", "reference") if k in a} for a in alerts
        ],
        "counsellors_online": counsellors,
        "live_chats": await live_chats(redis),  # held chats, level and when risk last rose (live_chats.py)
        "today": day_chart(day),
    }


def day_chart(day: dict[str, str]) -> dict[str, Any]:
    """Hourly counts and mean waits per band from the day's aggregate counters."""
    conversations = [int(day.get(f"conv:{h:02d}", 0)) for h in range(24)]
    waits: dict[str, list[float]] = {}
    for band, name in BAND_NAMES.items():
        row = []
        for hour in range(24):
            count = int(day.get(f"wait:{band}:{hour:02d}:n", 0))
            total = float(day.get(f"wait:{band}:{hour:02d}:sum", 0))
            row.append(round(total / count, 1) if count else 0.0)
        waits[name] = row
    return {"conversations_per_hour": conversations, "mean_wait_seconds_per_hour": waits}


async def record_day_stat(redis: Redis, field: str, amount: float = 1) -> None:
    key = redis_keys.day_stats(time.strftime("%Y%m%d"))
    await redis.hincrbyfloat(key, field, amount)
    await redis.expire(key, redis_keys.DAY_STATS_TTL_SECONDS)
