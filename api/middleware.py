"""A plain ASGI middleware for request metrics and security headers.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) adds a task and memory streams to every
request; this one only wraps `send`.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import LATENCY, REQUESTS
from api.services.first_http_turn import is_warm_up

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class ObserveMiddleware:
    """Counts requests by route template and status, times them, and adds security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500
        api_path = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                # A page that names its embedders in CSP frame-ancestors (the widget's iframe, /widget/frame)
                # gets no X-Frame-Options: DENY, which would forbid every embedding.
                if b"content-security-policy" in present and any(
                    name.lower() == b"content-security-policy" and b"frame-ancestors" in value
                    and b"frame-ancestors 'none'" not in value
                    for name, value in headers
                ):
                    present.add(b"x-frame-options")
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if api_path and b"cache-control" not in present:  # transcripts, tokens: never in a cache
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if not is_warm_up(scope):  # not the gateway's own warm-up requests (api/services/first_http_turn.py)
                path = getattr(scope.get("route"), "path", "unmatched")
                REQUESTS.labels(path, str(status_code)).inc()
                LATENCY.labels(path).observe(time.perf_counter() - started)
