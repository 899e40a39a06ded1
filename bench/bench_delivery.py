"""Delivery latency through Redis pub/sub, measured with real gateway processes.

- enqueue → dashboard: a young person asks for a person (POST .../messages "/ask_human"); timed from
  that request until the counsellor dashboard WebSocket (/api/v1/counsellor/ws) shows the conversation.
  `background` other conversations wait in the queue (the dashboard lists up to 200).
- counsellor → youth: the counsellor POSTs on gateway B, the young person's WebSocket is on gateway A;
  timed until the message arrives. Every other message is posted on gateway A instead: that is the
  same-gateway baseline measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from api.services.accounts import create_account
from api.services.queue import HandoffQueue
from bench.bench_queue import _new_conversations
from bench.load import percentile

PASSWORD = "bench-password-0123"
RECV_TIMEOUT_SECONDS = 10.0


def _ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds] or [float("nan")]
    return {"n": len(seconds), **{f"p{q}_ms": round(percentile(ms, q), 2) for q in (50, 95, 99)}}


def ws_base(url: str) -> str:
    return url.replace("http://", "ws://")


async def open_authed(url: str, token: str, **options: Any) -> ClientConnection:
    """A socket authenticated by its first frame {"type": "auth", "token"} and answered {"type": "ready"}
    (no credential in the URL, docs/SECURITY.md)."""
    socket = await connect(url, **options)
    await socket.send(json.dumps({"type": "auth", "token": token}))
    ready = json.loads(await asyncio.wait_for(socket.recv(), RECV_TIMEOUT_SECONDS))
    if ready != {"type": "ready"}:
        await socket.close()
        raise RuntimeError(f"socket not ready: {ready}")
    return socket


async def counsellor_token(client: httpx.AsyncClient, gateway_url: str, redis_url: str, name: str) -> str:
    await create_account(redis_url, name, PASSWORD, "counsellor")
    response = await client.post(f"{gateway_url}/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


async def new_youth(client: httpx.AsyncClient, gateway_url: str) -> tuple[str, str]:
    response = await client.post(f"{gateway_url}/api/v1/conversations", json={"lang": "da"})
    response.raise_for_status()
    data = response.json()
    return data["conversation_id"], data["token"]


async def youth_post(
    client: httpx.AsyncClient, gateway_url: str, cid: str, token: str, text: str
) -> list[dict[str, Any]]:
    response = await client.post(
        f"{gateway_url}/api/v1/conversations/{cid}/messages",
        json={"text": text, "client_msg_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    events: list[dict[str, Any]] = response.json()["events"]
    return events


async def _until(socket: ClientConnection, match: Any, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(socket.recv(), timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            return False
        if match(json.loads(raw)):
            return True
    return False


async def dashboard_visibility(
    gateway_url: str, redis_url: str, samples: int = 50, background: int = 100
) -> dict[str, Any]:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, decode_responses=True)
    queue = HandoffQueue(redis, lease_ms=120_000, capacity=3, urgent_capacity=2)
    for cid in await _new_conversations(redis, background):
        await queue.enqueue(cid, "none")
    await redis.aclose()
    latencies: list[float] = []
    missed = 0
    async with httpx.AsyncClient(timeout=30) as client:
        token = await counsellor_token(client, gateway_url, redis_url, f"bench-dash-{uuid.uuid4().hex[:8]}")
        async with await open_authed(f"{ws_base(gateway_url)}/api/v1/counsellor/ws", token, max_size=2**24) as socket:
            await _until(socket, lambda p: p.get("type") == "queue", time.monotonic() + RECV_TIMEOUT_SECONDS)
            for _ in range(samples):
                cid, youth_token = await new_youth(client, gateway_url)
                began = time.perf_counter()
                post = asyncio.create_task(youth_post(client, gateway_url, cid, youth_token, "/ask_human"))
                seen = await _until(
                    socket,
                    lambda p, cid=cid: any(item.get("conversation_id") == cid for item in p.get("queue", [])),
                    time.monotonic() + RECV_TIMEOUT_SECONDS,
                )
                await post
                if seen:
                    latencies.append(time.perf_counter() - began)
                else:
                    missed += 1
                response = await client.post(
                    f"{gateway_url}/api/v1/conversations/{cid}/leave-queue",
                    headers={"Authorization": f"Bearer {youth_token}"},
                )
                response.raise_for_status()
    result = {"background_waiting": background, "missed": missed, **_ms(latencies)}
    print(
        f"  enqueue → dashboard ({background} waiting): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, missed {missed}"
    )
    return result


async def counsellor_to_youth(gateway_a: str, gateway_b: str, redis_url: str, samples: int = 100) -> dict[str, Any]:
    cross: list[float] = []
    same: list[float] = []
    missed = 0
    async with httpx.AsyncClient(timeout=30) as client:
        token = await counsellor_token(client, gateway_b, redis_url, f"bench-c-{uuid.uuid4().hex[:8]}")
        auth = {"Authorization": f"Bearer {token}"}
        cid, youth_token = await new_youth(client, gateway_a)
        events = await youth_post(client, gateway_a, cid, youth_token, "/ask_human")
        (await client.post(f"{gateway_b}/api/v1/queue/{cid}/claim", headers=auth)).raise_for_status()
        url = f"{ws_base(gateway_a)}/api/v1/conversations/{cid}/ws?after={events[-1]['id']}"
        async with await open_authed(url, youth_token) as socket:
            await asyncio.sleep(0.2)  # let the claim's system event arrive and drain it
            await _until(socket, lambda e: False, time.monotonic() + 0.3)
            for index in range(samples):
                via = gateway_b if index % 2 == 0 else gateway_a
                text = f"bench {index} {uuid.uuid4().hex[:6]}"
                began = time.perf_counter()
                response = await client.post(
                    f"{via}/api/v1/counsellor/conversations/{cid}/messages", json={"text": text}, headers=auth
                )
                response.raise_for_status()
                seen = await _until(
                    socket, lambda e, text=text: e.get("text") == text, time.monotonic() + RECV_TIMEOUT_SECONDS
                )
                if not seen:
                    missed += 1
                    continue
                (cross if via == gateway_b else same).append(time.perf_counter() - began)
    result: dict[str, Any] = {"cross_gateway": _ms(cross), "same_gateway": _ms(same), "missed": missed}
    if cross and same:
        result["cross_over_same_p95"] = round(result["cross_gateway"]["p95_ms"] / result["same_gateway"]["p95_ms"], 2)
    print(
        f"  counsellor (gateway B) → youth (gateway A): p50 {result['cross_gateway']['p50_ms']} ms, "
        f"p95 {result['cross_gateway']['p95_ms']} ms; same gateway p95 {result['same_gateway']['p95_ms']} ms; missed {missed}"
    )
    return result
