"""Emergency details (issue 14 item 2) against real gateway processes and a real Redis.

While a conversation is urgent, the personal data the scrubber removes is kept Fernet-encrypted beside the
scrubbed transcript, readable only by the counsellor holding the chat (audited, never the value in the
audit), gone when the chat is closed or deleted, and never kept longer than 24 hours.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import redis
from cryptography.fernet import Fernet

from api import redis_keys
from api.embedded_redis import free_port
from api.services.accounts import create_account
from tests.conftest import APP_PY, REPO, Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send

ADDRESS = "Vestergade 4"
PHONE = "20 30 40 50"
EMAIL = "mathilde.j@gmail.com"
URGENT_WITH_DETAILS = f"jeg vil ikke leve mere. jeg bor på {ADDRESS} og mit nummer er {PHONE}, mail {EMAIL}"
RAW_VALUES = (ADDRESS, PHONE, PHONE.replace(" ", ""), EMAIL, "mathilde.j")
DAY_SECONDS = 24 * 3600
PRODUCTION_JWT_SECRET = secrets.token_urlsafe(48)  # strong enough for production (api/secret_rules.py)
PRODUCTION_PEPPER = secrets.token_urlsafe(48)  # LYT_RETURN_CODE_PEPPER, required in production too
STAFF = (("anna", "counsellor"), ("bo", "counsellor"), ("sara", "supervisor"))


def login(base: str, name: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": "password-" + name})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def gw(gateway_factory: GatewayFactory, redis_client: redis.Redis, key: str) -> Gateway:
    return gateway_factory(LYT_EMERGENCY_KEY=key)


@pytest.fixture
def staff(gw: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    for name, role in STAFF:
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))
    return {name: login(gw.url, name) for name, _ in STAFF}


def details_url(base: str, cid: str) -> str:
    return f"{base}/api/v1/counsellor/conversations/{cid}/emergency-details"


def urgent_chat_held_by_anna(base: str, staff: dict[str, dict[str, str]]) -> tuple[str, str]:
    cid, token = new_conversation(base)
    events = events_of(send(base, cid, token, URGENT_WITH_DETAILS))
    assert any("112" in (e.get("text") or "") for e in events)  # urgent: the safety message
    claimed = httpx.post(f"{base}/api/v1/queue/{cid}/claim", headers=staff["anna"])
    assert claimed.status_code == 200, claimed.text
    return cid, token


def everything_in_redis(client: redis.Redis) -> list[tuple[str, str]]:
    """(key, text) for every key name and every value of every key in the database."""
    found: list[tuple[str, str]] = []
    for key in client.scan_iter(count=500):
        found.append((key, key))
        kind = client.type(key)
        if kind == "string":
            found.append((key, client.get(key) or ""))
        elif kind == "hash":
            found.extend((key, f"{f}={v}") for f, v in client.hgetall(key).items())
        elif kind == "list":
            found.extend((key, v) for v in client.lrange(key, 0, -1))
        elif kind == "set":
            found.extend((key, v) for v in client.smembers(key))
        elif kind == "zset":
            found.extend((key, m) for m, _ in client.zrange(key, 0, -1, withscores=True))
        elif kind == "stream":
            for _, fields in client.xrange(key):
                found.extend((key, f"{f}={v}") for f, v in fields.items())
    return found


def test_urgent_details_are_encrypted_and_only_the_holder_reads_them(
    gw: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis, key: str
) -> None:
    cid, token = urgent_chat_held_by_anna(gw.url, staff)

    # Encrypted at rest: no raw value in any key name or value, anywhere in Redis.
    leaks = [(k, raw) for k, text in everything_in_redis(redis_client) for raw in RAW_VALUES if raw in text]
    assert leaks == []
    sealed = redis_client.lrange(redis_keys.emergency_details(cid), 0, -1)
    assert len(sealed) >= 3 and all(token.startswith("gAAAAA") for token in sealed)  # Fernet tokens
    opened = [json.loads(Fernet(key.encode()).decrypt(t.encode())) for t in sealed]
    assert {"Vestergade 4", EMAIL} <= {o["v"] for o in opened}
    # The transcript stays scrubbed.
    transcript = httpx.get(f"{gw.url}/api/v1/counsellor/conversations/{cid}", headers=staff["anna"]).json()
    first = next(e for e in transcript["events"] if e.get("from") == "user")
    assert "vil ikke leve mere" in first["text"] and ADDRESS not in first["text"] and EMAIL not in first["text"]

    # At most 24 hours, and never longer than the conversation itself.
    ttl = redis_client.ttl(redis_keys.emergency_details(cid))
    assert 0 < ttl <= DAY_SECONDS
    assert ttl <= redis_client.ttl(redis_keys.conversation(cid))

    # Who may read: the holder only.
    url = details_url(gw.url, cid)
    youth = {"Authorization": f"Bearer {token}"}
    for headers in (staff["bo"], staff["sara"]):
        assert httpx.post(url, headers=headers).status_code == 403
        assert httpx.get(url, headers=headers).status_code == 403
    assert httpx.post(url, headers=youth).status_code in (401, 403, 404)  # a youth token is no counsellor token
    assert httpx.post(url).status_code == 401
    assert redis_client.keys(redis_keys.emergency_audit("*")) == []  # refused reads show nothing

    kept = httpx.get(url, headers=staff["anna"])
    assert kept.status_code == 200 and kept.headers["cache-control"] == "no-store"
    assert kept.json()["stored"] >= 3 and kept.json()["level"] == "urgent"
    assert not any(raw in kept.text for raw in RAW_VALUES)  # the count, never the values
    assert redis_client.keys(redis_keys.emergency_audit("*")) == []  # asking whether there are any is no read

    shown = httpx.post(url, headers=staff["anna"])
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    details = shown.json()["details"]
    values = {d["kind"]: d["value"] for d in details}
    assert ADDRESS in values.values() and EMAIL in values.values()
    assert any(PHONE.replace(" ", "") == v.replace(" ", "") for v in values.values())
    assert all(d["at"].endswith("Z") and abs(d["at_ms"] / 1000 - time.time()) < 120 for d in details)
    assert 0 < shown.json()["expires_in_seconds"] <= DAY_SECONDS

    # Audited: who, when, which conversation, how many; never a value, never the whole id.
    audit_keys = redis_client.keys(redis_keys.emergency_audit("*"))
    assert len(audit_keys) == 1
    assert 0 < redis_client.ttl(audit_keys[0]) <= 90 * DAY_SECONDS
    records = [json.loads(r) for r in redis_client.lrange(audit_keys[0], 0, -1)]
    assert len(records) == 1
    assert records[0]["by"] == "anna" and records[0]["values"] == len(details)
    assert records[0]["conversation"] == cid[:8] and abs(records[0]["at_ms"] / 1000 - time.time()) < 60
    audit_text = redis_client.lindex(audit_keys[0], 0)
    assert cid not in audit_text and not any(raw in audit_text for raw in RAW_VALUES)

    # Closed: the details are gone at once, and the former holder cannot read any more.
    closed = httpx.post(
        f"{gw.url}/api/v1/counsellor/conversations/{cid}/close",
        json={"outcome": "emergency_services"},
        headers=staff["anna"],
    )
    assert closed.status_code == 200
    assert redis_client.exists(redis_keys.emergency_details(cid)) == 0
    assert httpx.post(url, headers=staff["anna"]).status_code == 403


def test_transfer_moves_the_right_to_read(gw: Gateway, staff: dict[str, dict[str, str]]) -> None:
    cid, _ = urgent_chat_held_by_anna(gw.url, staff)
    base = f"{gw.url}/api/v1/counsellor/conversations/{cid}"
    assert httpx.post(base + "/transfer", json={"to": "bo"}, headers=staff["anna"]).status_code == 200
    assert httpx.post(details_url(gw.url, cid), headers=staff["anna"]).status_code == 403
    shown = httpx.post(details_url(gw.url, cid), headers=staff["bo"])
    assert shown.status_code == 200 and ADDRESS in {d["value"] for d in shown.json()["details"]}


def test_delete_my_chat_erases_the_details(
    gw: Gateway, staff: dict[str, dict[str, str]], redis_client: redis.Redis
) -> None:
    cid, token = urgent_chat_held_by_anna(gw.url, staff)
    assert redis_client.exists(redis_keys.emergency_details(cid)) == 1
    deleted = httpx.delete(f"{gw.url}/api/v1/conversations/{cid}", headers={"Authorization": f"Bearer {token}"})
    assert deleted.status_code == 204
    assert redis_client.exists(redis_keys.emergency_details(cid)) == 0
    assert httpx.post(details_url(gw.url, cid), headers=staff["anna"]).status_code == 404


def test_nothing_is_kept_while_the_conversation_is_not_urgent(gw: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gw.url)
    events_of(send(gw.url, cid, token, "hvordan laver jeg en stærk adgangskode?"))
    events_of(send(gw.url, cid, token, f"min mail er {EMAIL}"))
    assert redis_client.hget(redis_keys.conversation(cid), "level") in ("none", "concern")
    assert redis_client.keys("lyt:conv:*:emergency") == []
    # The message that makes it urgent is kept; what was written before it is not.
    events_of(send(gw.url, cid, token, f"jeg vil slå mig selv ihjel i aften. ring til mig på {PHONE}"))
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "urgent"
    kept = [
        json.loads(Fernet(gw.env["LYT_EMERGENCY_KEY"].encode()).decrypt(t.encode()))
        for t in redis_client.lrange(redis_keys.emergency_details(cid), 0, -1)
    ]
    assert [o["v"].replace(" ", "") for o in kept] == [PHONE.replace(" ", "")]


def test_expiry_is_set_once_and_never_extended(gw: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gw.url)
    events_of(send(gw.url, cid, token, f"jeg vil ikke leve mere. jeg bor på {ADDRESS}"))
    key = redis_keys.emergency_details(cid)
    assert 0 < redis_client.ttl(key) <= DAY_SECONDS
    redis_client.expire(key, 100)  # as if the first detail was written 23 h 58 min ago
    events_of(send(gw.url, cid, token, f"min mail er {EMAIL}"))  # still urgent (risk is sticky)
    assert redis_client.llen(key) == 2
    assert 0 < redis_client.ttl(key) <= 100  # more details, but the deadline stays


def test_two_gateways_share_the_development_key_file(
    gateway_factory: GatewayFactory, redis_client: redis.Redis, redis_server: RedisServer, tmp_path: Path
) -> None:
    key_file = tmp_path / "emergency.key"
    youth_side = gateway_factory(LYT_EMERGENCY_KEY_FILE=str(key_file))
    counsellor_side = gateway_factory(LYT_EMERGENCY_KEY_FILE=str(key_file))
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    Fernet(key_file.read_bytes())  # a valid key
    asyncio.run(create_account(redis_server.url, "anna", "password-anna", "counsellor"))
    anna = login(counsellor_side.url, "anna")
    cid, token = new_conversation(youth_side.url)
    events_of(send(youth_side.url, cid, token, URGENT_WITH_DETAILS))
    assert httpx.post(f"{counsellor_side.url}/api/v1/queue/{cid}/claim", headers=anna).status_code == 200
    shown = httpx.post(details_url(counsellor_side.url, cid), headers=anna)
    assert shown.status_code == 200 and EMAIL in {d["value"] for d in shown.json()["details"]}


def test_switched_off_keeps_nothing(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> None:
    gateway = gateway_factory(LYT_EMERGENCY_DETAILS="false")
    cid, token = new_conversation(gateway.url)
    events_of(send(gateway.url, cid, token, URGENT_WITH_DETAILS))
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "urgent"
    assert redis_client.keys("lyt:conv:*:emergency") == []


def _start_gateway_and_wait(env: dict[str, str], timeout: float = 60) -> tuple[int | None, str]:
    """Start a gateway; (exit code, stderr) if it exits within `timeout`, else (None, "") after stopping it."""
    port = free_port()
    process = subprocess.Popen(
        [APP_PY, "-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
        return process.returncode, stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None, ""


def _production_env(redis_server: RedisServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LYT_EMERGENCY")}
    env.update(
        {
            "REDIS_URL": redis_server.url,
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
            "LYT_ENV": "production",
            "LYT_JWT_SECRET": PRODUCTION_JWT_SECRET,
            "LYT_RETURN_CODE_PEPPER": PRODUCTION_PEPPER,
            "HF_HUB_OFFLINE": "1",
            **extra,
        }
    )
    return env


@pytest.mark.parametrize(
    ("extra", "message"),
    [({}, "LYT_EMERGENCY_KEY is not set"), ({"LYT_EMERGENCY_KEY": "not-a-key"}, "is not a Fernet key")],
)
def test_production_refuses_to_start_without_a_valid_key(
    redis_server: RedisServer, extra: dict[str, str], message: str
) -> None:
    code, stderr = _start_gateway_and_wait(_production_env(redis_server, **extra))
    assert code not in (None, 0)
    assert message in stderr and "LYT_EMERGENCY_KEY" in stderr
    assert "not-a-key" not in stderr  # the configured value is never echoed


def test_production_starts_with_a_key_or_with_emergency_details_off(
    gateway_factory: GatewayFactory, redis_server: RedisServer, key: str
) -> None:
    for extra in ({"LYT_EMERGENCY_KEY": f"{key},{Fernet.generate_key().decode()}"}, {"LYT_EMERGENCY_DETAILS": "false"}):
        gateway = gateway_factory(
            LYT_ENV="production",
            LYT_JWT_SECRET=PRODUCTION_JWT_SECRET,
            LYT_RETURN_CODE_PEPPER=PRODUCTION_PEPPER,
            **extra,
        )
        assert httpx.get(gateway.url + "/healthz").status_code == 200
        gateway.stop()
