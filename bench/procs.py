"""Processes the benchmarks start: redis-server, gateways, the Lyt Rasa stack, a stock `rasa init` stack.

Reuses the helpers of tests/conftest.py (paths, `wait_http`) and api/embedded_redis.py. Every process
is registered with a `Processes` owner and stopped by its pid when the owner closes; child output goes
to log files under <tmp>/lyt-bench/logs (never into the repository).
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from api.embedded_redis import free_port as os_free_port
from api.embedded_redis import start_redis
from api.launcher import GATEWAY_UVICORN_OPTIONS
from tests.conftest import APP_PY, MODEL, RASA_BIN, REPO, wait_http

BENCH_TMP = Path(os.environ.get("LYT_BENCH_TMP", Path(tempfile.gettempdir()) / "lyt-bench"))
LOG_DIR = BENCH_TMP / "logs"
CONVERSATION_TTL = "2592000"
# The load generator creates many conversations from one address and sends without pauses.
# The Lyt model (LYT_BENCH_MODEL overrides it, e.g. to compare pipelines).
LYT_MODEL = Path(os.environ.get("LYT_BENCH_MODEL", str(MODEL)))
UNLIMITED_RATE_ENV = {"LYT_CONVERSATIONS_PER_IP_HOUR": "100000000", "LYT_MESSAGES_PER_MINUTE": "100000000"}


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free port not handed out before in this run: the OS may offer a port again before the server
    that was given it has bound it (two Rasa instances once got the same one)."""
    while True:
        port = os_free_port()
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


@dataclass
class Processes:
    """Owns started processes; `close()` stops them in reverse order of start."""

    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def spawn(self, name: str, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(LOG_DIR / f"{name}.log", "ab") as log:
            process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append((name, process))
        return process

    def adopt(self, name: str, process: subprocess.Popen[bytes]) -> None:
        self.started.append((name, process))

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        self.started = [(n, p) for n, p in self.started if p is not process]

    def close(self) -> None:
        for _, process in reversed(list(self.started)):
            self.stop(process)

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class RedisHandle:
    url: str
    port: int
    process: subprocess.Popen[bytes]


@dataclass
class GatewayHandle:
    url: str
    port: int
    workers: int
    triage: str  # "real" or "stub" (knowledge.triage not available yet)
    process: subprocess.Popen[bytes]


@dataclass
class RasaHandle:
    urls: list[str]
    actions_url: str
    processes: list[subprocess.Popen[bytes]]
    tracker_store: str


def base_env(repo_on_path: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", RASA_TELEMETRY_ENABLED="false")
    if repo_on_path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def start_redis_server(procs: Processes) -> RedisHandle:
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="redis-", dir=BENCH_TMP if BENCH_TMP.exists() else None))
    process = start_redis(port, data_dir)
    procs.adopt(f"redis-{port}", process)
    return RedisHandle(f"redis://127.0.0.1:{port}/0", port, process)


@functools.cache
def triage_available() -> bool:
    """knowledge.triage is there and `Triage` imports (checked in a child process, once)."""
    if not (REPO / "knowledge" / "triage" / "__init__.py").exists():
        return False
    check = subprocess.run(
        [APP_PY, "-c", "from knowledge.triage import Triage"], cwd=REPO, capture_output=True, timeout=120
    )
    return check.returncode == 0


def start_gateway(
    procs: Processes,
    redis_url: str,
    rasa_url: str | None = None,
    actions_url: str | None = None,
    workers: int = 1,
    **extra_env: str,
) -> GatewayHandle:
    """A gateway as `make run` starts it (uvicorn, no access log), without rate limits for the load."""
    port = free_port()
    real = triage_available()
    app = "api.main:create_app" if real else "bench.stub_triage:create_app"
    env = base_env()
    env.update(
        REDIS_URL=redis_url,
        RASA_URL=rasa_url or f"http://127.0.0.1:{free_port()}",
        ACTION_SERVER_URL=actions_url or f"http://127.0.0.1:{free_port()}",
        LYT_PORT=str(port),
        LYT_ENV="test",
        **UNLIMITED_RATE_ENV,
    )
    env.update(extra_env)
    args = [APP_PY, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port)]
    args += [*GATEWAY_UVICORN_OPTIONS, "--log-level", "warning"]
    if workers > 1:
        args += ["--workers", str(workers)]
    process = procs.spawn(f"gateway-{port}", args, REPO, env)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", timeout=180, process=process)
    return GatewayHandle(url, port, workers, "real" if real else "stub", process)


def rasa_env(redis_port: int, actions_port: int) -> dict[str, str]:
    # No PYTHONPATH: like `make run`, Rasa finds bot/ (custom tracker store) from its working directory.
    env = base_env(repo_on_path=False)
    env.update(
        REDIS_HOST="127.0.0.1",
        REDIS_PORT=str(redis_port),
        REDIS_DB="0",
        REDIS_PASSWORD="",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        LYT_CONVERSATION_TTL=CONVERSATION_TTL,
    )
    return env


TRACKER_STORES = {
    "redis": "redis",  # Rasa's RedisTrackerStore: the whole conversation in one value
    "bounded": "bot.tracker_store.BoundedRedisTrackerStore",  # keeps the last `max_turns` user turns
}


