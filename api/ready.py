"""The `ready` process of `make run`: wait until the gateway's `/readyz` says "ready" (every model loaded and
warmed: the gateway's triage, Rasa, the action server's knowledge search), then print the URLs and, in
development, a demo counsellor login. After that it stays and reports each change of readiness, e.g.
"degraded" while Rasa is down and being restarted, and "ready" again once it is back and warmed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from typing import Any

import httpx

from api.services.accounts import create_account
from api.settings import get_settings

POLL_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 15.0


def read_readiness(url: str) -> dict[str, Any]:
    """The gateway's `/readyz` body, or `{"status": "starting"}` while the gateway does not answer."""
    try:
        body = httpx.get(url, timeout=5.0).json()
    except (httpx.HTTPError, ValueError):
        return {"status": "starting"}
    return body if isinstance(body, dict) else {"status": "starting"}


def not_warmed(body: dict[str, Any]) -> str:
    """The components that are not warmed yet, e.g. "rasa.nlu: loading, action_server.knowledge_search: down"."""
    components = body.get("components") or {}
    waiting = [f"{name}: {status}" for name, status in components.items() if status not in ("warmed", "off")]
    return ", ".join(waiting) or "the gateway does not answer yet"


def wait_until_ready(url: str) -> dict[str, Any]:
    started = last_progress = time.monotonic()
    while True:
        body = read_readiness(url)
        if body.get("status") == "ready":
            print(f"  ready after {time.monotonic() - started:.0f} s: every model loaded and warmed", flush=True)
            return body
        if time.monotonic() - last_progress >= PROGRESS_EVERY_SECONDS:
            last_progress = time.monotonic()
            print(f"  still starting ({time.monotonic() - started:.0f} s): {not_warmed(body)}", flush=True)
        time.sleep(POLL_SECONDS)


def announce(base: str) -> None:
    lines = [
        "",
        "Lyt is running.",
        f"  Widget demo page:     {base}/",
        f"  Counsellor dashboard: {base}/counsellor",
        f"  API docs:             {base}/docs",
        f"  Readiness:            {base}/readyz",
    ]
    settings = get_settings()  # the settings object (environment and .env), not os.environ alone
    if settings.is_development:
        password = secrets.token_urlsafe(9)
        asyncio.run(create_account(settings.redis_url, "demo", password, "supervisor"))
        lines.append(f"  Demo counsellor login (development only): demo / {password}")
    lines.append("Press Ctrl-C to stop everything.")
    print("\n".join(lines), flush=True)


def watch(url: str) -> None:
    """Report each change of the overall status, with what is missing while not ready."""
    last = "ready"
    while True:
        time.sleep(POLL_SECONDS)
        body = read_readiness(url)
        status = str(body.get("status"))
        if status != last:
            detail = "" if status == "ready" else f" ({not_warmed(body)})"
            print(f"  Lyt is {status}{detail}", flush=True)
            last = status


def main() -> None:
    base = f"http://127.0.0.1:{os.environ.get('LYT_PORT', '8000')}"
    print("waiting until every model is loaded and warmed ...", flush=True)
    wait_until_ready(base + "/readyz")
    announce(base)
    watch(base + "/readyz")


if __name__ == "__main__":
    main()
