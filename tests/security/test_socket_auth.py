"""Every WebSocket authenticates with its first frame {"type": "auth", "token"} within 5 s, answered
{"type": "ready"}, or is closed with 4401; a credential in the URL is refused (docs/SECURITY.md)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from websockets.sync.client import connect

from api.services.accounts import create_account
from tests.conftest import Gateway, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.security.socket_client import auth_result, close_code, forged_token, ws


@pytest.fixture
def kim(gateway: Gateway, redis_server: RedisServer) -> str:
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    response = httpx.post(f"{gateway.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"})
    token: str = response.json()["access_token"]
    return token


def test_youth_socket_first_frame(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    url = ws(gateway.url, f"/api/v1/conversations/{cid}/ws")
    assert auth_result(url, token) == "ready"
    assert auth_result(url, "wrong-token") == 4401
    other_cid, other_token = new_conversation(gateway.url)
    assert auth_result(url, other_token) == 4401  # another chat's token
    assert auth_result(url, None) == 4401  # nothing within 5 s
    assert auth_result(url + f"?token={token}", token) == 4401  # a credential in the URL, even the right one
    with connect(url, open_timeout=10) as socket:
        socket.send("not json")
        assert close_code(socket) == 4401
    with connect(url, open_timeout=10) as socket:
        socket.send(json.dumps({"type": "typing"}))  # anything but auth first
        assert close_code(socket) == 4401


def test_after_ready_the_socket_streams_events(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    first = events_of(send(gateway.url, cid, token, "hej"))
    with connect(ws(gateway.url, f"/api/v1/conversations/{cid}/ws"), open_timeout=10) as socket:
        socket.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "ready"}
        replayed = [json.loads(socket.recv(timeout=10)) for _ in first]
    assert [e["id"] for e in replayed] == [e["id"] for e in first]


def test_counsellor_sockets_first_frame(gateway: Gateway, kim: str) -> None:
    cid, token = new_conversation(gateway.url)
    events_of(send(gateway.url, cid, token, "/ask_human"))
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers={"Authorization": f"Bearer {kim}"}).raise_for_status()
    for path in ("/api/v1/counsellor/ws", f"/api/v1/counsellor/conversations/{cid}/ws"):
        url = ws(gateway.url, path)
        assert auth_result(url, kim) == "ready", path
        assert auth_result(url, None) == 4401, path
        assert auth_result(url + f"?token={kim}", kim) == 4401, path
        assert auth_result(url, kim[:-3] + "abc") == 4401, path  # bad signature
        assert auth_result(url, forged_token("kim", exp=1_000_000)) == 4401, path  # expired
        assert auth_result(url, forged_token("kim", exp=None)) == 4401, path  # no exp
        assert auth_result(url, forged_token("kim", iat=None)) == 4401, path  # no iat
        assert auth_result(url, token) == 4401, path  # a youth token is no counsellor token
