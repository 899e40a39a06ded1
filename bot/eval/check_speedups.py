"""Check bot/rasa_speedups.py and bot/lock_store.py against Rasa's own code (runs in the Rasa venv).

    .venv-rasa/bin/python bot/eval/check_speedups.py var/models/lyt.tar.gz 127.0.0.1 6379

Prints one JSON object of named checks (true = passed) and exits 0 when all pass. tests/integration/
test_rasa_speedups.py runs it against the test suite's Redis server.

- The model loaded with the speed-ups (sequential graph runner, direct intent features) parses every
  training sentence, and a typo'd copy of it, to the same intent ranking and confidences as stock Rasa,
  and plays scripted conversations to the same replies.
- The atomic lock store lets one message of a conversation in at a time, in ticket order, under
  contention; deletes its key afterwards; keeps a TTL on it meanwhile; writes a lock Rasa's own
  RedisLockStore can read; and gets past the tickets of a holder that died.
- Action server calls reuse one connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(1, os.getcwd())

CONVERSATIONS = [
    ["hej", "hvem er du", "tak", "farvel"],
    ['/set_lang{"lang": "en"}', "hi", "is this anonymous", "thanks", "bye"],
    ["hejsa", "ja", "nej", "jeg vil gerne tale med en voksen"],
]


def training_sentences() -> list[str]:
    import yaml

    sentences = []
    for path in sorted(Path("bot/data/nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            sentences += [line[2:].strip() for line in str(block.get("examples", "")).splitlines() if line.startswith("- ")]
    typos = [s[:-2] + s[-1] + s[-2] if len(s) > 4 else s for s in sentences]  # swap the last two letters
    return sentences + typos


async def parses(agent: Any, texts: list[str]) -> list[Any]:
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        out.append([(r["name"], round(float(r["confidence"]), 9)) for r in parsed["intent_ranking"]])
    return out


async def replies(agent: Any) -> list[list[str]]:
    import random

    import numpy as np

    random.seed(7)  # responses with several variations are picked at random
    np.random.seed(7)
    played = []
    for turns in CONVERSATIONS:
        sender = uuid.uuid4().hex
        for text in turns:
            out = await agent.handle_text(text, sender_id=sender)
            played.append([json.dumps({k: v for k, v in m.items() if k != "recipient_id"}, sort_keys=True) for m in out])
    return played


async def check_model(model: str) -> dict[str, bool]:
    from rasa.core.agent import Agent

    from bot import rasa_speedups

    texts = training_sentences()
    stock = Agent.load(model)
    stock_parses, stock_replies = await parses(stock, texts), await replies(stock)
    installed = rasa_speedups.install()
    fast = Agent.load(model)
    runner = type(fast.processor.graph_runner).__name__
    return {
        "speed-ups installed": installed and runner == "SequentialGraphRunner",
        f"same intent rankings on {len(texts)} sentences": stock_parses == await parses(fast, texts),
        "same replies in scripted conversations": stock_replies == await replies(fast),
    }


async def check_lock_store(host: str, port: str) -> dict[str, bool]:
    from rasa.core.lock_store import RedisLockStore
    from rasa.utils.endpoints import EndpointConfig

    from bot.lock_store import AtomicRedisLockStore

    config = EndpointConfig(url=host, port=port, db="0", password="", key_prefix="lytcheck", type="x")
    store = AtomicRedisLockStore(endpoint_config=config, poll_seconds=0.005)
    stock = RedisLockStore(host=host, port=int(port), db=0, key_prefix="lytcheck")
    cid = f"check-{uuid.uuid4().hex}"
    inside: list[int] = []
    entered: list[int] = []
    overlap = False
    seen: dict[str, Any] = {}

    async def message(number: int) -> None:
        nonlocal overlap
        async with store.lock(cid):
            if inside:
                overlap = True
            inside.append(number)
            entered.append(number)
            if number == 0:
                seen["ttl"] = store.red.pttl(store.key_prefix + cid)
                stock_view = stock.get_lock(cid)
                seen["stock reads it"] = stock_view is not None and stock_view.now_serving == 0
            await asyncio.sleep(0.002)
            inside.remove(number)

    tasks = []
    for number in range(20):  # tickets are taken in this order: each task starts before the next
        tasks.append(asyncio.ensure_future(message(number)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    key_left = store.red.exists(store.key_prefix + cid)

    # A holder that died: its ticket expires, and the next message gets in.
    dead = store.issue_ticket(cid, lock_lifetime=0.2)
    start = time.monotonic()
    async with store.lock(cid, lock_lifetime=5):
        waited = time.monotonic() - start
    store.red.delete(store.key_prefix + cid)
    return {
        "one message at a time": not overlap,
        "in ticket order": entered == list(range(20)),
        "key deleted after the last message": key_left == 0,
        "key has a TTL while held": 0 < int(seen.get("ttl", -1)) <= 61_000,
        "Rasa's RedisLockStore reads the lock": bool(seen.get("stock reads it")),
        f"a dead holder's ticket {dead} expires ({waited:.2f} s)": 0.1 <= waited < 2.0,
    }


async def check_connections() -> dict[str, bool]:
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    connections: set[int] = set()

    async def handler(request: web.Request) -> web.Response:
        connections.add(id(request.transport))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
    answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
    await runner.cleanup()
    kept = getattr(endpoint, "_lyt_session", None)
    if kept is not None:
        await kept[1].close()
    return {"5 action calls, 1 connection": len(connections) == 1 and all(a == {"ok": True} for a in answers)}


async def main(model: str, host: str, port: str) -> int:
    from rasa.utils.log_utils import configure_structlog

    logging.disable(logging.WARNING)
    configure_structlog(logging.WARNING)
    checks = await check_model(model)  # installs the speed-ups after measuring stock Rasa
    checks |= await check_lock_store(host, port)
    checks |= await check_connections()
    print(json.dumps(checks, indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:4])))
