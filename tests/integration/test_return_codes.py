"""Anonymous return codes (issue 18 part 1) against a real gateway process and a real Redis: a code after a
counsellor closes the chat, a new "returning" conversation with it, the queue offer to the earlier counsellor
alone for LYT_RETURN_PREFERENCE_SECONDS (3 s here) then to everyone, an urgent return never held back, the
earlier summary (notes, outcome) without the earlier transcript, rotation, delete-my-chat, 404s and the 429.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
from api.services.return_codes import words
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.integration.test_counsellor_api import login

PREFERENCE_SECONDS = 3
EARLIER_TEXT = "Jeg har det svært med min mor og skolen"  # the earlier transcript: never shown after a return
URGENT_TEXT = "jeg vil ikke leve mere"


@pytest.fixture
def returning_gateway(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> Gateway:
    return gateway_factory(
        LYT_RETURN_PREFERENCE_SECONDS=str(PREFERENCE_SECONDS),
        LYT_CONVERSATIONS_PER_IP_HOUR="500",
        LYT_TRUSTED_PROXIES='["127.0.0.1"]',
    )


@pytest.fixture
def staff(returning_gateway: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    for name in ("anna", "bo"):
        asyncio.run(create_account(redis_server.url, name, "password-" + name, "counsellor"))
    return {name: login(returning_gateway.url, name, "password-" + name) for name in ("anna", "bo")}


def youth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue_code(base: str, cid: str, token: str) -> str:
    response = httpx.post(f"{base}/api/v1/conversations/{cid}/return-code", headers=youth(token), timeout=30)
    assert response.status_code == 200, response.text
    code: str = response.json()["return_code"]
    return code


def come_back(base: str, code: str, source: str = "198.51.100.1", **body: str) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/conversations",
        json={"return_code": code, **body},
        headers={"X-Forwarded-For": source},
        timeout=30,
    )


def online(base: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """GET /queue: also the counsellor's heartbeat (online for 60 s)."""
    response = httpx.get(f"{base}/api/v1/queue", headers=headers)
    assert response.status_code == 200, response.text
    queue: list[dict[str, Any]] = response.json()
    return queue


