"""Long conversations: does turn 100 cost more than turn 1? (Target: turn 100 <= 1.5 x turn 1.)

One conversation at a time sends `turns` messages from a fixed cycle of CYCLE_LENGTH bot-mode
messages, so turns 1, 12, 23, ... 100 are the same greeting. Reported per variant:
- turn 1 and turn 100 (median over `conversations` conversations) and their ratio — the product bar.
  Turn 1 through the gateway also carries the /set_lang call to Rasa;
- the stricter ratio of one full cycle late (turns 90–100) over one full cycle early (turns 2–12),
  the same eleven messages, no set-up work in either;
- the size of Rasa's stored tracker after the last turn.
`through_gateway` drives the HTTP contract; `direct_to_rasa` drives a Rasa REST webhook, optionally
restarting the Rasa session (/session_start) every `session_every` turns.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from typing import Any

import httpx
from redis.asyncio import Redis

from bench.load import percentile, with_typos

CYCLE: list[tuple[str, str]] = [
    ("da", "hej"),
    ("da", "hvordan kan jeg bruge mindre tid på min telefon?"),
    ("da", "tak"),
    ("da", "jeg kan ikke sove om natten, hvad kan jeg gøre"),
    ("da", "okay"),
    ("da", "hvordan gør jeg min instagram privat"),
    ("da", "tusind tak"),
    ("da", "hvordan ved jeg om en profil er fake"),
    ("da", "tak for hjælpen"),
    ("da", "min mor siger jeg gamer for meget"),
    ("da", "tak"),
]
CYCLE_LENGTH = len(CYCLE)
QUESTION_TURNS = {1, 3, 5, 7, 9}  # cycle positions holding knowledge questions: typed with slips
EARLY = range(2, 2 + CYCLE_LENGTH)  # turns 2..12
RATIO_TARGET = 1.5


def _late(turns: int) -> range:
    return range(turns - CYCLE_LENGTH + 1, turns + 1)


def _text(turn: int, rng: random.Random) -> str:
    text = CYCLE[turn % CYCLE_LENGTH][1]
    return with_typos(text, rng) if turn % CYCLE_LENGTH in QUESTION_TURNS else text


def summarise(per_conversation: list[list[float]], turns: int) -> dict[str, Any]:
    """Per-turn latencies (seconds, index 0 = turn 1) → medians, ratios, per-turn median curve in ms."""
    complete = [c for c in per_conversation if len(c) == turns]
    if not complete:
        return {"turns": turns, "conversations": 0}

    def at(turn: int) -> float:
        return statistics.median(c[turn - 1] for c in complete) * 1000

    def window(span: range) -> float:
        return statistics.median(statistics.mean(c[t - 1] for t in span) for c in complete) * 1000

    result: dict[str, Any] = {
        "turns": turns,
        "conversations": len(complete),
        "turn_1_ms": round(at(1), 1),
        f"turn_{turns}_ms": round(at(turns), 1),
        "last_over_first": round(at(turns) / at(1), 2),
        "curve_ms": [round(at(t), 1) for t in range(1, turns + 1)],
    }
    if turns >= 2 * CYCLE_LENGTH + 1:
        early, late = window(EARLY), window(_late(turns))
        result.update(
            early_cycle_ms=round(early, 1), late_cycle_ms=round(late, 1), late_over_early=round(late / early, 2)
        )
        all_ms = [x * 1000 for c in complete for x in c]
        result["p95_ms"] = round(percentile(all_ms, 95), 1)
    result["target_met"] = (
        result["last_over_first"] <= RATIO_TARGET and result.get("late_over_early", 0) <= RATIO_TARGET
    )
    return result


async def _tracker_bytes(redis_url: str | None, sender: str, prefix: str = "rasa") -> int | None:
    if not redis_url:
        return None
    redis = Redis.from_url(redis_url)
    try:
        return int(await redis.strlen(f"{prefix}:tracker:{sender}"))
    finally:
        await redis.aclose()


async def through_gateway(
    gateway_url: str, turns: int = 100, conversations: int = 3, redis_url: str | None = None
) -> dict[str, Any]:
    per_conversation: list[list[float]] = []
    rng = random.Random(time.time_ns())
    tracker_sizes: list[int] = []
    left_bot = 0
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(conversations):
            response = await client.post(f"{gateway_url}/api/v1/conversations", json={"lang": "da"})
            response.raise_for_status()
            cid, token = response.json()["conversation_id"], response.json()["token"]
            latencies: list[float] = []
            for turn in range(turns):
                began = time.perf_counter()
                reply = await client.post(
                    f"{gateway_url}/api/v1/conversations/{cid}/messages",
                    json={"text": _text(turn, rng), "client_msg_id": uuid.uuid4().hex},
                    headers={"Authorization": f"Bearer {token}"},
                )
                latencies.append(time.perf_counter() - began)
                reply.raise_for_status()
                if any(e.get("type") == "queue" for e in reply.json()["events"]):
                    left_bot += 1  # handed off: later turns would skip Rasa, so this one does not count
                    break
            per_conversation.append(latencies)
            size = await _tracker_bytes(redis_url, cid)
            if size is not None:
                tracker_sizes.append(size)
    result = summarise(per_conversation, turns) | {"left_bot": left_bot}
    if tracker_sizes:
        result["tracker_bytes"] = max(tracker_sizes)
    _print("gateway", result)
    return result


async def direct_to_rasa(
    rasa_url: str,
    turns: int = 100,
    conversations: int = 3,
    session_every: int | None = None,
    redis_url: str | None = None,
    tracker_prefix: str = "rasa",
) -> dict[str, Any]:
    per_conversation: list[list[float]] = []
    rng = random.Random(time.time_ns())
    tracker_sizes: list[int] = []
    async with httpx.AsyncClient(timeout=60, base_url=rasa_url) as client:
        for _ in range(conversations):
            sender = f"bench-long-{uuid.uuid4().hex}"
            await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": '/set_lang{"lang":"da"}'})
            latencies: list[float] = []
            for turn in range(turns):
                if session_every and turn and turn % session_every == 0:
                    await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "/session_start"})
                began = time.perf_counter()
                reply = await client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": _text(turn, rng)}
                )
                latencies.append(time.perf_counter() - began)
                reply.raise_for_status()
            per_conversation.append(latencies)
            size = await _tracker_bytes(redis_url, sender, tracker_prefix)
            if size is not None:
                tracker_sizes.append(size)
    result = summarise(per_conversation, turns)
    if tracker_sizes:
        result["tracker_bytes"] = max(tracker_sizes)
    _print("rasa" + (f" (session every {session_every})" if session_every else ""), result)
    return result


def _print(how: str, result: dict[str, Any]) -> None:
    turns = result["turns"]
    if not result.get("conversations"):
        print(f"  {how}: no complete conversation")
        return
    print(
        f"  {how}: turn 1 {result['turn_1_ms']} ms, turn {turns} {result[f'turn_{turns}_ms']} ms "
        f"(x{result['last_over_first']}); cycle late/early x{result.get('late_over_early', '-')}; "
        f"tracker {result.get('tracker_bytes', '-')} bytes"
    )
