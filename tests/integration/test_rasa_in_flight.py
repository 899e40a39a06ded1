"""The gateway's side of Rasa under load and when Rasa is slow: bounded, in-order bot turns, and triage that
never waits for the bot. A real HTTP server stands in for a slow Rasa (its REST webhook contract)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.embedded_redis import free_port
from api.services.rasa_client import RasaClient, RasaUnavailable
from tests.conftest import GatewayFactory
from tests.integration.helpers import events_of, new_conversation, send


@dataclass
class SlowRasa:
    """Answers the REST webhook after `delay` seconds; records arrival order and peak concurrency."""

    delay: float = 0.2
    url: str = ""
    arrivals: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0

    async def webhook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.arrivals.append(body["message"])
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        return JSONResponse([{"recipient_id": body["sender"], "text": f"svar på {body['message']}"}])

    async def status(self, _request: Request) -> JSONResponse:
        return JSONResponse({"model_id": "slow"})


@pytest.fixture
def slow_rasa() -> Iterator[SlowRasa]:
    rasa = SlowRasa()
    app = Starlette(
        routes=[
            Route("/webhooks/rest/webhook", rasa.webhook, methods=["POST"]),
            Route("/status", rasa.status),
        ]
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    rasa.url = f"http://127.0.0.1:{port}"
    yield rasa
    server.should_exit = True
    thread.join(10)


def test_bot_turns_in_flight_are_bounded_and_served_in_order(slow_rasa: SlowRasa) -> None:
    slow_rasa.delay = 0.15

    async def run() -> list[list[dict[str, object]]]:
        client = RasaClient(slow_rasa.url, timeout_seconds=10, max_in_flight=2)
        try:
            tasks = []
            for i in range(8):
                tasks.append(asyncio.create_task(client.send(f"c{i}", f"besked {i}")))
                await asyncio.sleep(0.005)  # arrive one after another
            return list(await asyncio.gather(*tasks))
        finally:
            await client.close()

    replies = asyncio.run(run())
    assert [r[0]["text"] for r in replies] == [f"svar på besked {i}" for i in range(8)]
    assert slow_rasa.peak == 2
    assert slow_rasa.arrivals == [f"besked {i}" for i in range(8)]  # first come, first served


def test_waiting_for_a_slot_counts_against_the_timeout(slow_rasa: SlowRasa) -> None:
    slow_rasa.delay = 3.0

    async def run() -> tuple[float, list[BaseException | list[dict[str, object]]]]:
        client = RasaClient(slow_rasa.url, timeout_seconds=0.5, max_in_flight=1)
        started = time.monotonic()
        try:
            results = await asyncio.gather(client.send("a", "én"), client.send("b", "to"), return_exceptions=True)
        finally:
            await client.close()
        return time.monotonic() - started, results

    elapsed, results = asyncio.run(run())
    assert all(isinstance(r, RasaUnavailable) for r in results)
    assert elapsed < 2.0  # both gave up after the timeout; nobody waited for the slow answer


def test_urgent_message_never_waits_for_a_slow_bot(gateway_factory: GatewayFactory, slow_rasa: SlowRasa) -> None:
    """Triage and the bot run side by side; an urgent verdict drops the bot's answer and answers at once."""
    slow_rasa.delay = 4.0
    gateway = gateway_factory(rasa_url=slow_rasa.url, LYT_RASA_TIMEOUT="8")
    cid, token = new_conversation(gateway.url)
    started = time.monotonic()
    events = events_of(send(gateway.url, cid, token, "jeg vil ikke leve mere, jeg har pillerne her"))
    elapsed = time.monotonic() - started
    assert elapsed < 3.0
    assert any(e["type"] == "queue" and e.get("position") == 1 for e in events)
    # Rasa's answer is never shown; the only bot event is the waiting room's sourced safety steps.
    assert not any(e.get("from") == "bot" and "situation" not in e for e in events), events

    slow_rasa.delay = 0.3
    other, other_token = new_conversation(gateway.url)
    answered = events_of(send(gateway.url, other, other_token, "hvordan sover jeg bedre"))
    assert any(e.get("from") == "bot" and "svar på" in str(e.get("text")) for e in answered)
