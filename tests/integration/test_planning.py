"""The supervisor's staffing plan over HTTP against a real gateway process and Redis."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from api.services.accounts import create_account
from tests.conftest import Gateway, RedisServer

PLAN = "/api/v1/supervisor/plan"


def login(base: str, name: str, password: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def staff(gateway: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    for name, role in (("anna", "counsellor"), ("sara", "supervisor")):
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))
    return {name: login(gateway.url, name, "password-" + name) for name in ("anna", "sara")}


def plan(gateway: Gateway, headers: dict[str, str] | None, body: object) -> httpx.Response:
    return httpx.post(gateway.url + PLAN, json=body, headers=headers or {}, timeout=30)


def test_supervisor_gets_a_recommendation_with_a_table(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    started = time.monotonic()
    response = plan(gateway, staff["sara"], {"conversations_per_hour": 12})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert elapsed < 2.0, f"a plan must answer well under 2 s, took {elapsed:.2f} s"
    needed = body["recommended"]
    assert body["reachable"] is True and needed >= 1
    assert body["target_share"] == 0.94 and body["within_minutes"] == 5
    assert body["start_hour"] == 18 and body["end_hour"] == 24 and body["shift_hours"] == 6
    assert body["capacity"] == 3  # LYT_COUNSELLOR_CAPACITY's default
    assert body["policy"] == "reserved_stretch"  # what the gateway's default queue settings do
    assert body["urgent_contacts_simulated"] > 50
    counts = [row["counsellors"] for row in body["rows"]]
    assert needed in counts and counts == sorted(counts) and len(counts) >= 3
    by_count = {row["counsellors"]: row for row in body["rows"]}
    assert by_count[needed]["meets_target"] and by_count[needed]["urgent_within_5_min"] >= 0.94
    if needed - 1 in by_count:
        assert not by_count[needed - 1]["meets_target"]  # the fewest that reach the target
    for row in body["rows"]:
        for key in ("urgent_within_5_min", "urgent_abandoned", "abandoned", "utilisation"):
            assert 0.0 <= row[key] <= 1.0
        assert row["urgent_p95_wait_minutes"] >= 0.0
    # More counsellors: nobody waits longer and fewer give up.
    rows = body["rows"]
    assert all(a["abandoned"] >= b["abandoned"] for a, b in zip(rows, rows[1:], strict=False))

    # The same demand given for the whole shift gives the same answer.
    shift = plan(gateway, staff["sara"], {"conversations_in_shift": 48, "start_hour": 20, "shift_hours": 4})
    assert shift.status_code == 200, shift.text
    assert shift.json()["recommended"] == needed
    assert shift.json()["conversations_per_hour"] == 12
    assert shift.json()["end_hour"] == 24


def test_more_demand_never_recommends_fewer_counsellors(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    for extra in ({}, {"urgent_share": 0.2, "mean_chat_minutes": 60}):
        recommended = []
        for demand in (3, 12, 30):
            response = plan(gateway, staff["sara"], {"conversations_per_hour": demand, **extra})
            assert response.status_code == 200, response.text
            recommended.append(response.json()["recommended"])
        assert recommended == sorted(recommended), (extra, recommended)
        assert recommended[-1] > recommended[0], (extra, recommended)


def test_a_higher_target_never_needs_fewer(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    answers = [
        plan(gateway, staff["sara"], {"conversations_per_hour": 20, "urgent_share": 0.2, "target_share": t}).json()
        for t in (0.8, 0.94, 0.99)
    ]
    recommended = [a["recommended"] for a in answers]
    assert recommended == sorted(recommended)


def test_counsellors_get_403_and_strangers_401(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    assert plan(gateway, staff["anna"], {"conversations_per_hour": 5}).status_code == 403
    assert plan(gateway, None, {"conversations_per_hour": 5}).status_code == 401
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert plan(gateway, bad_token, {"conversations_per_hour": 5}).status_code == 401


BAD_BODIES: list[tuple[dict[str, object], list[str], str]] = [
    ({}, [], "exactly one of"),
    ({"conversations_per_hour": 5, "conversations_in_shift": 30}, [], "exactly one of"),
    ({"conversations_per_hour": 500}, ["conversations_per_hour"], "less than or equal to 30"),
    ({"conversations_per_hour": 0}, ["conversations_per_hour"], "greater than or equal to 0.5"),
    ({"conversations_per_hour": "many"}, ["conversations_per_hour"], "valid number"),
    ({"conversations_in_shift": 300, "shift_hours": 2}, [], "between 0.5 and 30 an hour"),
    ({"conversations_per_hour": 5, "shift_hours": 24}, ["shift_hours"], "less than or equal to 12"),
    ({"conversations_per_hour": 5, "start_hour": -1}, ["start_hour"], "greater than or equal to 0"),
    (
        {"conversations_per_hour": 5, "urgent_share": 0.7, "concern_share": 0.5},
        ["urgent_share"],
        "less than or equal to 0.5",
    ),
    ({"conversations_per_hour": 5, "urgent_share": 0.4, "concern_share": 0.7}, [], "at most 1"),
    ({"conversations_per_hour": 5, "target_share": 1.0}, ["target_share"], "less than or equal to 0.99"),
    ({"conversations_per_hour": 5, "mean_chat_minutes": 600}, ["mean_chat_minutes"], "less than or equal to 90"),
    ({"conversations_per_hour": 5, "days": 1000}, ["days"], "Extra inputs are not permitted"),
]


def test_bad_input_is_a_clear_422(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    """One gateway for all the cases (starting one per case costs seconds each)."""
    for body, field, words in BAD_BODIES:
        response = plan(gateway, staff["sara"], body)
        assert response.status_code == 422, (body, response.text)
        errors = response.json()["detail"]
        assert errors, response.text
        first = errors[0]
        assert first["loc"][0] == "body" and first["loc"][1:] == field, (body, errors)
        assert words.lower() in first["msg"].lower(), (body, errors)


def test_not_json_is_a_422(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    response = httpx.post(
        gateway.url + PLAN, content=b"{not json", headers={**staff["sara"], "Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_the_gateway_stays_responsive_while_planning(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    """The simulation runs in a worker thread: health checks answer while plans are computed."""
    import concurrent.futures

    bodies = [{"conversations_per_hour": p, "urgent_share": 0.3, "mean_chat_minutes": 80} for p in (27, 28, 29)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        plans = [pool.submit(plan, gateway, staff["sara"], body) for body in bodies]
        time.sleep(0.05)
        started = time.monotonic()
        health = httpx.get(gateway.url + "/healthz", timeout=5)
        health_seconds = time.monotonic() - started
        results = [future.result() for future in plans]
    assert health.status_code == 200
    assert health_seconds < 0.5, health_seconds
    assert all(r.status_code == 200 for r in results)
