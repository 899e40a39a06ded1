"""`make run`: start Redis (unless REDIS_URL is set), the action server, Rasa and the gateway.

Supervised by honcho: output is prefixed per process, and when one process dies or Ctrl-C is
pressed, honcho stops them all. A `ready` process waits for each service, prints the URLs and (in
development) creates a demo counsellor login.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

from honcho.manager import Manager

from api.embedded_redis import free_port
from api.settings import REPO_ROOT, get_settings

APP_PY = str(REPO_ROOT / ".venv" / "bin" / "python")
RASA_BIN = str(REPO_ROOT / ".venv-rasa" / "bin" / "rasa")
# How every gateway is served (make run, tests, benchmarks, docker-compose.yml). No per-message deflate:
# events are small JSON, and each socket's zlib state cost ~46 kB of the ~66 kB an idle socket took.
GATEWAY_UVICORN_OPTIONS = ("--no-access-log", "--ws-max-size", "65536", "--ws-per-message-deflate", "false")


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def service_environment() -> dict[str, str]:
    """Resolve ports and URLs once, so every child process sees the same values."""
    settings = get_settings()
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    if "REDIS_URL" not in os.environ:
        port = 6379 if _port_free(6379) else free_port()
        env["LYT_EMBEDDED_REDIS_PORT"] = str(port)
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    parsed = urlparse(env["REDIS_URL"])
    env["REDIS_HOST"] = parsed.hostname or "127.0.0.1"
    env["REDIS_PORT"] = str(parsed.port or 6379)
    env["REDIS_DB"] = (parsed.path or "/0").lstrip("/") or "0"
    env["REDIS_PASSWORD"] = parsed.password or ""
    rasa_port = int(env.get("LYT_RASA_PORT", "5005"))
    actions_port = int(env.get("LYT_ACTIONS_PORT", "5055"))
    env["RASA_URL"] = env.get("RASA_URL", f"http://127.0.0.1:{rasa_port}")
    env["ACTION_SERVER_URL"] = env.get("ACTION_SERVER_URL", f"http://127.0.0.1:{actions_port}")
    env["ACTION_ENDPOINT_URL"] = env["ACTION_SERVER_URL"] + "/webhook"
    env["LYT_RASA_PORT"] = str(rasa_port)
    env["LYT_ACTIONS_PORT"] = str(actions_port)
    env["LYT_PORT"] = str(settings.port)
    env["LYT_CONVERSATION_TTL"] = str(settings.conversation_ttl_seconds)
    return env


def process_commands(env: dict[str, str]) -> dict[str, str]:
    commands: dict[str, str] = {}
    if "LYT_EMBEDDED_REDIS_PORT" in env:
        commands["redis"] = (
            f"{APP_PY} -m api.embedded_redis {env['LYT_EMBEDDED_REDIS_PORT']} {REPO_ROOT / 'var' / 'redis'}"
        )
    commands["actions"] = f"{APP_PY} -m rasa_sdk --actions actions --port {env['LYT_ACTIONS_PORT']}"
    commands["rasa"] = (
        f"{RASA_BIN} run --enable-api --model var/models/lyt.tar.gz --endpoints bot/endpoints.yml "
        f"--credentials bot/credentials.yml --port {env['LYT_RASA_PORT']} --interface 127.0.0.1"
    )
    host = env.get("LYT_HOST", "127.0.0.1")
    commands["gateway"] = (
        f"{APP_PY} -m uvicorn api.main:create_app --factory --host {host} --port {env['LYT_PORT']} "
        + " ".join(GATEWAY_UVICORN_OPTIONS)
    )
    commands["ready"] = f"{APP_PY} -m api.ready"
    return commands


def main() -> None:
    env = service_environment()
    manager = Manager()
    for name, command in process_commands(env).items():
        manager.add_process(name, command, env=env, cwd=str(REPO_ROOT))
    manager.loop()
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
