"""Refuse request bodies over a size cap before anything parses them (413).

A plain ASGI middleware: a declared Content-Length over the cap is answered at once, without reading the
body; a body without one (chunked) is counted as it streams and cut off with 413 the moment it passes the
cap. Nothing downstream (JSON parsing, form parsing, authentication) ever sees the oversized bytes.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reject(send, 400, b'{"detail":"invalid Content-Length"}')
                    return
                if declared > self.max_bytes:
                    await _reject(send, 413, b'{"detail":"request body too large"}')
                    return
        received = 0
        started = rejected = False

        async def counting_receive() -> Message:
            nonlocal received, started, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Answer 413 now; the app only ever sees a client that went away (FastAPI would turn an
                    # exception here into a 400), and whatever it sends afterwards is dropped.
                    rejected = True
                    if not started:
                        started = True
                        await _reject(send, 413, b'{"detail":"request body too large"}')
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)


async def _reject(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
