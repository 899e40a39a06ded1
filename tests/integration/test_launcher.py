"""`make run`'s launcher with real processes: readiness means warmed, a killed Rasa is restarted while the safety
path holds, a hard kill leaves no orphan, and a port in use is named.

One stack (python -m api.launcher: supervisord, the action server, Rasa, the gateway, the ready process)
is started for the module on free ports, against the session's Redis (REDIS_URL). The tests run in file
order: the hard kill ends that stack, and a second launcher then starts on the same ports.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import redis

from api import redis_keys
from api.embedded_redis import free_port
from api.launcher import START_SECONDS, port_in_use
from api.services.first_turn import SENDER_PREFIX
from tests.conftest import APP_PY, MODEL, REPO, RedisServer, wait_http
from tests.integration.helpers import events_of, new_conversation, send

pytestmark = pytest.mark.e2e

WARM_UP_TURN_LINE = "warm-up turn through Rasa and the action server"
READY_TIMEOUT = 420.0  # Rasa loads in 30-60 s on a quiet 2-core machine; much longer when it is busy
RASA_BACK_WITHIN = 60.0
EXPECTED_COMPONENTS = {
    "gateway.triage_embedding",
    "gateway.triage_judge",
    "gateway.first_turn",
    "rasa.nlu",
    "rasa.policies",
    "action_server.knowledge_search",
}


@dataclass
class Launch:
    process: subprocess.Popen[bytes]
    url: str
    ports: dict[str, int]
    log: Path
    observed: list[dict[str, Any]] = field(default_factory=list)  # /readyz bodies seen while starting

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def child(self, marker: str) -> psutil.Process:
        for process in self.descendants():
            try:
                if marker in " ".join(process.cmdline()):
                    return process
            except psutil.Error:
                continue
        raise LookupError(f"no child process with {marker!r}")

    def readyz(self) -> dict[str, Any]:
        try:
            body: dict[str, Any] = httpx.get(self.url + "/readyz", timeout=5).json()
            return body
        except (httpx.HTTPError, ValueError):
            return {"status": "no answer"}

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"launcher exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            body = self.readyz()
            self.observed.append(body)
            if body.get("status") == "ready":
                return body
            time.sleep(0.5)
        raise TimeoutError(f"not ready after {timeout:.0f} s: {self.observed[-1]}\n{self.output()[-3000:]}")


def start_launcher(tmp: Path, redis_url: str, ports: dict[str, int], name: str) -> Launch:
    env = dict(os.environ)
    env.update(
        REDIS_URL=redis_url,
        LYT_PORT=str(ports["LYT_PORT"]),
        LYT_RASA_PORT=str(ports["LYT_RASA_PORT"]),
        LYT_ACTIONS_PORT=str(ports["LYT_ACTIONS_PORT"]),
        LYT_RUN_DIR=str(tmp / f"run-{name}"),
        LYT_ENV="test",
        HF_HUB_OFFLINE="1",
        # The Rasa test polls with a new conversation a second: no rate limit is under test here.
        LYT_CONVERSATIONS_PER_IP_HOUR="100000",
        LYT_MESSAGES_PER_MINUTE="100000",
    )
    for inherited in ("RASA_URL", "ACTION_SERVER_URL", "ACTION_ENDPOINT_URL"):
        env.pop(inherited, None)
    log = tmp / f"{name}.log"
    with open(log, "ab") as out:  # append: supervisord and its console listener both write to it
        # A session of its own, as `make run` has its process group: the test kills the whole group.
        process = subprocess.Popen(
            [APP_PY, "-m", "api.launcher"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Launch(process, f"http://127.0.0.1:{ports['LYT_PORT']}", ports, log)


def stop(launch: Launch) -> None:
    if launch.process.poll() is None:
        launch.process.send_signal(signal.SIGINT)
        try:
            launch.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(launch.process.pid, signal.SIGKILL)
            launch.process.wait(10)


def wait_gone(processes: list[psutil.Process], timeout: float = 10.0) -> list[psutil.Process]:
    """The processes still alive (and not zombies) after `timeout`."""
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def conversations_counted_today(client: redis.Redis) -> int:
    day = client.hgetall(redis_keys.day_stats(time.strftime("%Y%m%d")))
    return sum(int(value) for name, value in day.items() if name.startswith("conv:"))


def assert_ready_only_when_warmed(observed: list[dict[str, Any]]) -> None:
    for body in observed:
        if "components" in body and set(body["components"].values()) != {"warmed"}:
            assert body["status"] != "ready", body


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    return {"LYT_PORT": free_port(), "LYT_RASA_PORT": free_port(), "LYT_ACTIONS_PORT": free_port()}


@pytest.fixture(scope="module")
def launch(
    redis_server: RedisServer, ports: dict[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Launch]:
    if not MODEL.exists():
        pytest.fail("no trained model at var/models/lyt.tar.gz: run `make model` (make test does)")
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushdb()  # a fresh Redis (as `redis_client` gives each test): what the launch leaves is its own
    started = start_launcher(tmp_path_factory.mktemp("launcher"), redis_server.url, ports, "first")
    try:
        started.wait_ready()
        yield started
    finally:
        stop(started)


@pytest.mark.parametrize("variable", ["LYT_PORT", "LYT_RASA_PORT", "LYT_ACTIONS_PORT"])
def test_port_in_use_is_named_with_its_variable_before_anything_starts(
    variable: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        ports = {"LYT_PORT": free_port(), "LYT_RASA_PORT": free_port(), "LYT_ACTIONS_PORT": free_port()}
        ports[variable] = busy
        attempt = start_launcher(tmp_path, redis_server.url, ports, "port")
        assert attempt.process.wait(60) == 2
    (line,) = attempt.output().strip().splitlines()
    assert f"port {busy} " in line and variable in line and "in use" in line
    assert not (tmp_path / "run-port" / "supervisord.conf").exists()  # nothing was started


def test_readyz_shows_the_action_server_loading_until_its_warm_up_answered(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    port, gateway_port = free_port(), free_port()
    env = dict(os.environ, REDIS_URL=redis_server.url, LYT_PORT=str(gateway_port), LYT_ENV="test")
    env.update(RASA_URL=f"http://127.0.0.1:{free_port()}", ACTION_SERVER_URL=f"http://127.0.0.1:{port}")  # Rasa down
    url = f"http://127.0.0.1:{gateway_port}"
    with open(tmp_path / "gateway.log", "ab") as log:
        gateway = subprocess.Popen(
            [APP_PY, "-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(gateway_port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_http(url + "/healthz", timeout=READY_TIMEOUT, process=gateway)
        check_action_server_warm_up(url, port)
    finally:
        gateway.terminate()
        gateway.wait(30)


def check_action_server_warm_up(url: str, port: int) -> None:
    before = httpx.get(url + "/readyz", timeout=10).json()
    assert before["status"] == "degraded"
    assert before["components"]["gateway.triage_embedding"] == "warmed"
    assert before["components"]["gateway.triage_judge"] == "warmed"
    assert before["components"]["rasa.nlu"] == "down"
    assert before["components"]["gateway.first_turn"] == "loading"  # waits for Rasa and the action server
    actions = subprocess.Popen(
        [APP_PY, "-m", "actions.server", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        seen: list[str] = []
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and seen[-1:] not in (["warmed"], ["failed"]):
            status = httpx.get(url + "/readyz", timeout=10).json()["components"]["action_server.knowledge_search"]
            if seen[-1:] != [status]:
                seen.append(status)
            time.sleep(0.1)
    finally:
        actions.terminate()
        actions.wait(15)
    assert seen[0] == "down" and seen[-1] == "warmed", seen
    assert "loading" in seen, seen  # listening, the knowledge base not yet loaded and exercised


def test_ready_only_when_every_model_is_warmed_and_urls_printed_after(launch: Launch) -> None:
    final = launch.observed[-1]
    assert final["status"] == "ready"
    assert set(final["components"]) >= EXPECTED_COMPONENTS
    assert set(final["components"].values()) == {"warmed"}
    assert final["checks"] == {
        "redis": "ok",
        "rasa": "ok",
        "action_server": "ok",
        "model": "ok",
        "triage": "ok",
    }
    assert_ready_only_when_warmed(launch.observed)
    deadline = time.monotonic() + 20
    while "Lyt is running." not in launch.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    output = launch.output()
    assert output.index("every model loaded and warmed") < output.index("Lyt is running.")
    assert f"{launch.url}/counsellor" in output
    for name in ("actions", "rasa", "gateway", "ready"):  # output prefixed per process
        assert any(line.startswith(f"{name} ") and " | " in line for line in output.splitlines()), name


def test_ready_only_after_a_warm_up_turn_through_rasa_and_the_action_server_that_left_nothing(
    launch: Launch, redis_server: RedisServer
) -> None:
    """The gateway's throwaway knowledge question (api/services/first_turn.py) went gateway -> Rasa's REST
    webhook -> the action server's knowledge search and back (it counts as warmed only with an answer from the
    search) before the stack said ready, and left no key, queue entry or conversation behind. Then one throwaway
    conversation through the gateway's own HTTP routes in-process (api/services/first_http_turn.py): created,
    asked, deleted, leaving only the tombstone a delete leaves (with its TTL) and not counted in the day's chart."""
    assert launch.observed[-1]["components"]["gateway.first_turn"] == "warmed"
    for body in launch.observed:  # never ready without it; never started before the others were warmed
        if body.get("components", {}).get("gateway.first_turn") == "warmed":
            assert all(v == "warmed" for v in body["components"].values()), body
    output = launch.output()
    assert output.count(WARM_UP_TURN_LINE) == 1, output[-3000:]
    assert output.index(WARM_UP_TURN_LINE) < output.index("every model loaded and warmed")
    with redis.Redis.from_url(redis_server.url, decode_responses=True) as client:  # not flushed: what is left
        assert list(client.scan_iter(match=f"*{SENDER_PREFIX}*")) == []
        assert list(client.scan_iter(match=redis_keys.rasa_tracker(SENDER_PREFIX + "*"))) == []
        assert not any(member.startswith(SENDER_PREFIX) for member in client.zrange(redis_keys.QUEUE, 0, -1))
        keys = set(client.scan_iter())
        leftovers = [
            key
            for key in keys
            if key.startswith((redis_keys.conversation(""), "rasa:tracker:", redis_keys.rate_limit("")))
            or "lyt-warmup" in key
        ]
        assert leftovers == [], leftovers  # no conversation hash, events (transcript), tracker or rate counter
        assert client.zcard(redis_keys.QUEUE) == 0 and client.zcard(redis_keys.QUEUE_LEASES) == 0
        assert client.zcard(redis_keys.KB_GAPS) == 0
        tombstones = [key for key in keys if key.startswith(f"{redis_keys.PREFIX}:deleted:")]
        assert len(tombstones) == 1, tombstones  # what every "delete my chat" leaves ...
        assert 0 < client.ttl(tombstones[0]) <= redis_keys.DELETED_TTL_SECONDS  # ... for 15 minutes
        assert conversations_counted_today(client) == 0  # the supervisor's chart did not count it


