"""Live queue positions at scale: `sockets` waiting young people on one gateway, every one of them moved
by each queue change.

Creates the conversations over HTTP, puts them all in the queue (HandoffQueue, as the gateway does), opens
one widget socket per conversation and waits until each has been sent its place on connect. Then, every
`spacing` seconds (longer than the 2 s window, so no update is held back), claims the head of the queue
(everyone behind moves up one) and times from just before the claim until the last socket has its new
position. The gateway's CPU time over the whole series, divided by the changes, is its cost per change
(idle time between changes included, which is small). The load generator (this process, reading 1,000
sockets) shares the two cores with the gateway and Redis, so the time to the last socket is an upper bound.

    .venv/bin/python -m bench.bench_queue_push [--sockets 1000] [--changes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection

from api.services.queue import HandoffQueue
from bench.bench_delivery import open_authed, ws_base
from bench.load import percentile
from bench.procs import cpu_seconds

OPEN_CONCURRENCY = 50
SPACING_SECONDS = 2.5
CHANGE_TIMEOUT_SECONDS = 15.0


@dataclass
class Watcher:
    index: int  # order of enqueueing, 0-based
    cid: str
    socket: ClientConnection
    positions: list[tuple[float, int]] = field(default_factory=list)  # (perf_counter, position) pushed
    task: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for raw in self.socket:
            event = json.loads(raw)
            if event.get("type") == "queue" and "id" not in event and isinstance(event.get("position"), int):
                self.positions.append((time.perf_counter(), event["position"]))

    @property
    def start(self) -> int:
        """The place sent on connect (others may wait ahead: the bench does not need an empty queue)."""
        return self.positions[0][1]

    def got(self, position: int, since: float) -> float | None:
        for at, seen in self.positions:
            if seen == position and at >= since:
                return at
        return None


async def _conversations(gateway_url: str, count: int) -> list[tuple[str, str]]:
    limit = asyncio.Semaphore(16)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one() -> tuple[str, str]:
            async with limit:
                response = await client.post(f"{gateway_url}/api/v1/conversations", json={"lang": "da"})
                response.raise_for_status()
                data = response.json()
                return data["conversation_id"], data["token"]

        return list(await asyncio.gather(*(one() for _ in range(count))))


async def _open(gateway_url: str, conversations: list[tuple[str, str]]) -> list[Watcher]:
    limit = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def one(index: int, cid: str, token: str) -> Watcher:
        async with limit:
            socket = await open_authed(f"{ws_base(gateway_url)}/api/v1/conversations/{cid}/ws", token)
            watcher = Watcher(index, cid, socket)
            watcher.task = asyncio.create_task(watcher.read())
            return watcher

    return list(await asyncio.gather(*(one(i, cid, token) for i, (cid, token) in enumerate(conversations))))


async def _until(check: Any, within_seconds: float) -> bool:
    deadline = time.perf_counter() + within_seconds
    while time.perf_counter() < deadline:
        if check():
            return True
        await asyncio.sleep(0.01)
    return False


async def queue_push(
    gateway_url: str, gateway_pid: int, redis_url: str, sockets: int = 1000, changes: int = 10
) -> dict[str, Any]:
    redis = Redis.from_url(redis_url, decode_responses=True)
    queue = HandoffQueue(redis, lease_ms=3_600_000, capacity=changes + 5, urgent_capacity=2)
    conversations = await _conversations(gateway_url, sockets)
    for cid, _ in conversations:
        await queue.enqueue(cid, "none")  # FIFO: the i-th is at place i + 1
    watchers = await _open(gateway_url, conversations)
    try:
        on_connect = await _until(lambda: all(w.positions for w in watchers), 60)
        if not on_connect:
            raise RuntimeError("not every socket was sent its place on connect")
        await asyncio.sleep(SPACING_SECONDS)  # every socket's window after its connect is over
        first_ms: list[float] = []
        last_ms: list[float] = []
        missing = 0
        cpu_before = cpu_seconds({"gateway": gateway_pid})
        began = time.perf_counter()
        # Claim in queue order, not enqueue order: two enqueued in the same millisecond tie on score and
        # Redis orders them by member, so the place sent on connect is the truth.
        in_order = sorted(watchers, key=lambda w: w.start)
        for change in range(changes):
            head = in_order[change].cid
            moving = in_order[change + 1 :]
            t0 = time.perf_counter()
            await queue.claim(head, f"bench-{change}")
            done = await _until(
                lambda t0=t0, moving=moving, change=change: all(
                    w.got(w.start - change - 1, t0) is not None for w in moving
                ),
                CHANGE_TIMEOUT_SECONDS,
            )
            arrivals = [a for w in moving if (a := w.got(w.start - change - 1, t0)) is not None]
            missing += len(moving) - len(arrivals)
            if arrivals:
                first_ms.append((min(arrivals) - t0) * 1000)
                last_ms.append((max(arrivals) - t0) * 1000)
            if not done:
                print(f"  change {change}: {len(moving) - len(arrivals)} sockets missed the update")
            await asyncio.sleep(max(0.0, t0 + SPACING_SECONDS - time.perf_counter()))
        elapsed = time.perf_counter() - began
        cpu_after = cpu_seconds({"gateway": gateway_pid})
    finally:
        for w in watchers:
            if w.task is not None:
                w.task.cancel()
        await asyncio.gather(*(w.socket.close() for w in watchers), return_exceptions=True)
        await redis.aclose()
    cpu_ms = (cpu_after["gateway"] - cpu_before["gateway"]) * 1000 / max(1, changes)
    result = {
        "sockets": len(watchers),
        "changes": changes,
        "position_on_connect": on_connect,
        "missed_updates": missing,
        "first_socket_p50_ms": round(percentile(first_ms, 50), 1) if first_ms else None,
        "last_socket_p50_ms": round(percentile(last_ms, 50), 1) if last_ms else None,
        "last_socket_max_ms": round(max(last_ms), 1) if last_ms else None,
        "gateway_cpu_ms_per_change": round(cpu_ms, 1),
        "seconds": round(elapsed, 1),
        "within_1_s": bool(last_ms) and max(last_ms) <= 1000 and missing == 0,
    }
    print(
        f"  {result['sockets']} waiting sockets, {changes} changes: last socket p50 {result['last_socket_p50_ms']} ms "
        f"(max {result['last_socket_max_ms']} ms), gateway CPU {result['gateway_cpu_ms_per_change']} ms per change"
    )
    return result


def render(data: dict[str, Any]) -> str:
    """The docs/PERFORMANCE.md block (bench/report.py)."""
    return "\n".join(
        [
            "| waiting sockets | changes | place sent on connect | change → first socket p50 "
            "| change → last socket p50 / max | gateway CPU per change | missed | all within 1 s |",
            "|---|---|---|---|---|---|---|---|",
            f"| {data.get('sockets')} | {data.get('changes')} | {'yes' if data.get('position_on_connect') else 'no'} "
            f"| {data.get('first_socket_p50_ms')} ms | {data.get('last_socket_p50_ms')} / {data.get('last_socket_max_ms')} ms "
            f"| {data.get('gateway_cpu_ms_per_change')} ms | {data.get('missed_updates')} "
            f"| {'yes' if data.get('within_1_s') else '**no**'} |",
        ]
    )


def main() -> None:
    from bench.procs import Processes, start_gateway, start_redis_server

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args()
    with Processes() as procs:
        redis = start_redis_server(procs)
        gateway = start_gateway(procs, redis.url)
        print(
            json.dumps(asyncio.run(queue_push(gateway.url, gateway.process.pid, redis.url, args.sockets, args.changes)))
        )


if __name__ == "__main__":
    main()
