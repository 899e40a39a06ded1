"""Flooding (issue 16 item 6), against real gateways and a real Redis: body cap before parsing, rate limits on
/handoff and /leave-queue, MAXLEN on every stream append, socket caps per chat and per counsellor (across two
replicas), and Redis `maxmemory` with `noeviction`."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import redis
from redis.asyncio import Redis as AsyncRedis
from starlette.types import Message, Receive, Scope, Send
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api import redis_keys
from api.body_limit import BodySizeLimitMiddleware
from api.services.accounts import create_account
from api.services.events import EVENTS_MAXLEN, append_events
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, open_socket, send, ws_url

TWO_MB = 2 * 1024 * 1024


def test_a_2_mb_body_gets_413_from_a_real_gateway(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    body = b'{"text": "' + b"a" * TWO_MB + b'"}'
    response = httpx.post(
        f"{gateway.url}/api/v1/conversations/{cid}/messages",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    # Without a token either: the size is refused before authentication and before JSON parsing.
    anonymous = httpx.post(f"{gateway.url}/api/v1/conversations", content=body, timeout=30)
    assert anonymous.status_code == 413


def test_a_chunked_2_mb_body_without_content_length_gets_413(gateway: Gateway) -> None:
    def chunks() -> Any:
        for _ in range(32):
            yield b"x" * (64 * 1024)

    response = httpx.post(f"{gateway.url}/api/v1/conversations", content=chunks(), timeout=30)
    assert response.status_code == 413


def _recording_app(seen: list[str]) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append("called")
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":  # as Starlette: the client went away, nothing parsed
                seen.append("disconnected")
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.append(f"parsed {len(body)}")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _run(app: Any, headers: list[tuple[bytes, bytes]], parts: list[bytes]) -> list[Message]:
    sent: list[Message] = []
    pending = [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent


def test_declared_oversize_body_is_refused_before_the_app_runs() -> None:
    seen: list[str] = []
    middleware = BodySizeLimitMiddleware(_recording_app(seen), max_bytes=64 * 1024)
    sent = _run(middleware, [(b"content-length", str(TWO_MB).encode())], [b"{}"])
    assert sent[0]["status"] == 413 and seen == []  # the app (and its JSON parser) never ran


def test_streamed_oversize_body_is_cut_off_before_it_is_parsed() -> None:
    seen: list[str] = []
    middleware = BodySizeLimitMiddleware(_recording_app(seen), max_bytes=64 * 1024)
    sent = _run(middleware, [], [b"x" * 40_000] * 4)
    assert sent[0]["status"] == 413
    assert seen == ["called", "disconnected"], "the body never reached the app whole"
    assert len(sent) == 2, "nothing the app might send after the 413 goes out"
    small = _run(BodySizeLimitMiddleware(_recording_app(seen := []), max_bytes=64 * 1024), [], [b"{}"])
    assert small[0]["status"] == 200 and seen == ["called", "parsed 2"]


def test_handoff_is_rate_limited_per_chat(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    auth = {"Authorization": f"Bearer {token}"}
    codes = [
        httpx.post(f"{gateway.url}/api/v1/conversations/{cid}/handoff", headers=auth, timeout=10).status_code
        for _ in range(14)
    ]
    assert codes[0] == 200 and codes[-1] == 429 and codes.count(200) <= 10
    length_after = redis_client.xlen(redis_keys.events(cid))
    assert httpx.post(f"{gateway.url}/api/v1/conversations/{cid}/handoff", headers=auth).status_code == 429
    assert redis_client.xlen(redis_keys.events(cid)) == length_after, "a refused call appends nothing"


def test_leave_queue_is_rate_limited_per_chat(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    auth = {"Authorization": f"Bearer {token}"}
    codes = []
    for _ in range(12):  # join and leave, again and again (the limit is 10 a minute)
        events_of(send(gateway.url, cid, token, "/ask_human"))
        codes.append(httpx.post(f"{gateway.url}/api/v1/conversations/{cid}/leave-queue", headers=auth).status_code)
    codes += [httpx.post(f"{gateway.url}/api/v1/conversations/{cid}/leave-queue", headers=auth).status_code]
    assert 429 in codes and codes[0] == 200


def test_every_stream_append_is_capped(redis_server: RedisServer, redis_client: redis.Redis) -> None:
    async def flood() -> None:
        client = AsyncRedis.from_url(redis_server.url, decode_responses=True)
        try:
            for _ in range((EVENTS_MAXLEN + 1500) // 500):
                await append_events(client, "flooded", [{"type": "system", "text": "x"}] * 500, 60, publish=False)
        finally:
            await client.aclose()

    asyncio.run(flood())
    length = redis_client.xlen(redis_keys.events("flooded"))
    assert EVENTS_MAXLEN <= length < EVENTS_MAXLEN + 500, length  # approximate trimming: whole nodes


def _closed_with(url: str, token: str) -> int | None:
    """Open a socket, authenticate; the close code when the server refuses it, None when it is ready."""
    with connect(url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        try:
            first = json.loads(ws.recv(timeout=10))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        assert first == {"type": "ready"}
        try:
            ws.recv(timeout=0.5)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return None
        return None


def test_sockets_per_chat_are_capped_across_replicas(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> None:
    first, second = gateway_factory(LYT_MAX_SOCKETS_PER_CHAT="3"), gateway_factory(LYT_MAX_SOCKETS_PER_CHAT="3")
    cid, token = new_conversation(first.url)
    with open_socket(ws_url(first.url, cid), token), open_socket(ws_url(second.url, cid), token):
        with open_socket(ws_url(first.url, cid), token):
            assert _closed_with(ws_url(second.url, cid), token) == 4429
            assert redis_client.zcard(redis_keys.conversation_sockets(cid)) == 3
        assert _closed_with(ws_url(second.url, cid), token) is None  # a slot came free
    assert redis_client.ttl(redis_keys.conversation_sockets(cid)) <= 60


def test_sockets_per_counsellor_are_capped(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory(LYT_MAX_SOCKETS_PER_COUNSELLOR="2")
    asyncio.run(create_account(redis_server.url, "flo", "password-flo", "counsellor"))
    response = httpx.post(f"{gateway.url}/api/v1/auth/token", data={"username": "flo", "password": "password-flo"})
    token = response.json()["access_token"]
    url = gateway.url.replace("http://", "ws://") + "/api/v1/counsellor/ws"
    with open_socket(url, token), open_socket(url, token):
        assert _closed_with(url, token) == 4429
    # The dashboard socket notices a client that left at its next push (at most 5 s): then the slot is free.
    deadline = time.monotonic() + 15
    while redis_client.zcard(redis_keys.counsellor_sockets("flo")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _closed_with(url, token) is None


def test_embedded_redis_has_maxmemory_and_never_evicts(redis_client: redis.Redis) -> None:
    assert redis_client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    assert int(redis_client.config_get("maxmemory")["maxmemory"]) > 0
