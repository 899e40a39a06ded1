"""Shared fixtures: a real redis-server process, gateway processes, and the real Rasa stack."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from api.embedded_redis import free_port, start_redis
from api.launcher import GATEWAY_UVICORN_OPTIONS

REPO = Path(__file__).resolve().parent.parent
APP_PY = str(REPO / ".venv" / "bin" / "python")
RASA_BIN = str(REPO / ".venv-rasa" / "bin" / "rasa")
MODEL = REPO / "var" / "models" / "lyt.tar.gz"


@dataclass
class RedisServer:
    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]

    def restart(self) -> None:
        """Stop and start the same server (AOF replays what was acknowledged)."""
        self.process.terminate()
        self.process.wait(10)
        self.process = start_redis(self.port, self.data_dir)

    def restart_after_stop(self) -> None:
        if self.process.poll() is not None:
            self.process = start_redis(self.port, self.data_dir)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    port = free_port()
    data_dir = tmp_path_factory.mktemp("redis")
    server = RedisServer(f"redis://127.0.0.1:{port}/0", port, data_dir, start_redis(port, data_dir))
    yield server
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


def wait_http(url: str, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


@dataclass
class Gateway:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    env: dict[str, str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def restart(self) -> None:
        self.stop()
        self.process = _spawn_gateway(self.port, self.env)
        wait_http(self.url + "/healthz", process=self.process)


def _spawn_gateway(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            APP_PY,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *GATEWAY_UVICORN_OPTIONS,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
        stderr=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
    )


GatewayFactory = Callable[..., Gateway]


@pytest.fixture
def gateway_factory(redis_server: RedisServer) -> Iterator[GatewayFactory]:
    started: list[Gateway] = []

    def start(rasa_url: str | None = None, **extra_env: str) -> Gateway:
        port = free_port()
        env = dict(os.environ)
        env.update(
            {
                "REDIS_URL": redis_server.url,
                "RASA_URL": rasa_url or f"http://127.0.0.1:{free_port()}",  # nothing listens: Rasa is down
                "ACTION_SERVER_URL": env.get("ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}"),
                "LYT_PORT": str(port),
                "LYT_RASA_TIMEOUT": "5",
                "LYT_ENV": "test",
                "HF_HUB_OFFLINE": "1",
            }
        )
        env.update(extra_env)
        gateway = Gateway(f"http://127.0.0.1:{port}", port, _spawn_gateway(port, env), env)
        started.append(gateway)
        wait_http(gateway.url + "/healthz", process=gateway.process)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


@pytest.fixture
def gateway(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> Gateway:
    """A gateway with Rasa down (nothing listening on its Rasa URL)."""
    return gateway_factory()


@dataclass
class RasaStack:
    rasa_url: str
    actions_url: str
    rasa: subprocess.Popen[bytes]
    actions: subprocess.Popen[bytes]
    env: dict[str, str]
    rasa_port: int

    def kill_rasa(self) -> None:
        self.rasa.kill()
        self.rasa.wait(10)

    def start_rasa(self) -> None:
        self.rasa = _spawn_rasa(self.rasa_port, self.env)
        wait_http(self.rasa_url + "/status", timeout=240, process=self.rasa)


def _spawn_rasa(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            RASA_BIN,
            "run",
            "--enable-api",
            "--model",
            str(MODEL),
            "--endpoints",
            "bot/endpoints.yml",
            "--credentials",
            "bot/credentials.yml",
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
        stderr=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
    )


@pytest.fixture(scope="session")
def rasa_stack(redis_server: RedisServer) -> Iterator[RasaStack]:
    """The real action server and Rasa server with the trained model (from `make model`)."""
    if not MODEL.exists():
        pytest.fail("no trained model at var/models/lyt.tar.gz: run `make model` (make test does)")
    rasa_port, actions_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        REDIS_HOST="127.0.0.1",
        REDIS_PORT=str(redis_server.port),
        REDIS_DB="0",
        REDIS_PASSWORD="",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        LYT_CONVERSATION_TTL="2592000",
        HF_HUB_OFFLINE="1",
    )
    actions = subprocess.Popen(
        # As `make run` starts it: one process, ready once it has answered one knowledge question.
        [APP_PY, "-m", "actions.server", "--port", str(actions_port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
        stderr=subprocess.DEVNULL if not os.environ.get("LYT_TEST_VERBOSE") else None,
    )
    stack = RasaStack(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{actions_port}",
        _spawn_rasa(rasa_port, env),
        actions,
        env,
        rasa_port,
    )
    wait_http(stack.actions_url + "/ready", timeout=300, process=actions)
    wait_http(stack.rasa_url + "/status", timeout=240, process=stack.rasa)
    yield stack
    for process in (stack.rasa, stack.actions):
        if process.poll() is None:
            process.terminate()
            process.wait(15)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(REPO))
