"""Check BoundedRedisTrackerStore against Rasa's RedisTrackerStore on a 100-turn conversation.

    .venv-rasa/bin/python bot/eval/check_tracker_store.py var/models/lyt.tar.gz 127.0.0.1 6379

Asserts: the same replies as the stock store, slot `lang` kept after old turns are dropped, at most
`max_turns` user turns stored, a TTL on the key, and turns 91-100 costing at most 1.5x turns 1-10 (medians).
Uses keys under the prefixes "lytcheck" / "lytcheckbounded" and deletes them. Exit code 0 = all good.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import time
from typing import Any

sys.path.insert(1, os.getcwd())

MESSAGES = ["hej", "tak", "er det anonymt", "nej", "ja", "hvem vinder vm", "farvel"]


async def conversation(agent: Any, store: Any, sender: str) -> tuple[list[str], list[float]]:
    agent.tracker_store = store
    agent.processor.tracker_store = store
    await agent.handle_text('/set_lang{"lang": "en"}', sender_id=sender)
    replies, times = [], []
    for turn in range(100):
        start = time.perf_counter()
        out = await agent.handle_text(MESSAGES[turn % len(MESSAGES)], sender_id=sender)
        times.append((time.perf_counter() - start) * 1000)
        replies.append(" | ".join(str(m.get("text") or m.get("custom")) for m in out))
    return replies, times


async def main(model: str, host: str, port: str) -> int:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import UserUttered
    from rasa.utils.log_utils import configure_structlog

    from bot.tracker_store import BoundedRedisTrackerStore

    logging.disable(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    sender = f"check-{time.time_ns()}"
    stock = RedisTrackerStore(agent.domain, host=host, port=int(port), key_prefix="lytcheck", record_exp=600)
    bounded = BoundedRedisTrackerStore(
        agent.domain, host=host, port=port, db="0", password="", key_prefix="lytcheckbounded", record_exp="600"
    )
    stock_replies, stock_times = await conversation(agent, stock, sender)
    bounded_replies, bounded_times = await conversation(agent, bounded, sender)
    tracker = await bounded.retrieve(sender)
    key = bounded.key_prefix + sender
    ttl = bounded.red.ttl(key)
    user_turns = sum(isinstance(event, UserUttered) for event in tracker.events)
    # Medians: the check must hold on a busy, shared machine too.
    first, last = statistics.median(bounded_times[:10]), statistics.median(bounded_times[-10:])
    stock_first, stock_last = statistics.median(stock_times[:10]), statistics.median(stock_times[-10:])
    bounded.red.delete(key, stock.key_prefix + sender)
    checks = {
        "same replies as RedisTrackerStore": stock_replies == bounded_replies,
        "slot lang kept (en)": tracker.get_slot("lang") == "en",
        f"stored user turns {user_turns} <= max_turns {bounded.max_turns}": user_turns <= bounded.max_turns,
        f"key has a TTL ({ttl} s)": 0 < ttl <= 600,
        f"turns 91-100 {last:.1f} ms <= 1.5 x turns 1-10 {first:.1f} ms": last <= 1.5 * first,
    }
    print(f"RedisTrackerStore: turns 1-10 {stock_first:.1f} ms, turns 91-100 {stock_last:.1f} ms")
    for name, ok in checks.items():
        print(("ok   " if ok else "FAIL ") + name)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:4])))
