"""Counsellor endpoints over HTTP against a real gateway and Redis: auth, roles, claim, chat, close."""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
from tests.conftest import Gateway, RedisServer
from tests.integration.helpers import events_of, new_conversation, send


def login(base: str, name: str, password: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    return {"Authorization": f"Bearer {body['access_token']}"}


@pytest.fixture
def staff(gateway: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    for name, role in (("anna", "counsellor"), ("bo", "counsellor"), ("sara", "supervisor")):
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))
    return {name: login(gateway.url, name, "password-" + name) for name in ("anna", "bo", "sara")}


def waiting_conversation(base: str, text: str = "/ask_human", lang: str = "da") -> tuple[str, str]:
    cid, token = new_conversation(base, lang)
    events_of(send(base, cid, token, text))
    return cid, token


def test_login_rejects_wrong_password_and_is_rate_limited(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    codes = [
        httpx.post(f"{gateway.url}/api/v1/auth/token", data={"username": "anna", "password": "nope-nope"}).status_code
        for _ in range(12)
    ]
    assert codes[0] == 401
    assert 429 in codes


def test_queue_is_most_urgent_first_with_reasons(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    plain, _ = waiting_conversation(gateway.url)
    urgent, _ = waiting_conversation(gateway.url, "jeg vil ikke leve mere")
    queue = httpx.get(f"{gateway.url}/api/v1/queue", headers=staff["anna"]).json()
    assert [item["conversation_id"] for item in queue] == [urgent, plain]
    assert queue[0]["band_name"] == "urgent" and queue[0]["reasons"]
    assert "text" not in queue[0]


def test_claim_chat_and_close(gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis) -> None:
    cid, token = waiting_conversation(gateway.url)
    claimed = httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff["anna"])
    assert claimed.status_code == 200
    assert httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff["bo"]).status_code == 409
    events_of(send(gateway.url, cid, token, "hej er der nogen?"))
    url = f"{gateway.url}/api/v1/counsellor/conversations/{cid}"
    detail = httpx.get(url, headers=staff["anna"]).json()
    assert any(e.get("text") == "hej er der nogen?" for e in detail["events"])
    sent = httpx.post(url + "/messages", json={"text": "Hej, jeg hedder Anna."}, headers=staff["anna"])
    assert sent.status_code == 200
    youth_view = httpx.get(
        f"{gateway.url}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}
    ).json()["events"]
    assert any(e["from"] == "counsellor" and e["text"] == "Hej, jeg hedder Anna." for e in youth_view)
    assert httpx.post(url + "/notes", json={"text": "virker okay"}, headers=staff["anna"]).status_code == 200
    closed = httpx.post(url + "/close", json={"outcome": "helped", "note": "godt"}, headers=staff["anna"])
    assert closed.status_code == 200
    assert redis_client.hget(redis_keys.conversation(cid), "mode") == "bot"


def test_concurrent_http_claims_have_one_winner(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    cid, _ = waiting_conversation(gateway.url)
    headers = [staff["anna"], staff["bo"], staff["sara"]] * 10

    def claim(h: dict[str, str]) -> int:
        return httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=h).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=15) as pool:
        codes = list(pool.map(claim, headers))
    assert codes.count(200) == 1 and codes.count(409) == len(codes) - 1


def test_authorization_rules(gateway: Gateway, staff: dict[str, dict[str, str]]) -> None:
    cid, token = waiting_conversation(gateway.url)
    base = f"{gateway.url}/api/v1/counsellor/conversations/{cid}"
    # No token / youth token cannot act as a counsellor.
    assert httpx.get(f"{gateway.url}/api/v1/queue").status_code == 401
    youth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{gateway.url}/api/v1/queue", headers=youth).status_code == 401
    assert httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=youth).status_code == 401
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff["anna"]).raise_for_status()
    # Another counsellor cannot read or write a conversation they do not hold; a supervisor can read.
    assert httpx.get(base, headers=staff["bo"]).status_code == 403
    assert httpx.post(base + "/messages", json={"text": "x"}, headers=staff["bo"]).status_code == 403
    assert httpx.post(base + "/close", json={"outcome": "helped"}, headers=staff["bo"]).status_code == 403
    assert httpx.get(base, headers=staff["sara"]).status_code == 200
    # Supervisor-only view.
    assert httpx.get(f"{gateway.url}/api/v1/supervisor/overview", headers=staff["anna"]).status_code == 403
    overview = httpx.get(f"{gateway.url}/api/v1/supervisor/overview", headers=staff["sara"]).json()
    assert {"queue_by_band", "longest_wait_seconds", "counsellors_online", "today"} <= overview.keys()
    # A counsellor token cannot use a youth endpoint.
    assert (
        httpx.post(
            f"{gateway.url}/api/v1/conversations/{cid}/messages", json={"text": "hej"}, headers=staff["anna"]
        ).status_code
        == 403
    )
    # Bad outcome value is a clear 422.
    assert httpx.post(base + "/close", json={"outcome": "whatever"}, headers=staff["anna"]).status_code == 422


def test_release_and_transfer(gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis) -> None:
    cid, _ = waiting_conversation(gateway.url)
    base = f"{gateway.url}/api/v1/counsellor/conversations/{cid}"
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff["anna"]).raise_for_status()
    assert httpx.post(base + "/transfer", json={"to": "bo"}, headers=staff["anna"]).status_code == 200
    assert redis_client.hget(redis_keys.conversation(cid), "counsellor") == "bo"
    assert httpx.post(base + "/release", headers=staff["bo"]).status_code == 200
    assert redis_client.zscore(redis_keys.QUEUE, cid) is not None


def test_counsellor_lowers_risk_and_it_is_recorded(
    gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis
) -> None:
    cid, _ = waiting_conversation(gateway.url, "i want to kill myself", "en")
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff["anna"]).raise_for_status()
    base = f"{gateway.url}/api/v1/counsellor/conversations/{cid}"
    assert (
        httpx.post(
            base + "/risk", json={"level": "concern", "note": "talked it through"}, headers=staff["anna"]
        ).status_code
        == 200
    )
    summary = httpx.get(base, headers=staff["anna"]).json()
    assert summary["level"] == "concern"
    assert summary["risk_changes"][0]["from"] == "urgent" and summary["risk_changes"][0]["by"] == "anna"
