"""First-frame authentication for every WebSocket (youth and counsellor), docs/SECURITY.md.

No credential ever goes in a URL (URLs end up in proxy logs, uvicorn's log and browser history). A socket is
accepted, then must send `{"type": "auth", "token": "..."}` as its first frame within AUTH_TIMEOUT_SECONDS;
the server answers `{"type": "ready"}` or closes with 4401. A `?token=` query is refused with 4401 before
anything else, and never logged.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import WebSocket

AUTH_TIMEOUT_SECONDS = 5.0
MAX_TOKEN_CHARS = 2000
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


async def refuse(websocket: WebSocket, reason: str) -> None:
    await websocket.close(code=CLOSE_UNAUTHENTICATED, reason=reason)


async def read_auth_token(websocket: WebSocket) -> str | None:
    """Accept the socket and return the token of its first frame; on anything else close with 4401 and
    return None."""
    await websocket.accept()
    if "token" in websocket.query_params:
        await refuse(websocket, "credentials go in the first frame, never in the URL")
        return None
    try:
        async with asyncio.timeout(AUTH_TIMEOUT_SECONDS):
            message = await websocket.receive()
    except TimeoutError:
        await refuse(websocket, "no auth frame within 5 s")
        return None
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    try:
        frame = json.loads(text) if text is not None and len(text) <= MAX_TOKEN_CHARS + 100 else None
    except ValueError:
        frame = None
    token = frame.get("token") if isinstance(frame, dict) and frame.get("type") == "auth" else None
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        await refuse(websocket, 'the first frame must be {"type": "auth", "token": "..."}')
        return None
    return token


async def send_ready(websocket: WebSocket) -> None:
    await websocket.send_json({"type": "ready"})
