"""The action server of `make run` and docker-compose: rasa_sdk's app in one process, warmed before it says ready.

    python -m actions.server --port 5055 [--interface 127.0.0.1]

What differs from `python -m rasa_sdk --actions actions`:

- **One process.** rasa_sdk 3.21 on Sanic 25 serves from a worker process beside its main process. The
  worker unpickles the actions without running their constructors, so the knowledge base was loaded in
  the idle main process and again on the worker's first question (the 6 s first answer of issue 13). Here
  Sanic runs in single-process mode: the knowledge base is loaded once, and a process manager that kills
  this process leaves no grandchild holding the port.
- **Binds `--interface`** (127.0.0.1 unless told otherwise; rasa_sdk binds 0.0.0.0 unless SANIC_HOST is set).
- **Warm-up.** Right after the server starts, the knowledge base, its index and its embedder are loaded
  and one question is embedded and searched (in a daemon thread, so a stop never waits for it); then one
  real call of `action_answer_knowledge` goes through the same executor as `/webhook`.
- **`GET /ready`**: 200 `{"status": "warmed", "components": {...}}` once warmed, 503 with "loading" (or
  "failed") before, with an `instance` new with every start (the gateway then sends its warm-up turn through
  Rasa and this server again, api/services/first_turn.py). `/health` stays rasa_sdk's liveness check. The gateway's `/readyz` reads `/ready`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import threading
import time
from typing import Any

from actions.knowledge_answer import ACTION_NAME

log = logging.getLogger("actions.server")

WARMUP_QUESTION = {"da": "hvordan gør jeg min profil privat", "en": "how do i make my profile private"}
COMPONENT = "knowledge_search"


def warmup_call(lang: str = "da") -> dict[str, Any]:
    """An action call as Rasa sends it, for one question in `lang` (no query vector: the search embeds it)."""
    question = WARMUP_QUESTION[lang]
    return {
        "next_action": ACTION_NAME,
        "sender_id": "lyt-warmup",
        "version": "3.6.21",
        # A truthy domain, so the executor needs no cached one; the action reads only the slot `lang`.
        "domain": {"version": "3.1", "slots": {"lang": {"type": "text"}}},
        "tracker": {
            "sender_id": "lyt-warmup",
            "slots": {"lang": lang},
            "latest_message": {"text": question, "intent": {"name": "ask_knowledge"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


class Warmth:
    """What `/ready` reports: each component's status and how long its warm-up took."""

    def __init__(self) -> None:
        self.status = "loading"
        self.seconds: float | None = None
        self.instance = secrets.token_hex(8)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status,
            "components": {COMPONENT: self.status},
            "instance": self.instance,
        }
        if self.seconds is not None:
            body["warmup_seconds"] = round(self.seconds, 2)
        return body


async def load_in_daemon_thread() -> None:
    """Load the knowledge base and answer the warm-up question once, in a daemon thread.

    The slow part of the warm-up (seconds to a minute on a busy machine). Through `asyncio.to_thread`, as
    the action itself searches, a stop (SIGTERM from supervisord) during the load would wait for it to
    finish; a daemon thread is left behind at exit instead."""
    from actions.knowledge_answer import answer_payload

    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if not done.done():
            done.set_result(None) if error is None else done.set_exception(error)

    def load() -> None:
        error: BaseException | None = None
        try:
            answer_payload(WARMUP_QUESTION["da"], "da")
        except Exception as exc:  # noqa: BLE001 - handed to the warm-up, which reports it
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: the server is stopping
            loop.call_soon_threadsafe(settle, error)

    threading.Thread(target=load, name="kb-warm-up", daemon=True).start()
    await done


def create_app(executor: Any, warmth: Warmth) -> Any:
    from rasa_sdk.endpoint import create_app as create_rasa_sdk_app
    from sanic import response

    app = create_rasa_sdk_app(executor, cors_origins=None)

    async def ready(_: Any) -> Any:
        return response.json(warmth.body(), status=200 if warmth.status == "warmed" else 503)

    app.add_route(ready, "/ready", methods=["GET"])

    async def warm_up() -> None:
        started = time.perf_counter()
        try:
            await load_in_daemon_thread()
            result = await executor.run(warmup_call("da"))
            payload = result.model_dump()["responses"][0]["custom"] if result else None
            if not isinstance(payload, dict) or payload.get("lyt") not in ("article", "clarify", "decline"):
                raise RuntimeError(f"unexpected warm-up answer: {str(payload)[:120]}")
        except Exception:  # noqa: BLE001 - reported by /ready and the log; questions still load it lazily
            warmth.status = "failed"
            log.exception("warm-up of %s failed", ACTION_NAME)
            return
        warmth.seconds = time.perf_counter() - started
        warmth.status = "warmed"
        log.info("warmed: %s answered one question in %.2f s", ACTION_NAME, warmth.seconds)

    async def start_warm_up(app: Any) -> None:
        app.add_task(warm_up())

    app.register_listener(start_warm_up, "after_server_start")
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Lyt's action server (rasa_sdk, one process, warmed)")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--interface", default="127.0.0.1", help="address to bind (0.0.0.0 inside a container)")
    parser.add_argument("--actions", default="actions", help="the package with the actions")
    args = parser.parse_args(argv)

    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    app = create_app(executor, Warmth())
    log.info("action server on http://%s:%d (one process)", args.interface, args.port)
    app.run(host=args.interface, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
