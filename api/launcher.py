"""`make run`: check the ports, then start Redis (unless REDIS_URL is set), the action server, Rasa and the
gateway under supervisord.

- **Restarts.** supervisord (supervisor 4.3) restarts any child that dies, each on its own: a dead Rasa or
  action server comes back while the gateway and Redis keep running, and the gateway serves triage, the
  safety message and the queue meanwhile (`/readyz` says "degraded"). A child that dies while starting
  is retried after 1 s, 2 s, 3 s, ... and given up after `START_RETRIES` tries in a row (FATAL).
- **Console.** Each child's output is printed with its name in front by the `console` event listener
  (api/launcher_console.py), which also reports deaths, crash loops and give-ups loudly.
- **No orphans.** Every child runs under `setpriv --pdeathsig KILL`: when this process (supervisord, which
  it becomes) dies in any way, SIGKILL included, the kernel kills the children too. No child starts
  processes of its own (the action server runs Sanic in one process: actions/server.py).
- **Ctrl-C** (or SIGTERM) stops the children in reverse order of start, each with SIGTERM, then SIGKILL
  after `STOP_WAIT_SECONDS`.
- **Ports.** Before anything starts, each port is checked; one in use ends the launch with one line that
  names it and the variable that moves it (LYT_PORT, LYT_RASA_PORT, LYT_ACTIONS_PORT). Every service
  binds 127.0.0.1 (the gateway: LYT_HOST).
- **Ready.** The `ready` process (api/ready.py) prints the URLs once the gateway's `/readyz` says every
  model is loaded and warmed.
"""

from __future__ import annotations

import errno
import os
import shlex
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from api.embedded_redis import free_port
from api.settings import REPO_ROOT, get_settings

APP_PY = str(REPO_ROOT / ".venv" / "bin" / "python")
RASA_PY = str(REPO_ROOT / ".venv-rasa" / "bin" / "python")
SUPERVISORD = str(REPO_ROOT / ".venv" / "bin" / "supervisord")
# How every gateway is served (make run, tests, benchmarks, docker-compose.yml). No per-message deflate:
# events are small JSON, and each socket's zlib state cost ~46 kB of the ~66 kB an idle socket took.
GATEWAY_UVICORN_OPTIONS = (
    "--no-access-log",
    "--no-proxy-headers",
    "--ws-max-size",
    "65536",
    "--ws-per-message-deflate",
    "false",
)
# The ports `make run` binds, and the variable that moves each.
PORT_VARIABLES = {"gateway": "LYT_PORT", "rasa": "LYT_RASA_PORT", "action server": "LYT_ACTIONS_PORT"}
START_RETRIES = 10
STOP_WAIT_SECONDS = 15
# Seconds a child must stay up to count as started; dying sooner counts as a failed start (with backoff).
START_SECONDS = {"redis": 1, "actions": 5, "rasa": 10, "gateway": 5, "ready": 1}
ORDER = ("redis", "actions", "rasa", "gateway", "ready")


class PortInUse(Exception):
    def __init__(self, service: str, port: int) -> None:
        variable = PORT_VARIABLES[service]
        super().__init__(
            f"error: port {port} ({service}) is already in use on 127.0.0.1: stop what holds it, "
            f"or choose another port with {variable}, e.g. {variable}={port + 1} make run"
        )


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True if something listens on (or holds) `port`: the bind a server would do fails."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no reason
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def check_ports(env: dict[str, str]) -> None:
    """Raise PortInUse for the first port of `make run` that is taken."""
    ports = {
        "gateway": int(env["LYT_PORT"]),
        "rasa": int(env["LYT_RASA_PORT"]),
        "action server": int(env["LYT_ACTIONS_PORT"]),
    }
    for service, port in ports.items():
        if port_in_use(port):
            raise PortInUse(service, port)


def service_environment() -> dict[str, str]:
    """Resolve ports and URLs once, so every child process sees the same values."""
    settings = get_settings()
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    if "REDIS_URL" not in os.environ:
        port = 6379 if not port_in_use(6379) else free_port()
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


