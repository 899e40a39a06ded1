"""Each counsellor's own capacity (issue 18 part 3) against a real gateway and Redis: claim.lua enforces the
account's numbers, a supervisor changes them live over HTTP, and `lyt counsellor add|set` stores them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
from tests.conftest import Gateway, RedisServer
from tests.integration.test_counsellor_api import login, waiting_conversation

URGENT_TEXT = "jeg vil ikke leve mere"


@pytest.fixture
def staff(gateway: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    """anna: capacity 1; bo: capacity 3; cleo: capacity 3 with at most 1 urgent; sara: supervisor."""
    accounts = (
        ("anna", "counsellor", (1, 1)),
        ("bo", "counsellor", (3, 2)),
        ("cleo", "counsellor", (3, 1)),
        ("sara", "supervisor", None),
    )
    for name, role, capacity in accounts:
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role, capacity))
    return {name: login(gateway.url, name, "password-" + name) for name, _, _ in accounts}


def claim(gateway: Gateway, cid: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=headers)


def test_capacity_one_refuses_a_second_claim_while_capacity_three_does_not(
    gateway: Gateway, staff: dict[str, dict[str, str]]
) -> None:
    chats = [waiting_conversation(gateway.url)[0] for _ in range(4)]
    assert claim(gateway, chats[0], staff["anna"]).status_code == 200
    second = claim(gateway, chats[1], staff["anna"])
    assert second.status_code == 409
    assert second.json()["detail"]["reason"] == "capacity"
    # bo (capacity 3, one slot kept for urgent chats) takes two non-urgent chats, including the one anna could not.
    assert claim(gateway, chats[1], staff["bo"]).status_code == 200
    assert claim(gateway, chats[2], staff["bo"]).status_code == 200
    third = claim(gateway, chats[3], staff["bo"])
    assert third.status_code == 409 and third.json()["detail"]["reason"] == "capacity"


def test_urgent_capacity_is_the_counsellors_own(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    urgent = [waiting_conversation(gateway.url, URGENT_TEXT)[0] for _ in range(3)]
    assert claim(gateway, urgent[0], staff["cleo"]).status_code == 200
    refused = claim(gateway, urgent[1], staff["cleo"])
    assert refused.status_code == 409 and refused.json()["detail"]["reason"] == "urgent_capacity"
    # bo has the settings' urgent capacity (2) on his account: two urgent chats are fine.
    assert claim(gateway, urgent[1], staff["bo"]).status_code == 200
    assert claim(gateway, urgent[2], staff["bo"]).status_code == 200


def test_supervisor_changes_capacity_live(
    gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis
) -> None:
    first, second = (waiting_conversation(gateway.url)[0] for _ in range(2))
    assert claim(gateway, first, staff["anna"]).status_code == 200
    assert claim(gateway, second, staff["anna"]).status_code == 409
    changed = httpx.patch(
        f"{gateway.url}/api/v1/counsellors/anna", json={"capacity": 3, "urgent_capacity": 2}, headers=staff["sara"]
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"name": "anna", "capacity": 3, "urgent_capacity": 2}
    assert redis_client.hmget(redis_keys.counsellor("anna"), ["capacity", "urgent_capacity"]) == ["3", "2"]
    assert claim(gateway, second, staff["anna"]).status_code == 200  # during the shift, no new login
    overview = httpx.get(f"{gateway.url}/api/v1/supervisor/overview", headers=staff["sara"]).json()
    anna = next(c for c in overview["counsellors_online"] if c["name"] == "anna")
    assert (anna["held"], anna["capacity"], anna["urgent_capacity"]) == (2, 3, 2)
    # Only one number given: the other one stays.
    only_urgent = httpx.patch(
        f"{gateway.url}/api/v1/counsellors/anna", json={"urgent_capacity": 0}, headers=staff["sara"]
    )
    assert only_urgent.json() == {"name": "anna", "capacity": 3, "urgent_capacity": 0}


def test_capacity_endpoint_refuses_non_supervisors_unknown_names_and_bad_numbers(
    gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis
) -> None:
    url = f"{gateway.url}/api/v1/counsellors"
    assert httpx.patch(f"{url}/anna", json={"capacity": 5}, headers=staff["bo"]).status_code == 403
    assert httpx.patch(f"{url}/anna", json={"capacity": 5}).status_code == 401
    assert httpx.patch(f"{url}/nobody", json={"capacity": 2}, headers=staff["sara"]).status_code == 404
    for bad in ({"capacity": 0}, {"capacity": 21}, {"capacity": "3"}, {"urgent_capacity": -1}, {"urgent_capacity": 2}):
        response = httpx.patch(f"{url}/anna", json=bad, headers=staff["sara"])
        assert response.status_code == 422, (bad, response.text)
    # {"urgent_capacity": 2} exceeds anna's capacity 1; nothing changed.
    assert redis_client.hmget(redis_keys.counsellor("anna"), ["capacity", "urgent_capacity"]) == ["1", "1"]


def lyt(redis_server: RedisServer, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, REDIS_URL=redis_server.url, **env)
    return subprocess.run(
        [str(Path(sys.executable).with_name("lyt")), "counsellor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def test_cli_add_and_set_store_the_capacity(redis_server: RedisServer, redis_client: redis.Redis) -> None:
    fields = ["capacity", "urgent_capacity"]
    added = lyt(redis_server, "add", "dina", "--capacity", "4", "--urgent-capacity", "1", stdin="password-dina\n")
    assert added.returncode == 0, added.stderr
    assert redis_client.hmget(redis_keys.counsellor("dina"), fields) == ["4", "1"]
    # Defaults come from today's settings.
    defaulted = lyt(redis_server, "add", "emil", stdin="password-emil\n", LYT_COUNSELLOR_CAPACITY="5")
    assert defaulted.returncode == 0, defaulted.stderr
    assert redis_client.hmget(redis_keys.counsellor("emil"), fields) == ["5", "2"]
    changed = lyt(redis_server, "set", "dina", "--capacity", "2")
    assert changed.returncode == 0, changed.stderr
    assert redis_client.hmget(redis_keys.counsellor("dina"), fields) == ["2", "1"]
    refused = lyt(redis_server, "set", "dina", "--capacity", "0")
    assert refused.returncode == 1 and "capacity" in refused.stderr
    assert lyt(redis_server, "set", "nobody", "--capacity", "2").returncode == 1
    assert redis_client.hmget(redis_keys.counsellor("dina"), fields) == ["2", "1"]
