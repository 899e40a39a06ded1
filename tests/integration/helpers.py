"""Small HTTP/WebSocket helpers for talking to a gateway process like the widget does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect


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


def ws_url(base: str, cid: str, after: str | None = None) -> str:
    """The youth socket's URL: never a credential in it (the token goes in the first frame)."""
    url = base.replace("http://", "ws://") + f"/api/v1/conversations/{cid}/ws"
    return url + (f"?after={after}" if after else "")


@contextmanager
def open_socket(url: str, token: str, timeout: float = 10, **options: Any) -> Iterator[ClientConnection]:
    """A socket authenticated like the widget and the dashboard do it: first frame {"type": "auth", "token"},
    answered {"type": "ready"} (docs/SECURITY.md)."""
    with connect(url, open_timeout=timeout, **options) as socket:
        socket.send(json.dumps({"type": "auth", "token": token}))
        first = json.loads(socket.recv(timeout=timeout))
        assert first == {"type": "ready"}, first
        yield socket


def collect_ws(
    base: str, cid: str, token: str, after: str | None, until: int, timeout: float = 10
) -> list[dict[str, Any]]:
    """Open the socket and read events until `until` events with ids arrived."""
    received: list[dict[str, Any]] = []
    with open_socket(ws_url(base, cid, after), token, timeout=timeout) as socket:
        while len([e for e in received if "id" in e]) < until:
            received.append(json.loads(socket.recv(timeout=timeout)))
    return [e for e in received if "id" in e]
