"""Socket helpers for the security tests: open a socket, send (or not) the first frame, read its close code."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from api.settings import Settings

DEV_SECRET = Settings(_env_file=None, LYT_ENV="test").jwt_secret  # type: ignore[call-arg]  # what test gateways use


def forged_token(name: str, role: str = "counsellor", **claims: Any) -> str:
    """A token signed with the test gateways' secret: claims can be left out (value None) or changed."""
    now = int(time.time())
    body: dict[str, Any] = {"sub": name, "role": role, "iat": now, "exp": now + 3600, "aud": "lyt-counsellor"}
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, DEV_SECRET, algorithm="HS256")


def ws(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


def close_code(socket: ClientConnection, timeout: float = 10) -> int | None:
    """Read until the server closes; the close code (None: still open after `timeout`)."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            socket.recv(timeout=max(0.01, deadline - time.monotonic()))
    except TimeoutError:
        return None
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None
    return None


def auth_result(url: str, token: str | None, timeout: float = 10) -> int | str:
    """"ready" when the socket is accepted with this first frame (None: no frame at all), else the close code."""
    with connect(url, open_timeout=timeout) as socket:
        try:
            if token is not None:
                socket.send(json.dumps({"type": "auth", "token": token}))
            first = json.loads(socket.recv(timeout=timeout))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else -1
        return "ready" if first == {"type": "ready"} else f"unexpected {first}"
