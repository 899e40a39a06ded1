"""Access ends at once (issue 16 items 3 and 7): a former holder's socket closes on the other replica after a
transfer, release or close; a disabled account's and an expired token's sockets close too; login failures
are limited per (source, name), so nobody locks a counsellor out from elsewhere."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from api.services.accounts import create_account, update_account
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, open_socket, send
from tests.security.socket_client import close_code, forged_token, ws

STAFF = (("kim", "counsellor"), ("lea", "counsellor"), ("sara", "supervisor"))


def login(base: str, name: str) -> str:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": "password-" + name})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def replicas(gateway_factory: GatewayFactory, redis_server: RedisServer) -> tuple[Gateway, Gateway]:
    for name, role in STAFF:
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))
    return gateway_factory(), gateway_factory()


def claimed_chat(base: str, jwt: str) -> tuple[str, str]:
    cid, token = new_conversation(base)
    events_of(send(base, cid, token, "/ask_human"))
    httpx.post(f"{base}/api/v1/queue/{cid}/claim", headers={"Authorization": f"Bearer {jwt}"}).raise_for_status()
    return cid, token


@contextmanager
def chat_socket(base: str, cid: str, jwt: str) -> Iterator[ClientConnection]:
    with open_socket(ws(base, f"/api/v1/counsellor/conversations/{cid}/ws"), jwt) as socket:
        yield socket


def drain(socket: ClientConnection, seconds: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            socket.recv(timeout=max(0.01, deadline - time.monotonic()))
    except TimeoutError:
        pass


@pytest.mark.parametrize("ending", ["transfer", "release", "close"])
def test_former_holder_socket_on_the_other_replica_closes(replicas: tuple[Gateway, Gateway], ending: str) -> None:
    a, b = replicas
    kim = login(a.url, "kim")
    cid, youth_token = claimed_chat(a.url, kim)
    auth = {"Authorization": f"Bearer {kim}"}
    with chat_socket(b.url, cid, kim) as socket, chat_socket(b.url, cid, login(b.url, "sara")) as supervisor:
        drain(socket)
        base = f"{a.url}/api/v1/counsellor/conversations/{cid}"
        request = {
            "transfer": (f"{base}/transfer", {"to": "lea"}),
            "release": (f"{base}/release", None),
            "close": (f"{base}/close", {"outcome": "helped"}),
        }[ending]
        httpx.post(request[0], json=request[1], headers=auth, timeout=10).raise_for_status()
        assert close_code(socket, timeout=10) == 4403
        # The supervisor still reads (supervisors see every live chat); the former holder gets nothing more.
        send(a.url, cid, youth_token, "er du der stadig?")
        drain(supervisor, 1.0)
    assert httpx.get(f"{a.url}/api/v1/counsellor/conversations/{cid}", headers=auth).status_code == 403


def test_deleted_chat_tells_the_holder_it_ended_not_that_access_ended(replicas: tuple[Gateway, Gateway]) -> None:
    """The deletion erases the holder with the conversation: the "ended" frame must still reach the holder's
    socket (close 1000), not a 4403 that the dashboard reads as "released or transferred"."""
    a, b = replicas
    kim = login(a.url, "kim")
    cid, youth_token = claimed_chat(a.url, kim)
    with chat_socket(b.url, cid, kim) as socket:
        drain(socket)
        deleted = httpx.delete(
            f"{a.url}/api/v1/conversations/{cid}", headers={"Authorization": f"Bearer {youth_token}"}
        )
        assert deleted.status_code == 204
        frames: list[dict[str, object]] = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(json.loads(socket.recv(timeout=10)))
    assert {"type": "ended"} in frames
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
    assert (
        httpx.get(
            f"{a.url}/api/v1/counsellor/conversations/{cid}", headers={"Authorization": f"Bearer {kim}"}
        ).status_code
        == 404
    )


def test_disabled_account_stops_at_once_everywhere(
    replicas: tuple[Gateway, Gateway], redis_server: RedisServer
) -> None:
    a, b = replicas
    kim = login(a.url, "kim")
    cid, _ = claimed_chat(a.url, kim)
    with (
        chat_socket(b.url, cid, kim) as chat,
        open_socket(ws(a.url, "/api/v1/counsellor/ws"), kim) as dashboard,
    ):
        assert json.loads(dashboard.recv(timeout=10))["type"] == "queue"
        drain(chat)
        asyncio.run(update_account(redis_server.url, "kim", disabled=True))  # what `lyt counsellor disable` runs
        assert close_code(chat, timeout=10) == 4401
        assert close_code(dashboard, timeout=10) == 4401
    for gateway in (a, b):
        assert httpx.get(f"{gateway.url}/api/v1/queue", headers={"Authorization": f"Bearer {kim}"}).status_code == 401
    refused = httpx.post(f"{a.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"})
    assert refused.status_code == 401
    asyncio.run(update_account(redis_server.url, "kim", disabled=False))
    assert httpx.get(f"{a.url}/api/v1/queue", headers={"Authorization": f"Bearer {kim}"}).status_code == 401  # void
    time.sleep(1.1)  # tokens issued in the second of the disable are void too (JWT iat has one-second resolution)
    assert httpx.get(f"{a.url}/api/v1/queue", headers={"Authorization": f"Bearer {login(a.url, 'kim')}"}).is_success


def test_password_reset_voids_old_tokens(replicas: tuple[Gateway, Gateway], redis_server: RedisServer) -> None:
    a, _ = replicas
    old = login(a.url, "kim")
    asyncio.run(update_account(redis_server.url, "kim", password="password-kim"))  # `lyt counsellor reset-password`
    assert httpx.get(f"{a.url}/api/v1/queue", headers={"Authorization": f"Bearer {old}"}).status_code == 401


def test_expired_token_socket_gets_nothing_more(replicas: tuple[Gateway, Gateway]) -> None:
    a, b = replicas
    kim = login(a.url, "kim")
    cid, youth_token = claimed_chat(a.url, kim)
    short = forged_token("kim", exp=int(time.time()) + 3)
    with chat_socket(b.url, cid, short) as socket:
        drain(socket)
        time.sleep(3.5)
        send(a.url, cid, youth_token, "hej igen")
        assert close_code(socket, timeout=10) == 4401


def test_refresh_gives_a_fresh_token_and_needs_a_valid_one(replicas: tuple[Gateway, Gateway]) -> None:
    a, _ = replicas
    kim = login(a.url, "kim")
    fresh = httpx.post(f"{a.url}/api/v1/auth/refresh", headers={"Authorization": f"Bearer {kim}"})
    assert fresh.status_code == 200 and fresh.json()["expires_in"] == 8 * 3600
    assert httpx.get(
        f"{a.url}/api/v1/queue", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
    ).is_success
    expired = forged_token("kim", exp=int(time.time()) - 10)
    assert httpx.post(f"{a.url}/api/v1/auth/refresh", headers={"Authorization": f"Bearer {expired}"}).status_code == 401


def test_login_failures_lock_only_the_failing_source(replicas: tuple[Gateway, Gateway]) -> None:
    a, _ = replicas
    attacker = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    codes = [
        attacker.post(f"{a.url}/api/v1/auth/token", data={"username": "kim", "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert codes[:3] == [401, 401, 401] and 429 in codes
    assert (
        "Retry-After"
        in attacker.post(f"{a.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"}).headers
    )  # the attacker's source waits, even with the right password
    assert login(a.url, "kim")  # kim, from elsewhere, logs in at once
