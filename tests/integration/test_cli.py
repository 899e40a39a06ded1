"""The `lyt` CLI as an operator runs it: counsellor accounts, bot training cache, simulation."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import redis

from api import redis_keys
from tests.conftest import RedisServer

LYT = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "lyt")


def run_lyt(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LYT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_counsellor_add_reads_password_from_stdin(redis_server: RedisServer, redis_client: redis.Redis) -> None:
    result = run_lyt(
        "counsellor",
        "add",
        "mette",
        "--role",
        "supervisor",
        stdin="a-long-password\n",
        env={"REDIS_URL": redis_server.url},
    )
    assert result.returncode == 0, result.stderr
    account = redis_client.hgetall(redis_keys.counsellor("mette"))
    assert account["role"] == "supervisor"
    assert account["password_hash"].startswith("$argon2")
    assert "a-long-password" not in account["password_hash"]


def test_counsellor_add_rejects_bad_input_clearly(redis_server: RedisServer, redis_client: redis.Redis) -> None:
    short = run_lyt("counsellor", "add", "mette", stdin="short\n", env={"REDIS_URL": redis_server.url})
    assert short.returncode == 1 and "at least 8" in short.stderr
    bad_role = run_lyt("counsellor", "add", "mette", "--role", "boss", stdin="a-long-password\n")
    assert bad_role.returncode == 2
    assert not redis_client.exists(redis_keys.counsellor("mette"))


def test_bot_training_inputs_hash_is_stable() -> None:
    first, second = run_lyt("bot", "hash"), run_lyt("bot", "hash")
    assert first.returncode == 0 and len(first.stdout.strip()) == 64
    assert first.stdout == second.stdout


def test_simulate_prints_a_table_and_plans_staffing(tmp_path: Path) -> None:
    table = run_lyt("simulate", "--overload", "3", "--days", "3", "--plot", str(tmp_path / "sim.png"))
    assert table.returncode == 0, table.stderr
    assert "reserved_stretch" in table.stdout and (tmp_path / "sim.png").stat().st_size > 1000
    plan = run_lyt("simulate", "plan", "--demand", "2")
    assert plan.returncode == 0 and "counsellors online" in plan.stdout
