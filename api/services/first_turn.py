"""The gateway's warm-up turn: one Danish knowledge question through the real path before `/readyz` says ready.

Each process warms its own models at start (api/services/readiness.py), but measured on the first message
after that, the path *between* them was still cold (issue 13: 3.9 s first against ~110 ms warm under load,
332 ms against 29 ms on a quiet machine): the gateway's article catalogue (read and rendered on first use),
triage's first judgement on its own worker thread, the action server's first Redis client (it takes the
gateway's embedding of the question) and thread, Rasa's first remote action call (its session to the action
server, its response validator) and the first turn through Rasa's lock and tracker stores.

So once Redis, Rasa and the action server all report warmed, the gateway sends one question the way
`handle_youth_message` sends a bot-mode message: scrubbed, judged by triage on the triage thread while Rasa
is asked over its REST webhook with the query-vector hand-over in the metadata, Rasa runs
`action_answer_knowledge` on the action server, which takes the vector from Redis and searches; the reply
is interpreted and its article looked up in the catalogue. Nothing of it is stored as a conversation: the
sender is a throwaway id (`lyt-warmup-<random>`), no conversation hash, event stream, queue entry, gap,
transcript or counter is written, and the keys the turn makes are deleted at its end (Rasa's tracker
`rasa:tracker:<sender>`, the hand-over `lyt:qvec:<sender>:<nonce>`; Rasa deletes its own lock
`rasalock:lock:<sender>` after the message). Each has a TTL anyway (conversation TTL, 10 s, ticket lifetime).

The turn does not run the gateway's own HTTP path (FastAPI's first call of a route, the token check, the message
route's store and emit stages, serialisation), which still made the first answer 30-40 ms against 20-22 ms warm.
So after it succeeded, the gateway sends one throwaway conversation through its real routes in-process (create,
one question, delete; api/services/first_http_turn.py, which says what that leaves: the usual tombstone, nothing
counted). Both must succeed, within `TIMEOUT_SECONDS` together, for the component to be "warmed".

The turn is started by the readiness check (`observe`: the gateway's own background check `keep_warm`, every
second until warmed and every 5 s after, and each `GET /readyz`) when everything else is warmed, and again when
Rasa or the action server was restarted (their ready routes report a new `instance`). `/readyz` lists it as
`gateway.first_turn` and says "ready" only once it (with the HTTP turn) succeeded; a failed turn is retried
after 2 s.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from api import redis_keys
from api.services.articles import article_catalogue
from api.services.first_http_turn import HttpTurnFailed, run_http_turn
from api.services.pii import scrub_spans_off_loop
from api.services.query_vector import QueryVectorHandOver
from api.services.rasa_client import interpret
from knowledge.language import resolve_language

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from api.services.readiness import GatewayWarmup, Readiness
    from api.state import AppState

log = logging.getLogger("lyt.first_turn")

COMPONENT = "gateway.first_turn"
SENDER_PREFIX = "lyt-warmup-"
# A general Danish knowledge question (an article card), other than the one the benchmark asks.
QUESTION = "hvordan gør jeg min profil privat"
TIMEOUT_SECONDS = 30.0
RETRY_SECONDS = 2.0
CHECK_SECONDS = 1.0
IDLE_CHECK_SECONDS = 5.0


class FirstTurnFailed(Exception):
    pass


@dataclass
class FirstTurn:
    """The warm-up turn of this process: its task, and the Rasa and action-server instances it warmed."""

    task: asyncio.Task[None] | None = None
    app: Starlette | None = None  # the gateway app, for the HTTP turn (set by `keep_warm`)
    warmed_for: dict[str, str | None] | None = None
    seconds: float | None = None
    failures: int = 0
    last_failure: float = field(default=0.0)


FIRST_TURN = FirstTurn()


async def run_turn(state: AppState, question: str = QUESTION) -> str:
    """One knowledge question through triage, Rasa and the action server; returns the sender it used.
    Raises FirstTurnFailed unless the answer came from the knowledge search (an article, clarify or decline)."""
    sender = SENDER_PREFIX + secrets.token_hex(8)
    lang = resolve_language(question, "da")
    scrubbed = await scrub_spans_off_loop(question)
    hand_over = QueryVectorHandOver(state.redis, sender, scrubbed.text)
    try:
        rasa_call = asyncio.create_task(state.rasa.send(sender, scrubbed.text, hand_over.metadata))
        try:
            await state.judge(question, [], hand_over.sink)  # on the triage thread, as every message
        except BaseException:
            rasa_call.cancel()
            raise
        finally:
            await hand_over.finish()
        reply = interpret(await rasa_call)
        if reply.article is not None:
            if reply.article["id"] not in article_catalogue():
                raise FirstTurnFailed("the answer's article is not in the catalogue")
        elif reply.gap_kind is None:
            raise FirstTurnFailed(f"no answer from the knowledge search ({lang})")
    finally:
        await state.redis.delete(redis_keys.rasa_tracker(sender), hand_over.key)
    return sender


async def _warm(state: AppState, record: GatewayWarmup, instances: dict[str, str | None]) -> None:
    started = time.perf_counter()
    turn_done = started
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await run_turn(state)
            turn_done = time.perf_counter()
            if FIRST_TURN.app is not None:  # then the gateway's own routes (api/services/first_http_turn.py)
                await run_http_turn(FIRST_TURN.app, state.redis, QUESTION)
    except Exception as exc:  # noqa: BLE001 - reported by /readyz and the log; the next check retries
        FIRST_TURN.failures += 1
        FIRST_TURN.last_failure = time.monotonic()
        record.components[COMPONENT] = "failed"
        known = isinstance(exc, (FirstTurnFailed, HttpTurnFailed))  # their messages name a step, never an id
        log.warning("warm-up turn failed: %s", exc if known else type(exc).__name__)
        return
    FIRST_TURN.seconds = time.perf_counter() - started
    FIRST_TURN.warmed_for = instances
    record.components[COMPONENT] = "warmed"
    log.info(
        "warm-up turn through Rasa and the action server in %.2f s, then through the gateway's routes in %.2f s",
        turn_done - started,
        time.perf_counter() - turn_done,
    )


def _restarted(warmed_for: dict[str, str | None], now: dict[str, str | None]) -> bool:
    """A process answers with another instance than the turn warmed. One that does not answer (down, or busy
    past the check's timeout) is no restart: its own component is not "warmed" then anyway."""
    return any(now.get(name) is not None and now.get(name) != instance for name, instance in warmed_for.items())


def observe(state: AppState, readiness: Readiness, record: GatewayWarmup) -> None:
    """Called with each readiness check: start the warm-up turn when everything else is warmed and it has not
    run for these Rasa and action-server instances, and mark it "loading" while it runs."""
    others_warm = readiness.redis_ok and all(
        value in ("warmed", "off") for name, value in readiness.components.items() if name != COMPONENT
    )
    task = FIRST_TURN.task
    running = task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop()
    if FIRST_TURN.warmed_for is not None and _restarted(FIRST_TURN.warmed_for, readiness.instances):
        FIRST_TURN.warmed_for = None  # Rasa or the action server was restarted: warm the path again
        record.components[COMPONENT] = "loading"
    if others_warm and FIRST_TURN.warmed_for is None and not running:
        if record.components[COMPONENT] != "failed" or time.monotonic() - FIRST_TURN.last_failure >= RETRY_SECONDS:
            if record.components[COMPONENT] != "failed":
                record.components[COMPONENT] = "loading"
            FIRST_TURN.task = asyncio.create_task(_warm(state, record, dict(readiness.instances)))
    readiness.components[COMPONENT] = record.components[COMPONENT]
    readiness.settle()


async def keep_warm(state: AppState, record: GatewayWarmup | None = None, app: Starlette | None = None) -> None:
    """Run the readiness check in the background (every `CHECK_SECONDS` until the turn is warmed, every
    `IDLE_CHECK_SECONDS` after), so that the turn runs even when nobody asks `/readyz`. With `app` (the
    gateway's), each warm-up also sends one conversation through its HTTP routes after the turn."""
    from api.services.readiness import GATEWAY_WARMUP, collect

    FIRST_TURN.app = app
    record = record or GATEWAY_WARMUP
    settings = state.settings
    token = settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None
    try:
        while True:
            try:
                redis_ok = bool(await asyncio.wait_for(state.redis.ping(), timeout=1.0))
            except Exception:  # noqa: BLE001 - Redis down: nothing to warm yet
                redis_ok = False
            readiness = await collect(redis_ok, settings.rasa_url, settings.action_server_url, record, token)
            observe(state, readiness, record)
            await asyncio.sleep(CHECK_SECONDS if record.components[COMPONENT] != "warmed" else IDLE_CHECK_SECONDS)
    finally:
        task = FIRST_TURN.task
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            task.cancel()  # shutting down mid-turn: its `finally` still deletes the keys it made
