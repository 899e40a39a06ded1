"""A returning young person's new conversation (issue 18 part 1): what it carries from the earlier one.

The new conversation's meta holds `returning` ("1"), `return_of` (the earlier conversation's id, which the
young person linked by using their code) and `return_to` (the counsellor who last held the earlier chat, or
""). enqueue.lua offers it to that counsellor alone for LYT_RETURN_PREFERENCE_SECONDS when they are online
with capacity (`prefer_until_ms`), never in the urgent band; claim.lua keeps others out until then.

The counsellor who picks it up sees the earlier conversation's handover summary, its notes and outcome
(`earlier_summary`), never its transcript.
"""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis

from api import redis_keys
from api.services.action_cards import cards_for_summary


async def returning_fields(redis: Redis, earlier_cid: str) -> tuple[dict[str, str], str]:
    """The new conversation's meta fields for a return to `earlier_cid`, and the earlier chat's language."""
    meta = await redis.hgetall(redis_keys.conversation(earlier_cid))
    holder = meta.get("counsellor", "") if meta.get("mode") == "human" else ""
    earlier_counsellor = holder or meta.get("last_counsellor", "")
    fields = {"returning": "1", "return_of": earlier_cid, "return_to": earlier_counsellor}
    return fields, meta.get("lang", "da")


def queue_fields(meta: dict[str, str], now_ms: int) -> dict[str, Any]:
    """A queue row's return fields: returning, the earlier counsellor, and to whom it is offered for now."""
    if meta.get("returning") != "1":
        return {"returning": False}
    earlier = meta.get("return_to") or None
    until = int(meta.get("prefer_until_ms", "0") or 0)
    offered = earlier if earlier and until > now_ms and meta.get("band") != "0" else None
    return {
        "returning": True,
        "earlier_counsellor": earlier,
        "offered_to": offered,
        "offered_seconds_left": max(0, (until - now_ms + 999) // 1000) if offered else 0,
    }


async def earlier_summary(redis: Redis, meta: dict[str, str]) -> dict[str, Any] | None:
    """For a returning conversation's holder: the earlier chat's summary, notes and outcome; no transcript.
    None when the conversation is not returning; {"available": False} when the earlier one is gone."""
    if meta.get("returning") != "1":
        return None
    earlier_cid = meta.get("return_of", "")
    earlier = await redis.hgetall(redis_keys.conversation(earlier_cid)) if earlier_cid else {}
    if not earlier:
        return {"available": False, "counsellor": meta.get("return_to") or None}
    async with redis.pipeline(transaction=False) as pipe:
        pipe.lrange(redis_keys.triage_log(earlier_cid), 0, -1)
        pipe.lrange(redis_keys.answered_articles(earlier_cid), 0, -1)
        pipe.lrange(redis_keys.shown_cards(earlier_cid), 0, -1)
        pipe.lrange(redis_keys.notes(earlier_cid), 0, -1)
        triage, answered, cards, notes = await pipe.execute()
    reasons: list[str] = []
    for raw in triage:
        for reason in json.loads(raw).get("reasons", []):
            if reason not in reasons:
                reasons.append(reason)
    return {
        "available": True,
        "counsellor": meta.get("return_to") or None,
        "outcome": earlier.get("outcome") or None,
        "level": earlier.get("level", "none"),
        "reasons": reasons[:8],
        "topics": [t for t in earlier.get("topics", "").split(",") if t],
        "answered_articles": answered,
        "action_cards": cards_for_summary(cards),
        "notes": [json.loads(n) for n in notes],
        "risk_changes": json.loads(earlier.get("risk_changes", "[]")),
        "started_ms": int(earlier.get("created_ms", "0") or 0),
    }
