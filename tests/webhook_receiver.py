"""A real HTTP receiver for alert webhooks on 127.0.0.1, run in a thread of the test process.

It records each POST (its body as parsed JSON, and when it arrived), answers with the statuses it is
told to (e.g. 500 once, then 200), or holds requests open until released (a slow webhook).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from api.embedded_redis import free_port


@dataclass
class Receiver:
    port: int
    statuses: list[int] = field(default_factory=list)  # answered in order; 200 once they run out
    hold: threading.Event | None = None  # set: answer; unset: keep the request waiting
    received: list[dict[str, Any]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    answered: int = 0  # requests answered so far (a held request is not)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def bodies(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [b for b in self.received if kind is None or b.get("kind") == kind]

    def wait_for(self, count: int, timeout: float = 20.0, kind: str | None = None) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.bodies(kind)) >= count:
                return self.bodies(kind)
            time.sleep(0.05)
        return self.bodies(kind)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self.lock:
            self.raw.append(body)
            self.received.append(json.loads(body))
            self.arrived.append(time.monotonic())
            status = self.statuses.pop(0) if self.statuses else 200
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait)
        with self.lock:
            self.answered += 1
        return web.Response(status=status, text="ok")


@contextmanager
def webhook_receiver(statuses: list[int] | None = None, hold: threading.Event | None = None) -> Iterator[Receiver]:
    receiver = Receiver(free_port(), list(statuses or []), hold)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def serve() -> None:
        app = web.Application()
        app.router.add_post("/hook", receiver._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", receiver.port).start()
        runner_box.append(runner)
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    started.wait(10)
    try:
        yield receiver
    finally:
        if hold is not None:
            hold.set()
        asyncio.run_coroutine_threadsafe(runner_box[0].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
