"""Issue 16, the Low list (and item 5's shared lists), against real gateways and Redis: transcripts are never
cached, /docs and /metrics are closed in production, LYT_MAX_MESSAGE_CHARS is enforced, `transfer.to` must name
an existing enabled account, content gaps expire per entry, feedback stores article ids only."""

from __future__ import annotations

import asyncio
import secrets
import time

import httpx
import redis
from redis.asyncio import Redis as AsyncRedis

from api import redis_keys
from api.services.accounts import create_account
from api.services.messages import add_gap
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send


def _login(base: str, name: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": "password-" + name})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_transcripts_are_never_cached(gateway: Gateway, redis_server: RedisServer) -> None:
    cid, token = new_conversation(gateway.url)
    events_of(send(gateway.url, cid, token, "/ask_human"))
    youth = httpx.get(f"{gateway.url}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"})
    assert youth.status_code == 200 and youth.headers["cache-control"] == "no-store"
    asyncio.run(create_account(redis_server.url, "ida", "password-ida", "counsellor"))
    staff = _login(gateway.url, "ida")
    assert httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff).status_code == 200
    transcript = httpx.get(f"{gateway.url}/api/v1/counsellor/conversations/{cid}", headers=staff)
    assert transcript.status_code == 200 and transcript.headers["cache-control"] == "no-store"


def test_transfer_names_only_an_existing_enabled_counsellor(
    gateway: Gateway, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    for name in ("kim", "lea", "max"):
        asyncio.run(create_account(redis_server.url, name, "password-" + name, "counsellor"))
    staff = _login(gateway.url, "kim")
    cid, token = new_conversation(gateway.url)
    events_of(send(gateway.url, cid, token, "/ask_human"))
    assert httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=staff).status_code == 200
    url = f"{gateway.url}/api/v1/counsellor/conversations/{cid}/transfer"
    # "lea:held" is a Redis key that exists (lea's held set), not an account: refused by its shape.
    redis_client.sadd(redis_keys.counsellor_held("lea"), "x")
    assert httpx.post(url, json={"to": "lea:held"}, headers=staff).status_code == 422
    assert httpx.post(url, json={"to": "nobody"}, headers=staff).status_code == 404
    redis_client.hset(redis_keys.counsellor("max"), "disabled", "1")
    assert httpx.post(url, json={"to": "max"}, headers=staff).status_code == 404
    assert redis_client.hget(redis_keys.conversation(cid), "counsellor") == "kim"


def test_production_hides_docs_and_guards_metrics(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> None:
    metrics_token = secrets.token_urlsafe(32)
    gateway = gateway_factory(
        LYT_ENV="production",
        LYT_JWT_SECRET=secrets.token_urlsafe(48),
        LYT_RETURN_CODE_PEPPER=secrets.token_urlsafe(48),
        LYT_EMERGENCY_DETAILS="false",
        LYT_METRICS_TOKEN=metrics_token,
    )
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(gateway.url + path).status_code == 404, path
    assert httpx.get(gateway.url + "/metrics").status_code == 401
    assert httpx.get(gateway.url + "/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = httpx.get(gateway.url + "/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
    assert ok.status_code == 200 and "lyt_" in ok.text


def test_max_message_chars_is_enforced(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> None:
    gateway = gateway_factory(LYT_MAX_MESSAGE_CHARS="50")
    cid, token = new_conversation(gateway.url)
    assert send(gateway.url, cid, token, "a" * 51).status_code == 422
    assert send(gateway.url, cid, token, "hej " * 10).status_code == 200


def test_content_gaps_expire_per_entry(redis_server: RedisServer, redis_client: redis.Redis) -> None:
    async def record(cid: str, gap: str, ttl: int) -> None:
        client = AsyncRedis.from_url(redis_server.url, decode_responses=True)
        async with client.pipeline(transaction=False) as pipe:
            add_gap(pipe, cid, gap, ttl)
            await pipe.execute()
        await client.aclose()

    asyncio.run(record("old", "an old question", 1))
    time.sleep(1.1)
    asyncio.run(record("new", "a new question", 1))  # every write prunes what is past its own expiry
    members = redis_client.zrange(redis_keys.KB_GAPS, 0, -1)
    assert [m.split(":", 2)[2] for m in members] == ["a new question"]
    assert 0 < redis_client.ttl(redis_keys.KB_GAPS) <= 1 or redis_client.exists(redis_keys.KB_GAPS) == 0


def test_feedback_stores_article_ids_only_with_a_ttl(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    send(gateway.url, cid, token, '/feedback{"article": "mit navn er Jonas og jeg bor på Vestergade 4", "helpful": "no"}')
    assert redis_client.exists(redis_keys.KB_FEEDBACK) == 0, "text that is no article id is never stored"
