"""WebSocket fuzzing: malformed, huge, binary frames and floods close cleanly; the server survives."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import Gateway
from tests.integration.helpers import new_conversation, ws_url


def close_code_after(url: str, frame: str | bytes) -> tuple[int | None, str]:
    with connect(url, open_timeout=10, max_size=None) as socket:
        socket.send(frame)
        try:
            while True:
                socket.recv(timeout=10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason
    return None, ""


@pytest.mark.parametrize(
    ("frame", "code"),
    [("{not json", 1007), (b"\x00\x01binary", 1003), ("x" * 200_000, 1009)],
)
def test_bad_frames_close_cleanly_with_a_reason(gateway: Gateway, frame: str | bytes, code: int) -> None:
    cid, token = new_conversation(gateway.url)
    got, reason = close_code_after(ws_url(gateway.url, cid, token), frame)
    assert got == code and reason
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200


def test_wrong_token_is_refused_with_a_reason(gateway: Gateway) -> None:
    cid, _ = new_conversation(gateway.url)
    with connect(ws_url(gateway.url, cid, "wrong"), open_timeout=10) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


def test_flood_of_frames_does_not_crash_the_server(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    with connect(ws_url(gateway.url, cid, token), open_timeout=10) as socket:
        for _ in range(2000):
            socket.send('{"type": "typing"}')
        socket.send('{"type": "ping"}')
        seen_pong = False
        for _ in range(5000):
            message = socket.recv(timeout=10)
            if '"pong"' in str(message):
                seen_pong = True
                break
    assert seen_pong
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200