def lyt_endpoints(tracker_store: str, max_turns: int = 10) -> Path:
    """bot/endpoints.yml itself ("configured"), or the same file with another tracker store class."""
    if tracker_store == "configured":
        return REPO / "bot" / "endpoints.yml"
    extra = f"\n  max_turns: {max_turns}" if tracker_store == "bounded" else ""
    redis = "  url: ${REDIS_HOST}\n  port: ${REDIS_PORT}\n  db: ${REDIS_DB}\n  password: ${REDIS_PASSWORD}\n"
    text = (
        "action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n"
        f"tracker_store:\n  type: {TRACKER_STORES[tracker_store]}\n{redis}"
        "  key_prefix: rasa\n  record_exp: ${LYT_CONVERSATION_TTL}" + extra + "\n"
        f"lock_store:\n  type: bot.lock_store.AtomicRedisLockStore\n{redis}  key_prefix: rasalock\n"
    )
    BENCH_TMP.mkdir(parents=True, exist_ok=True)
    path = BENCH_TMP / f"endpoints-{tracker_store}-{max_turns}.yml"
    path.write_text(text)
    return path


WARM_UP_QUESTION = "hvordan kan jeg bruge mindre tid på min telefon?"


def warm_up(rasa_url: str, timeout: float = 180.0) -> None:
    """One knowledge question end to end, so the action server has loaded the knowledge base."""
    sender = f"bench-warm-up-{uuid.uuid4().hex}"
    for text in ('/set_lang{"lang":"da"}', WARM_UP_QUESTION):
        response = httpx.post(
            f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
        )
        response.raise_for_status()
    kinds = [item.get("custom", {}).get("lyt") for item in response.json() if isinstance(item.get("custom"), dict)]
    if not {"article", "clarify", "decline"} & set(kinds):
        # e.g. {"lyt": "handoff_offer"}: the action server could not load the knowledge base
        raise RuntimeError(f"knowledge search is not answering (Rasa replied {kinds or response.json()})")


def configured_max_turns() -> int | None:
    """`max_turns` of the tracker store in bot/endpoints.yml (None when it has none)."""
    for line in (REPO / "bot" / "endpoints.yml").read_text().splitlines():
        if line.strip().startswith("max_turns:"):
            return int(line.split(":", 1)[1].strip())
    return None


def configured_tracker_store() -> str:
    """The tracker store type named in bot/endpoints.yml."""
    lines = (REPO / "bot" / "endpoints.yml").read_text().splitlines()
    inside = False
    for line in lines:
        if line.startswith("tracker_store:"):
            inside = True
        elif inside and line.strip().startswith("type:"):
            return line.split(":", 1)[1].strip()
    return "in-memory"


def start_lyt_rasa(
    procs: Processes,
    redis_port: int,
    tracker_store: str = "configured",
    instances: int = 1,
    max_turns: int = 10,
    workers: int = 1,
) -> RasaHandle:
    """The Lyt action server and `instances` Rasa servers (var/models/lyt.tar.gz) sharing Redis stores.

    `workers` > 1 sets SANIC_WORKERS: Rasa then forks that many worker processes on one port, which
    it allows only with a shared lock store such as Redis."""
    if not LYT_MODEL.exists():
        raise FileNotFoundError(f"no trained model at {LYT_MODEL}: run `.venv/bin/lyt bot train`")
    actions_port = free_port()
    env = rasa_env(redis_port, actions_port)
    if workers > 1:
        env["SANIC_WORKERS"] = str(workers)
    actions = procs.spawn(
        f"lyt-actions-{actions_port}",
        [APP_PY, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        REPO,
        env,
    )
    endpoints = lyt_endpoints(tracker_store, max_turns)
    processes, urls = [], []
    for _ in range(instances):
        port = free_port()
        args = [RASA_BIN, "run", "--enable-api", "--model", str(LYT_MODEL), "--endpoints", str(endpoints)]
        args += ["--credentials", "bot/credentials.yml", "--port", str(port), "--interface", "127.0.0.1"]
        processes.append(procs.spawn(f"lyt-rasa-{port}", args, REPO, env))
        urls.append(f"http://127.0.0.1:{port}")
    actions_url = f"http://127.0.0.1:{actions_port}"
    wait_http(actions_url + "/health", timeout=180, process=actions)
    for url, process in zip(urls, processes, strict=True):
        wait_http(url + "/status", timeout=300, process=process)
        warm_up(url)
    name = configured_tracker_store() if tracker_store == "configured" else TRACKER_STORES[tracker_store]
    return RasaHandle(urls, actions_url, [actions, *processes], name)


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds used so far by each named process and its children."""
    totals: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            process = psutil.Process(pid)
            # The benchmark process is the parent of every server it started: count only itself.
            family = [process] if pid == os.getpid() else [process, *process.children(recursive=True)]
            totals[name] = sum(t.user + t.system for t in (p.cpu_times() for p in family))
        except psutil.Error:
            totals[name] = float("nan")
    return totals


def cpu_ms_per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, float]:
    if not messages:
        return {}
    per = {name: round((after[name] - before[name]) * 1000 / messages, 2) for name in before}
    per["total"] = round(sum(v for v in per.values() if v == v), 2)
    return per
