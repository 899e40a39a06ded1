"""Lyt's Rasa speed-ups and atomic lock store, checked against Rasa's own code in the Rasa venv.

bot/eval/check_speedups.py loads the trained model twice (stock, then with bot/rasa_speedups.py), runs
the lock store under contention against this suite's Redis server, and prints its checks as JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import REPO, RedisServer

RASA_PY = REPO / ".venv-rasa" / "bin" / "python"
MODEL = REPO / "var" / "models" / "lyt.tar.gz"


def test_speedups_and_lock_store_match_rasa(redis_server: RedisServer) -> None:
    assert MODEL.exists(), "run `make model` first"
    done = subprocess.run(
        [str(RASA_PY), str(Path("bot/eval/check_speedups.py")), str(MODEL), "127.0.0.1", str(redis_server.port)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    start = done.stdout.find("{")
    assert start >= 0, done.stdout + done.stderr[-3000:]
    checks = json.loads(done.stdout[start:])
    assert len(checks) >= 10
    failed = [name for name, ok in checks.items() if not ok]
    assert not failed, failed
    assert done.returncode == 0
