"""Risk in human mode, live, across two gateways on one Redis (issue 14 item 3).

The young person writes on gateway A; the counsellor holding the chat has sockets on both gateways (a chat
socket in each of two tabs, and a dashboard socket). Every one of them gets the `risk` event; the youth's
socket never does, live or after a reconnect. The spans stored with the message are offsets into the
stored (scrubbed) text, and the young person gets the safety message in human mode too.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from api import redis_keys
from api.services.accounts import create_account
from tests.conftest import GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send

URGENT_WITH_PHONE = "ring til mig på 20 30 40 50. jeg kan ikke mere, jeg har taget alle mine piller"


def _jwt(base: str, name: str, password: str) -> str:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": password}, timeout=10)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


@contextmanager
def _socket(url: str, token: str) -> Iterator[ClientConnection]:
    """A socket authenticated by its first frame `{"type": "auth", "token"}` (answered `{"type": "ready"}`);
    a gateway that still takes `?token=` closes such a socket at once, and is asked that way instead."""
    socket = connect(url, open_timeout=10)
    try:
        socket.send(json.dumps({"type": "auth", "token": token}))
        first = json.loads(socket.recv(timeout=10))
    except ConnectionClosed:
        socket.close()
        socket = connect(url + ("&" if "?" in url else "?") + f"token={token}", open_timeout=10)
    else:
        assert first == {"type": "ready"}, first
    with socket:
        yield socket


def _youth_url(base: str, cid: str, after: str | None = None) -> str:
    return base.replace("http://", "ws://") + f"/api/v1/conversations/{cid}/ws" + (f"?after={after}" if after else "")


def _read_until(
    socket: ClientConnection, wanted: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame: dict[str, Any] = json.loads(socket.recv(timeout=max(0.05, deadline - time.monotonic())))
        if wanted(frame):
            return frame
    raise AssertionError("the expected frame never came")


def _drain(socket: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frames.append(json.loads(socket.recv(timeout=max(0.05, deadline - time.monotonic()))))
        except TimeoutError:
            break
    return frames


def _no_risk_parts(frames: list[dict[str, Any]]) -> None:
    assert not [f for f in frames if f.get("type") == "risk"], frames
    assert not [f for f in frames if "spans" in f or "risk" in f], frames


def test_risk_reaches_every_socket_of_the_holder_on_both_gateways_and_never_the_youth(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    youth_side, counsellor_side = gateway_factory(), gateway_factory()
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    jwt = _jwt(counsellor_side.url, "kim", "password-kim")
    auth = {"Authorization": f"Bearer {jwt}"}

    cid, token = new_conversation(youth_side.url)
    last = events_of(send(youth_side.url, cid, token, "/ask_human"))[-1]["id"]
    httpx.post(f"{counsellor_side.url}/api/v1/queue/{cid}/claim", headers=auth, timeout=10).raise_for_status()

    def chat_url(base: str) -> str:
        return base.replace("http://", "ws://") + f"/api/v1/counsellor/conversations/{cid}/ws?after={last}"

    dash_url = youth_side.url.replace("http://", "ws://") + "/api/v1/counsellor/ws"
    with ExitStack() as stack:
        youth = stack.enter_context(_socket(_youth_url(youth_side.url, cid, last), token))
        tab_b = stack.enter_context(_socket(chat_url(counsellor_side.url), jwt))
        tab_a = stack.enter_context(_socket(chat_url(youth_side.url), jwt))
        dash = stack.enter_context(_socket(dash_url, jwt))
        joined = _read_until(youth, lambda f: f.get("type") == "system")
        for tab in (tab_a, tab_b):
            _read_until(tab, lambda f: f.get("id") == joined["id"])
        _read_until(dash, lambda f: f.get("type") == "queue")

        reply = events_of(send(youth_side.url, cid, token, URGENT_WITH_PHONE))
        message = reply[0]
        assert message["from"] == "user" and "20 30 40 50" not in message["text"]
        _no_risk_parts(reply)
        safety = [e for e in reply if e.get("type") == "system" and "112" in e.get("text", "")]
        assert safety, f"the young person gets the safety message in human mode too: {reply}"

        risks = [_read_until(s, lambda f: f.get("type") == "risk") for s in (tab_a, tab_b, dash)]
        for risk in risks:
            assert risk["event_id"] == message["id"] and risk["level"] == "urgent"
            assert risk["reasons"] and not any("20 30 40 50" in r for r in risk["reasons"])
            assert risk["spans"] and all(isinstance(s, list) and len(s) == 2 for s in risk["spans"])
        assert risks[2]["conversation_id"] == cid
        marked = [message["text"][a:b] for a, b in risks[0]["spans"]]
        assert any("piller" in words for words in marked), marked

        _no_risk_parts(_drain(youth, 1.5))

    # Stored: spans are offsets into the stored (scrubbed) text; reasons quote it.
    entries = redis_client.xrange(redis_keys.events(cid))
    stored = [json.loads(fields["e"]) | {"id": entry_id} for entry_id, fields in entries]
    flagged = next(e for e in stored if e.get("id") == message["id"])
    assert flagged["text"] == message["text"]
    assert flagged["spans"] == risks[0]["spans"]
    assert all(0 <= a < b <= len(flagged["text"]) for a, b in flagged["spans"])
    assert flagged["risk"] == {"level": "urgent", "reasons": risks[0]["reasons"]}
    triage_log = [json.loads(x) for x in redis_client.lrange(redis_keys.triage_log(cid), 0, -1)]
    assert triage_log and not any("20 30 40 50" in r for item in triage_log for r in item["reasons"])

    # After a reconnect from the start, and over HTTP: still nothing of it for the young person.
    with _socket(_youth_url(youth_side.url, cid), token) as again:
        _no_risk_parts(_drain(again, 1.5))
    history = httpx.get(
        f"{youth_side.url}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["events"]
    assert any(e["id"] == message["id"] for e in history)
    _no_risk_parts(history)
    replay = events_of(send(youth_side.url, cid, token, URGENT_WITH_PHONE, client_msg_id=message["client_msg_id"]))
    _no_risk_parts(replay)

    # The counsellor's history has the message with its spans, followed by its risk event.
    detail = httpx.get(f"{counsellor_side.url}/api/v1/counsellor/conversations/{cid}", headers=auth, timeout=10).json()
    at = next(i for i, e in enumerate(detail["events"]) if e.get("id") == message["id"])
    assert detail["events"][at]["spans"] == flagged["spans"]
    assert detail["events"][at + 1] == risks[0]
    assert detail["level"] == "urgent"


def test_supervisor_overview_lists_the_live_chat_with_its_raised_risk(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory()
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    asyncio.run(create_account(redis_server.url, "sara", "password-sara", "supervisor"))
    kim = {"Authorization": f"Bearer {_jwt(gateway.url, 'kim', 'password-kim')}"}
    sara = {"Authorization": f"Bearer {_jwt(gateway.url, 'sara', 'password-sara')}"}
    cid, token = new_conversation(gateway.url)
    events_of(send(gateway.url, cid, token, "/ask_human"))
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=kim, timeout=10).raise_for_status()

    before = httpx.get(f"{gateway.url}/api/v1/supervisor/overview", headers=sara, timeout=10).json()["live_chats"]
    assert [(c["conversation_id"], c["counsellor"], c["level"], c["risk_raised_ms"]) for c in before] == [
        (cid, "kim", "none", None)
    ]
    events_of(send(gateway.url, cid, token, "jeg vil ikke leve mere"))
    after = httpx.get(f"{gateway.url}/api/v1/supervisor/overview", headers=sara, timeout=10).json()["live_chats"]
    assert after[0]["conversation_id"] == cid and after[0]["level"] == "urgent"
    assert after[0]["risk_raised_seconds_ago"] is not None and after[0]["risk_raised_seconds_ago"] <= 60
