"""Rasa warms its model right after it starts and says so at `GET /webhooks/lyt/ready` (runs in the Rasa venv).

Rasa loads the model before it listens, but the first message still paid for the first pass through the
prediction graph (issue 13: the first answer after start was slow). This input channel, listed in
`bot/credentials.yml`, adds one listener and one route to the Rasa server:

- after the server starts, one Danish knowledge question is parsed through the NLU graph and the policies
  predict the next action for it on a throwaway in-memory tracker (no tracker store, no lock, no action
  server call, nothing written to Redis);
- `GET /webhooks/lyt/ready` answers 200 `{"status": "warmed", "components": {"nlu": "warmed", "policies":
  "warmed"}, "warmup_seconds": ..., "instance": ...}` once both are done (`instance`: new with every start, so
  the gateway sees a restart and sends its warm-up turn again, api/services/first_turn.py), and 503 with "loading" (or "failed") before.

The gateway's `/readyz` reads it; `/status` stays Rasa's own check that a model is loaded. It receives no
messages: it is an input channel only to be given a route on Rasa's server.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

WARMUP_TEXT = "hvordan gør jeg min profil privat"
COMPONENTS = ("nlu", "policies")


class Warmth:
    def __init__(self) -> None:
        self.components: Dict[str, str] = {name: "loading" for name in COMPONENTS}
        self.seconds: Optional[float] = None
        self.instance = secrets.token_hex(8)

    @property
    def status(self) -> str:
        values = set(self.components.values())
        return "warmed" if values == {"warmed"} else ("failed" if "failed" in values else "loading")

    def body(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {
            "status": self.status,
            "components": dict(self.components),
            "instance": self.instance,
        }
        if self.seconds is not None:
            body["warmup_seconds"] = round(self.seconds, 3)
        return body


async def warm_up(agent: Any, warmth: Warmth) -> None:
    """One parse through the NLU graph, then one prediction of the policies, on an in-memory tracker."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    started = time.perf_counter()
    try:
        parse = await agent.parse_message(WARMUP_TEXT)
        warmth.components["nlu"] = "warmed"
    except Exception:  # noqa: BLE001 - reported by the route and the log
        warmth.components["nlu"] = warmth.components["policies"] = "failed"
        log.exception("warm-up: the NLU parse failed")
        return
    try:
        uttered = UserUttered(WARMUP_TEXT, parse.get("intent"), parse.get("entities"), parse_data=parse)
        tracker = DialogueStateTracker.from_events(
            "lyt-warmup", [ActionExecuted(ACTION_LISTEN_NAME), uttered], slots=agent.domain.slots
        )
        agent.processor.predict_next_with_tracker(tracker)
        warmth.components["policies"] = "warmed"
    except Exception:  # noqa: BLE001
        warmth.components["policies"] = "failed"
        log.exception("warm-up: the policy prediction failed")
        return
    warmth.seconds = time.perf_counter() - started
    log.info("warmed: one parse and one prediction in %.2f s", warmth.seconds)


class ReadinessInput(InputChannel):
    """`bot.readiness.ReadinessInput` in credentials.yml: the warm-up listener and its `/ready` route."""

    @classmethod
    def name(cls) -> Text:
        return "lyt"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InputChannel":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        warmth = Warmth()
        ready_blueprint = Blueprint("lyt_readiness", __name__)

        @ready_blueprint.listener("after_server_start")
        async def start_warm_up(app: Any, _loop: Any) -> None:
            # After Rasa's own before_server_start listener has loaded the agent (rasa.core.run).
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                warmth.components = {name: "failed" for name in COMPONENTS}
                log.error("warm-up: no model loaded")
                return
            app.add_task(warm_up(agent, warmth))

        @ready_blueprint.route("/ready", methods=["GET"])
        async def ready(_: Request) -> HTTPResponse:
            return response.json(warmth.body(), status=200 if warmth.status == "warmed" else 503)

        return ready_blueprint
