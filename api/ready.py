"""Wait for every service of `make run`, print the URLs, then stay alive (honcho stops all if one exits)."""

from __future__ import annotations

import asyncio
import os
import secrets
import time

import httpx

from api.services.accounts import create_account


def _wait(url: str, name: str, timeout_seconds: float = 600.0) -> bool:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                print(f"  {name}: ready", flush=True)
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    print(f"  {name}: NOT ready after {timeout_seconds:.0f}s ({url})", flush=True)
    return False


def main() -> None:
    port = os.environ.get("LYT_PORT", "8000")
    base = f"http://127.0.0.1:{port}"
    print("waiting for the services ...", flush=True)
    _wait(base + "/healthz", "gateway")
    _wait(os.environ["ACTION_SERVER_URL"] + "/health", "action server")
    _wait(os.environ["RASA_URL"] + "/status", "rasa")
    lines = [
        "",
        "Lyt is running.",
        f"  Widget demo page:     {base}/",
        f"  Counsellor dashboard: {base}/counsellor",
        f"  API docs:             {base}/docs",
        f"  Readiness:            {base}/readyz",
    ]
    if os.environ.get("LYT_ENV", "development") == "development":
        password = secrets.token_urlsafe(9)
        asyncio.run(create_account(os.environ["REDIS_URL"], "demo", password, "supervisor"))
        lines.append(f"  Demo counsellor login (development only): demo / {password}")
    lines.append("Press Ctrl-C to stop everything.")
    print("\n".join(lines), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
