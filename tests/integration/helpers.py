"""Small HTTP/WebSocket helpers for talking to a gateway process like the widget does."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from websockets.sync.client import connect


def new_conversation(base: str, lang: str = "da") -> tuple[str, str]:
    response = httpx.post(f"{base}/api/v1/conversations", json={"lang": lang}, timeout=10)
    response.raise_for_status()
    data = response.json()
    return data["conversation_id"], data["token"]


def send(base: str, cid: str, token: str, text: str, client_msg_id: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/conversations/{cid}/messages",
        json={"text": text, "client_msg_id": client_msg_id or uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def events_of(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def ws_url(base: str, cid: str, token: str, after: str | None = None) -> str:
    url = base.replace("http://", "ws://") + f"/api/v1/conversations/{cid}/ws?token={token}"
    return url + (f"&after={after}" if after else "")


def collect_ws(
    base: str, cid: str, token: str, after: str | None, until: int, timeout: float = 10
) -> list[dict[str, Any]]:
    """Open the socket and read events until `until` events with ids arrived."""
    received: list[dict[str, Any]] = []
    with connect(ws_url(base, cid, token, after), open_timeout=timeout) as socket:
        while len([e for e in received if "id" in e]) < until:
            received.append(json.loads(socket.recv(timeout=timeout)))
    return [e for e in received if "id" in e]
