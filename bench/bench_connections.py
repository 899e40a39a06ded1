"""Idle widget WebSockets held by one gateway process: how many, and the memory each costs (psutil).

Creates `connections` conversations over HTTP, measures the gateway's RSS, opens one widget socket
per conversation (/api/v1/conversations/{id}/ws), waits, measures again, checks every socket still
answers a ping, then wakes every socket at once with one published event each. Target: >= 1,000
sockets with the process under 200 MB.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection

from bench.bench_delivery import open_authed, ws_base

OPEN_CONCURRENCY = 50
SETTLE_SECONDS = 2.0
TARGET_CONNECTIONS = 1000
TARGET_RSS_MB = 200.0


def rss_bytes(pid: int) -> int:
    """RSS of the process and its children (uvicorn workers)."""
    process = psutil.Process(pid)
    return int(process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True)))


async def _conversations(client: httpx.AsyncClient, gateway_url: str, count: int) -> list[tuple[str, str]]:
    limit = asyncio.Semaphore(16)

    async def one() -> tuple[str, str]:
        async with limit:
            response = await client.post(f"{gateway_url}/api/v1/conversations", json={"lang": "da"})
            response.raise_for_status()
            data = response.json()
            return data["conversation_id"], data["token"]

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _ping_all(sockets: list[ClientConnection]) -> tuple[int, float]:
    began = time.perf_counter()

    async def ping(socket: ClientConnection) -> bool:
        await socket.send(json.dumps({"type": "ping"}))
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
            if frame.get("type") == "pong":
                return True

    answered = await asyncio.gather(*(ping(s) for s in sockets), return_exceptions=True)
    return sum(1 for a in answered if a is True), time.perf_counter() - began


async def idle_websockets(gateway_url: str, gateway_pid: int, connections: int = TARGET_CONNECTIONS) -> dict[str, Any]:
    sockets: list[ClientConnection] = []
    failed = 0
    async with httpx.AsyncClient(timeout=30) as client:
        conversations = await _conversations(client, gateway_url, connections)
    gc.collect()
    await asyncio.sleep(0.5)
    before = rss_bytes(gateway_pid)
    limit = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def open_one(cid: str, token: str) -> None:
        nonlocal failed
        async with limit:
            try:
                sockets.append(await open_authed(f"{ws_base(gateway_url)}/api/v1/conversations/{cid}/ws", token))
            except (OSError, TimeoutError, Exception):  # noqa: BLE001 - counted, reported
                failed += 1

    opened_at = time.perf_counter()
    try:
        await asyncio.gather(*(open_one(cid, token) for cid, token in conversations))
        open_seconds = time.perf_counter() - opened_at
        await asyncio.sleep(SETTLE_SECONDS)
        after = rss_bytes(gateway_pid)
        alive, ping_seconds = await _ping_all(sockets)
    finally:
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    per_connection = (after - before) / len(sockets) if sockets else float("nan")
    result = {
        "requested": connections,
        "open": len(sockets),
        "failed": failed,
        "alive_after_idle": alive,
        "open_seconds": round(open_seconds, 2),
        "ping_all_seconds": round(ping_seconds, 2),
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "per_connection_kb": round(per_connection / 1024, 1),
        "target_met": alive >= min(connections, TARGET_CONNECTIONS) and after / 2**20 < TARGET_RSS_MB,
    }
    print(
        f"  {result['open']} idle sockets ({alive} answered a ping): RSS {result['rss_before_mb']} → "
        f"{result['rss_after_mb']} MB, {result['per_connection_kb']} kB per connection"
    )
    return result
