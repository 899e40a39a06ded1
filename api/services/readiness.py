"""Readiness means warmed: what `/readyz` reports for each model of the stack.

Every process loads and exercises its models before it says it is ready:

- the gateway: triage judges one message at start-up (`warm_up_triage`, called by `api.main.load_triage`):
  one sentence embedding and one judgement;
- Rasa: one parse through the NLU graph and one prediction of the policies (bot/readiness.py), reported at
  `GET <rasa>/webhooks/lyt/ready`;
- the action server: one real call of `action_answer_knowledge` (actions/server.py), reported at
  `GET <action server>/ready`;
- the path between them: once all of the above are warmed, the gateway sends one throwaway knowledge
  question through triage, Rasa's REST webhook, the action server and the knowledge search
  (api/services/first_turn.py, `gateway.first_turn`), again whenever Rasa or the action server reports a
  new `instance` (it was restarted).

`/readyz` lists each component as "warmed", "loading", "failed", "down" (its process does not answer),
"unknown" (its process has no readiness route: not started the `make run` way) or "off" (switched off,
e.g. the triage semantic layer). The stack is "ready" only when Redis answers and every component is
warmed (or off); "degraded" while Redis answers but something else is not: the gateway then still serves
triage, the safety message and the queue.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp

if TYPE_CHECKING:
    from api.state import TriageJudge

log = logging.getLogger("lyt.readiness")

WARM = ("warmed", "off")
WARMUP_MESSAGE = "jeg har det ikke så godt i dag"  # not urgent and long enough for the semantic layer
RASA_READY_PATH = "/webhooks/lyt/ready"
ACTIONS_READY_PATH = "/ready"
RASA_COMPONENTS = ("nlu", "policies")
ACTIONS_COMPONENTS = ("knowledge_search",)


@dataclass
class GatewayWarmup:
    """This process's own warm-up: filled once at start-up, before the gateway serves."""

    components: dict[str, str] = field(
        default_factory=lambda: {
            "gateway.triage_embedding": "loading",
            "gateway.triage_judge": "loading",
            "gateway.first_turn": "loading",
        }
    )
    seconds: float | None = None


GATEWAY_WARMUP = GatewayWarmup()


def warm_up_triage(triage: TriageJudge, record: GatewayWarmup = GATEWAY_WARMUP) -> GatewayWarmup:
    """Judge one message: loads the embedding model (ONNX session) and runs the judge once."""
    embedded: list[int] = []
    started = time.perf_counter()
    triage.judge(WARMUP_MESSAGE, on_embedding=lambda _model, _text, vector: embedded.append(len(vector)))
    record.seconds = time.perf_counter() - started
    record.components["gateway.triage_judge"] = "warmed"
    # No embedding: the semantic layer is switched off (LYT_TRIAGE_SEMANTIC=0), so nothing to warm.
    record.components["gateway.triage_embedding"] = "warmed" if embedded else "off"
    log.info(
        "triage warmed in %.2f s (%s)", record.seconds, ", ".join(f"{k}: {v}" for k, v in record.components.items())
    )
    return record


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int | None, dict[str, Any]]:
    """(status code or None when nothing answers, JSON body or {})."""
    try:
        async with session.get(url) as response:
            body = await response.json(content_type=None) if response.status in (200, 503) else {}
            return response.status, body if isinstance(body, dict) else {}
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return None, {}


def remote_components(
    prefix: str, expected: tuple[str, ...], status: int | None, body: dict[str, Any]
) -> dict[str, str]:
    """The components a process reports at its readiness route, named `<prefix>.<component>`."""
    if status is None:
        return {f"{prefix}.{name}": "down" for name in expected}
    if status not in (200, 503):
        return {f"{prefix}.{name}": "unknown" for name in expected}
    reported = body.get("components")
    reported = reported if isinstance(reported, dict) else {}
    names = list(expected) + [str(name) for name in reported if name not in expected]
    return {f"{prefix}.{name}": str(reported.get(name, "loading")) for name in names}


@dataclass
class Readiness:
    status: str
    checks: dict[str, str]
    components: dict[str, str]
    redis_ok: bool = True
    # The `instance` each remote process reports at its ready route (new with every start), or None.
    instances: dict[str, str | None] = field(default_factory=dict)

    def settle(self) -> None:
        """The overall status from the checks and components: "ready" only when everything is warmed."""
        warmed = all(v in WARM for v in self.components.values()) and all(v == "ok" for v in self.checks.values())
        self.status = "ready" if self.redis_ok and warmed else ("degraded" if self.redis_ok else "down")

    def body(self) -> dict[str, Any]:
        return {"status": self.status, "checks": self.checks, "components": self.components}


async def collect(
    redis_ok: bool,
    rasa_url: str,
    actions_url: str,
    gateway: GatewayWarmup = GATEWAY_WARMUP,
    rasa_token: str | None = None,
) -> Readiness:
    """`rasa_token`: Rasa's --auth-token (docker-compose.yml), which its /status requires as `?token=`; only on
    the internal network, and never logged."""
    status_url = rasa_url.rstrip("/") + "/status" + (f"?{urlencode({'token': rasa_token})}" if rasa_token else "")
    timeout = aiohttp.ClientTimeout(total=1.0)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        (rasa_status, rasa_body), rasa_ready, (actions_health, _), actions_ready = await asyncio.gather(
            _get(session, status_url),
            _get(session, rasa_url.rstrip("/") + RASA_READY_PATH),
            _get(session, actions_url.rstrip("/") + "/health"),
            _get(session, actions_url.rstrip("/") + ACTIONS_READY_PATH),
        )
    components = dict(gateway.components)
    components.update(remote_components("rasa", RASA_COMPONENTS, *rasa_ready))
    components.update(remote_components("action_server", ACTIONS_COMPONENTS, *actions_ready))
    rasa_ok = rasa_status == 200 and bool(rasa_body.get("model_id"))
    nlu = components["rasa.nlu"]
    checks = {
        "redis": "ok" if redis_ok else "down",
        "rasa": "ok" if rasa_ok else "down",
        "action_server": "ok" if actions_health == 200 else "down",
        "model": "ok" if rasa_ok and nlu == "warmed" else ("not loaded" if not rasa_ok else nlu),
        "triage": "ok" if components["gateway.triage_judge"] == "warmed" else components["gateway.triage_judge"],
    }
    instances = {"rasa": _instance(rasa_ready[1]), "action_server": _instance(actions_ready[1])}
    readiness = Readiness("down", checks, components, redis_ok, instances)
    readiness.settle()
    return readiness


def _instance(body: dict[str, Any]) -> str | None:
    instance = body.get("instance")
    return str(instance) if instance is not None else None
