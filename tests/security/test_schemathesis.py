"""Schemathesis against the gateway's OpenAPI spec (coverage, fuzzing and stateful phases): no 5xx."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import httpx
import pytest

from api.services.accounts import create_account
from tests.conftest import Gateway, RedisServer
from tests.integration.helpers import new_conversation

ST = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "st")


def run_schemathesis(base: str, header: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            ST,
            "run",
            f"{base}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "7",
            "-H",
            header,
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.parametrize("role", ["youth", "counsellor"])
def test_no_server_errors(gateway: Gateway, redis_server: RedisServer, role: str) -> None:
    if role == "youth":
        _, token = new_conversation(gateway.url)
    else:
        asyncio.run(create_account(redis_server.url, "fuzz", "fuzz-password", "supervisor"))
        token = httpx.post(
            f"{gateway.url}/api/v1/auth/token", data={"username": "fuzz", "password": "fuzz-password"}
        ).json()["access_token"]
    result = run_schemathesis(gateway.url, f"Authorization: Bearer {token}")
    summary = [line for line in result.stdout.splitlines() if "generated" in line or "Server error" in line]
    assert result.returncode == 0, "\n".join(summary) + result.stdout[-3000:]