def process_commands(env: dict[str, str]) -> dict[str, list[str]]:
    """Each child's command line, in order of start."""
    commands: dict[str, list[str]] = {}
    if "LYT_EMBEDDED_REDIS_PORT" in env:
        redis_dir = str(REPO_ROOT / "var" / "redis")
        commands["redis"] = [APP_PY, "-m", "api.embedded_redis", env["LYT_EMBEDDED_REDIS_PORT"], redis_dir]
    commands["actions"] = [
        APP_PY,
        "-m",
        "actions.server",
        "--port",
        env["LYT_ACTIONS_PORT"],
        "--interface",
        "127.0.0.1",
    ]
    commands["rasa"] = [
        # bot/quiet_rasa.py: Rasa with no message text in its log lines (as in docker-compose.yml).
        RASA_PY, "-m", "bot.quiet_rasa", "run", "--enable-api", "--model", "var/models/lyt.tar.gz", "--endpoints", "bot/endpoints.yml",
        "--credentials", "bot/credentials.yml", "--port", env["LYT_RASA_PORT"], "--interface", "127.0.0.1",
    ]  # fmt: skip
    host = env.get("LYT_HOST", "127.0.0.1")
    commands["gateway"] = [
        APP_PY, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", host, "--port", env["LYT_PORT"],
        *GATEWAY_UVICORN_OPTIONS,
    ]  # fmt: skip
    commands["ready"] = [APP_PY, "-m", "api.ready"]
    return commands


def _orphan_proof(command: list[str]) -> str:
    """The command under `setpriv --pdeathsig KILL`: killed by the kernel when supervisord dies."""
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    return shlex.join([setpriv, "--pdeathsig", "KILL", "--", *command]).replace("%", "%%")


def supervisord_config(commands: dict[str, list[str]], run_dir: Path) -> str:
    """supervisord's configuration for `commands`; its own log goes to stdout, nothing to files."""
    lines = [
        "[supervisord]",
        "nodaemon=true",
        "logfile=/dev/null",
        "logfile_maxbytes=0",
        f"pidfile={run_dir / 'supervisord.pid'}",
        f"childlogdir={run_dir}",
        "loglevel=info",
        "identifier=lyt",
    ]
    if os.geteuid() == 0:
        lines.append("user=root")  # says so, instead of a CRIT line about running as root
    lines += [
        "",
        "[eventlistener:console]",
        f"command={_orphan_proof([APP_PY, '-m', 'api.launcher_console'])}",
        f"directory={REPO_ROOT}",
        "events=PROCESS_LOG,PROCESS_STATE",
        "buffer_size=10000",
        "priority=1",
        "autorestart=true",
        "stderr_logfile=/dev/stdout",
        "stderr_logfile_maxbytes=0",
    ]
    for priority, (name, command) in enumerate(commands.items(), start=10):
        lines += [
            "",
            f"[program:{name}]",
            f"command={_orphan_proof(command)}",
            f"directory={REPO_ROOT}",
            f"priority={priority}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS.get(name, 5)}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            "stdout_logfile=NONE",
            "stdout_events_enabled=true",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    env = service_environment()
    try:
        check_ports(env)
    except PortInUse as exc:
        print(exc, file=sys.stderr, flush=True)
        sys.exit(2)
    if not Path(SUPERVISORD).exists():
        sys.exit("error: supervisord is missing from .venv: run `make setup`")
    commands = process_commands(env)
    run_dir = Path(env.get("LYT_RUN_DIR") or REPO_ROOT / "var" / "run")
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "supervisord.conf"
    config.write_text(supervisord_config(commands, run_dir))
    env["LYT_CONSOLE_NAMES"] = ",".join(commands)
    env["LYT_CONSOLE_COLOUR"] = "1" if sys.stdout.isatty() else "0"
    # supervisord takes this process's place (same pid, same process group as make), so killing the
    # launcher kills supervisord, and the kernel then kills every child (pdeathsig).
    os.execve(SUPERVISORD, [SUPERVISORD, "-n", "-c", str(config)], env)


if __name__ == "__main__":
    main()
