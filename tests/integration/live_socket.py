"""A widget's live socket for the escalation and queue-position tests: opened like the widget opens it,
read with timestamps, skipping protocol frames."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import ClientConnection

from tests.integration.helpers import open_socket, ws_url

PROTOCOL_FRAMES = {"ready", "pong", "typing"}


@contextmanager
def youth_socket(base: str, cid: str, token: str, after: str | None = None) -> Iterator[ClientConnection]:
    with open_socket(ws_url(base, cid, after), token) as socket:  # first-frame auth, answered "ready"
        yield socket


def next_event(socket: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        frame: dict[str, Any] = json.loads(socket.recv(timeout=max(0.01, deadline - time.monotonic())))
        if frame.get("type") not in PROTOCOL_FRAMES:
            return frame


def wait_for(
    socket: ClientConnection, match: Callable[[dict[str, Any]], bool], timeout: float = 15.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        event = next_event(socket, max(0.01, deadline - time.monotonic()))
        if match(event):
            return event


def collect(socket: ClientConnection, seconds: float) -> list[tuple[float, dict[str, Any]]]:
    """Every event for `seconds`, with the monotonic time it arrived."""
    got: list[tuple[float, dict[str, Any]]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = next_event(socket, left)
        except TimeoutError:
            break
        got.append((time.monotonic(), event))
    return got


def pushed_position(event: dict[str, Any]) -> bool:
    """A live queue position: a `queue` event without an id (not stored in the stream)."""
    return event.get("type") == "queue" and "id" not in event and isinstance(event.get("position"), int)
