"""Rasa's own log holds no message text (issue 16 item 2, docs/SECURITY.md), under docker-compose.yml as under
`make run`: both start Rasa through bot/quiet_rasa.py.

- A real Rasa process (the trained model, the real Redis stores) through the wrapper, whose action server
  accepts connections and never answers: the REST webhook times out and Rasa writes its
  `rest.message.received.timeout` line, which carries `text=` — blanked; the message appears nowhere in the log.
- Rasa's own logging configuration, in process: without the wrapper both the timeout line and an exception's
  traceback (locals) hold the text; with it neither does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.embedded_redis import free_port
from tests.conftest import MODEL, REPO, RedisServer, wait_http

RASA_PY = str(REPO / ".venv-rasa" / "bin" / "python")
IN_PROCESS = """
import logging, sys
sys.path.insert(0, {repo!r})
if {quiet!r}:
    from bot import quiet_rasa
    quiet_rasa.install()
from rasa.utils.log_utils import configure_structlog
import structlog
configure_structlog(logging.INFO)
log = structlog.get_logger()
text = {secret!r}
log.error("rest.message.received.timeout", text=text)
def handler(text):
    raise RuntimeError("boom")
try:
    handler(text)
except Exception:
    log.exception("rest.message.received.failure", text=text)
"""


@pytest.fixture
def silent_action_server() -> Iterator[int]:
    """A port that accepts connections and never answers (an action server that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_real_rasa_process_logs_no_message_text(
    redis_server: RedisServer, silent_action_server: int, tmp_path: Path
) -> None:
    if not MODEL.exists():
        pytest.fail("no trained model at var/models/lyt.tar.gz: run `make model`")
    secret = f"hvad er grooming hemmelig{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = dict(os.environ)
    env.update(
        REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis_server.port), REDIS_DB="0", REDIS_PASSWORD="",
        LYT_CONVERSATION_TTL="600", ACTION_ENDPOINT_URL=f"http://127.0.0.1:{silent_action_server}/webhook",
        LOG_LEVEL="INFO", HF_HUB_OFFLINE="1",
    )  # fmt: skip
    log_path = tmp_path / "rasa.log"
    with log_path.open("wb") as log_file:
        rasa = subprocess.Popen(
            [
                RASA_PY, "-m", "bot.quiet_rasa", "run", "--enable-api", "--model", str(MODEL),
                "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                "--port", str(port), "--interface", "127.0.0.1", "--response-timeout", "3",
            ],  # fmt: skip
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/status", timeout=300, process=rasa)
            try:  # a knowledge question: the knowledge action waits on the silent action server
                httpx.post(
                    f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                    json={"sender": uuid.uuid4().hex, "message": secret},
                    timeout=20,
                )
            except httpx.HTTPError:
                pass
            deadline = time.monotonic() + 30
            while "rest.message.received.timeout" not in log_path.read_text(errors="replace"):
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
                time.sleep(0.5)
        finally:
            rasa.terminate()
            rasa.wait(30)
    log = log_path.read_text(errors="replace")
    line = next(row for row in log.splitlines() if "rest.message.received.timeout" in row)
    assert '"text": "[redacted]"' in line, line
    assert secret not in log and "hemmelig" not in log


@pytest.mark.parametrize("quiet", [False, True], ids=["rasa-as-is", "quiet_rasa"])
def test_rasas_logging_config_leaks_text_unless_wrapped(quiet: bool) -> None:
    secret = f"min hemmelighed {uuid.uuid4().hex[:8]}"
    result = subprocess.run(
        [RASA_PY, "-c", IN_PROCESS.format(repo=str(REPO), quiet=quiet, secret=secret)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, LOG_LEVEL="INFO"),
    )
    output = result.stdout + result.stderr
    assert "rest.message.received.timeout" in output and "rest.message.received.failure" in output, output
    failure = next(row for row in output.splitlines() if "rest.message.received.failure" in row)
    assert '"exc_type": "RuntimeError"' in failure, "the traceback is still logged"
    if quiet:
        assert secret not in output, output
        assert '"locals": null' in failure
    else:  # what the wrapper is for: Rasa as shipped writes the text twice (field and traceback locals)
        assert output.count(secret) >= 2, output