def test_every_service_binds_loopback_only(launch: Launch) -> None:
    for variable, port in launch.ports.items():
        listeners = [c for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == port]
        assert listeners, variable
        assert {c.laddr.ip for c in listeners} == {"127.0.0.1"}, variable


def test_a_second_launch_on_busy_ports_names_the_port(
    launch: Launch, redis_server: RedisServer, tmp_path: Path
) -> None:
    second = start_launcher(tmp_path, redis_server.url, launch.ports, "busy")
    assert second.process.wait(60) == 2
    lines = second.output().strip().splitlines()
    assert len(lines) == 1, lines
    assert f"port {launch.ports['LYT_PORT']}" in lines[0] and "LYT_PORT" in lines[0]


def test_rasa_killed_hard_is_restarted_while_the_safety_path_holds(launch: Launch) -> None:
    rasa = launch.child("-m bot.quiet_rasa run")
    gateway = launch.child("uvicorn api.main:create_app")
    actions = launch.child("-m actions.server")
    # supervisord counts a process as started only after its startsecs; a death before that is a failed start
    # ("exited while starting"), not the crash this test is about. On a fast machine the stack is ready sooner.
    running_for = time.time() - rasa.create_time()
    if running_for < START_SECONDS["rasa"] + 1:
        time.sleep(START_SECONDS["rasa"] + 1 - running_for)
    rasa.kill()  # SIGKILL, as the kernel's OOM killer does
    killed_at = time.monotonic()
    rasa.wait(10)

    cid, token = new_conversation(launch.url, "da")
    events = events_of(send(launch.url, cid, token, "jeg vil slå mig selv ihjel i aften"))
    assert any("112" in str(event.get("text", "")) for event in events), events
    queue = [event for event in events if event["type"] == "queue"]
    assert queue and isinstance(queue[0].get("position"), int) and queue[0]["position"] >= 1, events
    degraded = launch.readyz()
    assert degraded["status"] == "degraded" and degraded["checks"]["rasa"] == "down", degraded
    assert degraded["components"]["rasa.nlu"] == "down", degraded

    observed = [degraded]
    back = None
    while time.monotonic() - killed_at < RASA_BACK_WITHIN:
        cid, token = new_conversation(launch.url, "da")
        response = send(launch.url, cid, token, "hej")
        if response.status_code == 200 and any(e.get("from") == "bot" for e in response.json()["events"]):
            back = time.monotonic() - killed_at
            break
        observed.append(launch.readyz())
        time.sleep(1)
    load = os.getloadavg()[0]
    assert back is not None, f"Rasa did not answer within {RASA_BACK_WITHIN:.0f} s of the kill (load {load:.1f})"
    assert gateway.is_running() and actions.is_running()  # nothing else went down with it
    assert launch.child("-m bot.quiet_rasa run").pid != rasa.pid
    launch.observed.clear()
    assert launch.wait_ready(120)["status"] == "ready"
    assert_ready_only_when_warmed(observed + launch.observed)
    # A new Rasa: the gateway's warm-up turn ran again (its "loading" state can fall between two polls, so the
    # log line, written once per completed turn, is the evidence).
    assert launch.output().count(WARM_UP_TURN_LINE) == 2, launch.output()[-3000:]
    assert "rasa" in launch.output() and "died unexpectedly" in launch.output()


def test_hard_kill_leaves_no_orphan_and_a_second_launch_starts_cleanly(
    launch: Launch, redis_server: RedisServer, tmp_path: Path
) -> None:
    children = launch.descendants()
    assert len(children) >= 5  # console, actions, rasa, gateway, ready
    os.killpg(launch.process.pid, signal.SIGKILL)  # as when make's process group is killed
    launch.process.wait(10)
    left = wait_gone(children)
    assert left == [], [p.cmdline() for p in left]
    assert not any(port_in_use(port) for port in launch.ports.values())

    second = start_launcher(tmp_path, redis_server.url, launch.ports, "second")
    try:
        assert second.wait_ready()["status"] == "ready"
        children = second.descendants()
    finally:
        stop(second)  # SIGINT, as Ctrl-C
    assert second.process.returncode == 0, second.output()[-2000:]
    assert wait_gone(children, timeout=5) == []
    assert "is already in use" not in second.output()
