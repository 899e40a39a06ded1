"""WebSocket fuzzing: malformed, huge, binary frames and floods close cleanly; the server survives."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import Gateway
from tests.integration.helpers import new_conversation, open_socket, ws_url


def close_code_after(url: str, token: str, frame: str | bytes) -> tuple[int | None, str]:
    with open_socket(url, token, max_size=None) as socket:  # authenticated first; then the bad frame
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
    got, reason = close_code_after(ws_url(gateway.url, cid), token, frame)
    assert got == code and reason
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200


def test_wrong_token_is_refused_with_a_reason(gateway: Gateway) -> None:
    cid, _ = new_conversation(gateway.url)
    with connect(ws_url(gateway.url, cid), open_timeout=10) as socket:
        socket.send('{"type": "auth", "token": "wrong"}')
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401 and closed.value.rcvd.reason


def test_flood_of_frames_does_not_crash_the_server(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    with open_socket(ws_url(gateway.url, cid), token) as socket:
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
