"""The supervisor's view of live chats: who holds which, at what level, and when risk last rose.

`risk_raised_ms` is set on the conversation by the message path when a youth message in a live chat
raised the level or was urgent (the same moment the holder gets the `risk` event), and the dashboard
channel is told, so supervisors' sockets push a fresh overview at once.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from api import redis_keys
from api.services.conversations import level_rank
from api.services.queue import now_ms

LIVE_CHATS_LIMIT = 200


async def live_chats(redis: Redis) -> list[dict[str, Any]]:
    """Chats a counsellor holds now, highest level first, then the most recent risk first."""
    cids = await redis.zrange(redis_keys.QUEUE_LEASES, 0, LIVE_CHATS_LIMIT - 1)
    if not cids:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for cid in cids:
            pipe.hmget(redis_keys.conversation(cid), "mode", "counsellor", "level", "risk_raised_ms", "claimed_ms")
        rows = await pipe.execute()
    now = now_ms()
    chats: list[dict[str, Any]] = []
    for cid, (mode, counsellor, level, raised, claimed) in zip(cids, rows, strict=True):
        if _s(mode) != "human":
            continue
        raised_ms = int(_s(raised) or 0)
        chats.append(
            {
                "conversation_id": _s(cid),
                "counsellor": _s(counsellor),
                "level": _s(level) or "none",
                "risk_raised_ms": raised_ms or None,
                "risk_raised_seconds_ago": max(0, (now - raised_ms) // 1000) if raised_ms else None,
                "held_seconds": max(0, (now - int(_s(claimed) or now)) // 1000),
            }
        )
    chats.sort(key=lambda c: (-level_rank(c["level"]), -(c["risk_raised_ms"] or 0)))
    return chats


def _s(value: Any) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