def claim(base: str, cid: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/queue/{cid}/claim", headers=headers)


def close(base: str, cid: str, headers: dict[str, str], note: str) -> None:
    response = httpx.post(
        f"{base}/api/v1/counsellor/conversations/{cid}/close", json={"outcome": "helped", "note": note}, headers=headers
    )
    assert response.status_code == 200, response.text


def queue_row(base: str, headers: dict[str, str], cid: str) -> dict[str, Any]:
    return next(item for item in online(base, headers) if item["conversation_id"] == cid)


def returning_and_waiting(base: str, code: str, text: str = "/ask_human") -> tuple[str, str]:
    response = come_back(base, code)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["returning"] is True
    events_of(send(base, body["conversation_id"], body["token"], text))
    return body["conversation_id"], body["token"]


def test_the_whole_return_loop(
    returning_gateway: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis
) -> None:
    base, anna, bo = returning_gateway.url, staff["anna"], staff["bo"]
    online(base, anna)
    online(base, bo)
    # The earlier chat: anna talks with the young person, notes something, closes it.
    earlier, earlier_token = new_conversation(base)
    events_of(send(base, earlier, earlier_token, EARLIER_TEXT))
    events_of(send(base, earlier, earlier_token, "/ask_human"))
    assert claim(base, earlier, anna).status_code == 200
    httpx.post(
        f"{base}/api/v1/counsellor/conversations/{earlier}/notes",
        json={"text": "Aftalt: tal med AKT-lærer"},
        headers=anna,
    ).raise_for_status()
    close(base, earlier, anna, "godt forløb")
    stream = httpx.get(f"{base}/api/v1/conversations/{earlier}/events", headers=youth(earlier_token)).json()["events"]
    assert any(e.get("offer") == "return_code" for e in stream), "the widget is told to offer a code on close"

    # A code: four common Danish words (the chat's language); only its hash is stored, for the chat's retention.
    code = issue_code(base, earlier, earlier_token)
    assert len(code.split()) == 4 and all(word in words("da") for word in code.split())
    record = redis_client.hgetall(redis_keys.return_code(earlier))
    assert record["hash"].startswith("$argon2id$") and code not in record["hash"]
    assert 0 < redis_client.ttl(redis_keys.return_code(earlier)) <= redis_client.ttl(redis_keys.conversation(earlier))
    for key in redis_client.scan_iter("*"):
        dumped = str(redis_client.dump(key))
        assert code.split()[0] + " " + code.split()[1] not in dumped, f"the code in clear under {key}"

    # Come back (any case, any separators): a new conversation, returning, in the earlier chat's language.
    first_back = come_back(base, "  " + code.upper().replace(" ", "-") + " ")
    assert first_back.status_code == 200, first_back.text
    assert first_back.json()["returning"] is True and first_back.json()["lang"] == "da"
    # Using it rotated it: the same code is now a 404 exactly like a code that never existed.
    used, never = come_back(base, code), come_back(base, "sol hest bro kage")
    assert used.status_code == never.status_code == 404 and used.json() == never.json()

    # Preferred offer: anna is online with capacity, so only she may take it during the window.
    returned = first_back.json()["conversation_id"]
    events_of(send(base, returned, first_back.json()["token"], "/ask_human"))
    row = queue_row(base, bo, returned)
    assert row["returning"] is True and row["earlier_counsellor"] == "anna" and row["offered_to"] == "anna"
    assert 0 < row["offered_seconds_left"] <= PREFERENCE_SECONDS
    refused = claim(base, returned, bo)
    assert refused.status_code == 409 and refused.json()["detail"]["reason"] == "reserved"
    picked = claim(base, returned, anna)
    assert picked.status_code == 200, picked.text

    # She sees the earlier summary, notes and outcome, never the earlier transcript.
    summary = picked.json()
    assert summary["returning"] is True
    earlier_part = summary["earlier"]
    assert earlier_part["available"] is True and earlier_part["counsellor"] == "anna"
    assert earlier_part["outcome"] == "helped"
    assert [n["text"] for n in earlier_part["notes"]] == ["Aftalt: tal med AKT-lærer", "[helped] godt forløb"]
    detail = httpx.get(f"{base}/api/v1/counsellor/conversations/{returned}", headers=anna).json()
    assert detail["earlier"] == earlier_part
    assert EARLIER_TEXT not in str(detail) and EARLIER_TEXT not in str(summary)
    assert "events" not in earlier_part
    close(base, returned, anna, "igen")

    # Fallback: the next return is offered to anna, then, after the window, open to bo.
    second, _ = returning_and_waiting(base, issue_code(base, earlier, earlier_token))
    online(base, anna)
    assert claim(base, second, bo).json()["detail"]["reason"] == "reserved"
    time.sleep(PREFERENCE_SECONDS + 0.5)
    assert queue_row(base, bo, second)["offered_to"] is None
    taken = claim(base, second, bo)
    assert taken.status_code == 200, taken.text
    assert taken.json()["earlier"]["counsellor"] == "anna"  # bo reads what anna noted
    close(base, second, bo, "")

    # An urgent return is never held for one person: open to everyone at once, at the top of the queue.
    online(base, anna)
    urgent, _ = returning_and_waiting(base, issue_code(base, earlier, earlier_token), URGENT_TEXT)
    row = queue_row(base, anna, urgent)
    assert row["band_name"] == "urgent" and row["earlier_counsellor"] == "anna" and row["offered_to"] is None
    assert claim(base, urgent, bo).status_code == 200
    close(base, urgent, bo, "")

    # Offered, then promoted to urgent while offered: the offer ends at once.
    promoted, promoted_token = returning_and_waiting(base, issue_code(base, earlier, earlier_token))
    assert queue_row(base, anna, promoted)["offered_to"] == "anna"
    events_of(send(base, promoted, promoted_token, URGENT_TEXT))
    assert queue_row(base, anna, promoted)["offered_to"] is None
    assert claim(base, promoted, bo).status_code == 200
    close(base, promoted, bo, "")

    # Not offered when the earlier counsellor has no free slot (capacity 3, one kept for urgent chats).
    for _ in range(2):
        cid, token = new_conversation(base)
        events_of(send(base, cid, token, "/ask_human"))
        assert claim(base, cid, anna).status_code == 200
    busy, _ = returning_and_waiting(base, issue_code(base, earlier, earlier_token))
    assert queue_row(base, bo, busy)["offered_to"] is None and claim(base, busy, bo).status_code == 200

    # A chain: the returned chat gets its own code and leads back to whoever closed it (anna).
    again, _ = returning_and_waiting(base, issue_code(base, returned, first_back.json()["token"]))
    assert queue_row(base, bo, again)["earlier_counsellor"] == "anna"

    # Re-issuing replaces the code; delete-my-chat on the earlier conversation kills the current one.
    old_code = issue_code(base, earlier, earlier_token)
    new_code = issue_code(base, earlier, earlier_token)
    assert come_back(base, old_code).status_code == 404
    deleted = httpx.delete(f"{base}/api/v1/conversations/{earlier}", headers=youth(earlier_token))
    assert deleted.status_code == 204
    gone = come_back(base, new_code)
    assert gone.status_code == 404 and gone.json() == never.json()
    assert not redis_client.exists(redis_keys.return_code(earlier))


def test_an_expired_code_is_a_plain_404(returning_gateway: Gateway, redis_client: redis.Redis) -> None:
    base = returning_gateway.url
    cid, token = new_conversation(base, "en")
    code = issue_code(base, cid, token)
    assert all(word in words("en") for word in code.split())  # the chat's language
    redis_client.expire(redis_keys.return_code(cid), 1)  # its retention ends (as the conversation's would)
    time.sleep(1.5)
    expired, wrong = come_back(base, code), come_back(base, "apple river tiger cloud")
    assert expired.status_code == wrong.status_code == 404 and expired.json() == wrong.json()


def test_ten_wrong_codes_per_source_then_429(returning_gateway: Gateway, redis_client: redis.Redis) -> None:
    base = returning_gateway.url
    cid, token = new_conversation(base)
    code = issue_code(base, cid, token)
    guesser, other = "203.0.113.7", "203.0.113.99"
    statuses = [come_back(base, f"sol hest bro kage{'x' * i}", source=guesser).status_code for i in range(10)]
    assert statuses == [404] * 10
    assert come_back(base, "sol hest bro kage", source=guesser).status_code == 429
    assert come_back(base, code, source=guesser).status_code == 429  # even the right code: no oracle
    # Another source is not affected, and a right code does not count as a wrong one.
    assert come_back(base, "sol hest bro kage", source=other).status_code == 404
    assert come_back(base, code, source=other).status_code == 200
    for key in redis_client.scan_iter("*"):
        assert "203.0.113" not in key and "203.0.113" not in str(redis_client.dump(key)), key
