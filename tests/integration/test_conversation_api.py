"""The conversation contract against a real gateway process and a real Redis, with Rasa down."""

from __future__ import annotations

import time
import uuid

import httpx
import redis

from api import redis_keys
from tests.conftest import Gateway, GatewayFactory
from tests.integration.helpers import collect_ws, events_of, new_conversation, send


def test_create_conversation_returns_id_and_long_token(gateway: Gateway) -> None:
    response = httpx.post(f"{gateway.url}/api/v1/conversations", json={"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"conversation_id", "token", "lang"}
    assert body["lang"] == "en"
    assert len(body["token"]) >= 22  # >= 128 bits in url-safe base64


def test_rasa_down_gives_clear_message_and_a_person_button(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url, "da")
    events = events_of(send(gateway.url, cid, token, "hej hvordan virker det her"))
    assert events[0]["from"] == "user"
    system = [e for e in events if e["type"] == "system"]
    assert system and "botten" in system[0]["text"].lower()
    assert system[0]["buttons"][0]["payload"] == "/ask_human"


def test_rasa_down_english_message_in_english(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url, "da")
    events = events_of(send(gateway.url, cid, token, "hi, how does this work? i have a question"))
    system = [e for e in events if e["type"] == "system"]
    assert "bot" in system[0]["text"].lower() and "right now" in system[0]["text"]


def test_urgent_message_gets_safety_message_and_top_of_queue_without_rasa(
    gateway: Gateway, redis_client: redis.Redis
) -> None:
    other, other_token = new_conversation(gateway.url)
    send(gateway.url, other, other_token, "/ask_human")
    cid, token = new_conversation(gateway.url, "da")
    events = events_of(send(gateway.url, cid, token, "jeg vil ikke leve mere, jeg har pillerne her"))
    texts = " ".join(e.get("text", "") for e in events)
    assert "112" in texts
    assert "116 111" in texts
    queue = [e for e in events if e["type"] == "queue"]
    assert queue and queue[-1]["position"] == 1  # ahead of the earlier, non-urgent request
    assert redis_client.zrange(redis_keys.QUEUE, 0, -1)[0] == cid
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "urgent"


def test_risk_is_sticky(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url, "en")
    send(gateway.url, cid, token, "i want to kill myself tonight")
    send(gateway.url, cid, token, "jk nvm im fine")
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "urgent"


def test_bad_input_gets_4xx_and_stores_nothing(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    url = f"{gateway.url}/api/v1/conversations/{cid}/messages"
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(url, content=b"not json", headers={**auth, "Content-Type": "application/json"}).status_code == 422
    assert httpx.post(url, json={"client_msg_id": "x"}, headers=auth).status_code == 422
    assert httpx.post(url, json={"text": "   ", "client_msg_id": "x"}, headers=auth).status_code == 422
    assert httpx.post(url, json={"text": "a" * 2001, "client_msg_id": "x"}, headers=auth).status_code == 422
    assert httpx.post(url, json={"text": "hej", "client_msg_id": "x"}).status_code == 401
    wrong = {"Authorization": "Bearer " + "x" * 43}
    assert httpx.post(url, json={"text": "hej", "client_msg_id": "x"}, headers=wrong).status_code == 403
    unknown = f"{gateway.url}/api/v1/conversations/{uuid.uuid4().hex}/messages"
    assert httpx.post(unknown, json={"text": "hej", "client_msg_id": "x"}, headers=auth).status_code == 404
    assert redis_client.xlen(redis_keys.events(cid)) == 0


def test_odd_text_is_stored_intact(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    odd = "hej 👋🏽 \u200f\u0645\u0631\u062d\u0628\u0627\u200f zero\u200bwidth \u202e"
    events = events_of(send(gateway.url, cid, token, odd))
    assert events[0]["text"] == odd


def test_duplicate_client_msg_id_is_stored_once(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    first = events_of(send(gateway.url, cid, token, "hej", client_msg_id="same-id"))
    second = events_of(send(gateway.url, cid, token, "hej", client_msg_id="same-id"))
    assert [e["id"] for e in first] == [e["id"] for e in second]
    assert redis_client.xlen(redis_keys.events(cid)) == len(first)


def test_websocket_resumes_after_last_seen_id(gateway: Gateway) -> None:
    cid, token = new_conversation(gateway.url)
    first = events_of(send(gateway.url, cid, token, "første besked"))
    second = events_of(send(gateway.url, cid, token, "anden besked"))
    resumed = collect_ws(gateway.url, cid, token, after=first[-1]["id"], until=len(second))
    assert [e["id"] for e in resumed] == [e["id"] for e in second]


def test_every_conversation_key_has_a_ttl(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    send(gateway.url, cid, token, "jeg har det skidt og har tænkt på at skade mig selv")
    keys = [k for k in redis_client.keys("lyt:conv:*")]
    assert keys
    for key in keys:
        assert redis_client.ttl(key) > 0, key


def test_delete_my_chat_erases_everything(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(gateway.url)
    send(gateway.url, cid, token, "/ask_human")
    response = httpx.delete(f"{gateway.url}/api/v1/conversations/{cid}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert redis_client.keys(f"*{cid}*") == []
    assert redis_client.zscore(redis_keys.QUEUE, cid) is None


def test_health_and_readiness_report_each_dependency(gateway: Gateway) -> None:
    assert httpx.get(f"{gateway.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{gateway.url}/readyz").json()
    assert ready["checks"]["redis"] == "ok"
    assert ready["checks"]["rasa"] == "down"
    assert ready["status"] == "degraded"
    assert "lyt_http_requests_total" in httpx.get(f"{gateway.url}/metrics").text


def test_article_pages_and_index_in_both_languages(gateway: Gateway) -> None:
    index_da = httpx.get(f"{gateway.url}/articles")
    index_en = httpx.get(f"{gateway.url}/articles?lang=en")
    assert index_da.status_code == 200 and 'lang="da"' in index_da.text
    assert index_en.status_code == 200 and 'lang="en"' in index_en.text
    page = httpx.get(f"{gateway.url}/articles/sextortion-dont-pay-en")
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers
    assert "What you can do now" in page.text and "/articles/sextortion-dont-pay-da" in page.text
    assert httpx.get(f"{gateway.url}/articles/does-not-exist").status_code == 404


def test_too_many_messages_get_429_and_store_nothing(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory(LYT_MESSAGES_PER_MINUTE="3")
    cid, token = new_conversation(gateway.url)
    for n in range(3):
        events_of(send(gateway.url, cid, token, f"besked nummer {n}"))
    stored_before = redis_client.xlen(redis_keys.events(cid))
    refused = send(gateway.url, cid, token, "en besked for meget", client_msg_id="f" * 32)
    assert refused.status_code == 429 and "wait" in refused.json()["detail"]
    assert redis_client.xlen(redis_keys.events(cid)) == stored_before
    assert not redis_client.hexists(redis_keys.idempotency(cid), "f" * 32)  # it may be sent again later


def test_a_new_conversation_is_counted_in_the_day_chart_whatever_headers_it_sends(
    gateway: Gateway, redis_client: redis.Redis
) -> None:
    """Only the gateway's in-process warm-up conversation is left out of the chart (api/services/first_http_turn.py,
    an ASGI scope key): no header a client sends can do that."""
    day = redis_keys.day_stats(time.strftime("%Y%m%d"))

    def counted() -> int:
        return sum(int(v) for k, v in redis_client.hgetall(day).items() if k.startswith("conv:"))

    before = counted()
    headers = {"lyt.warm_up": "true", "lyt-warm-up": "true", "x-lyt-warm-up": "1"}
    response = httpx.post(f"{gateway.url}/api/v1/conversations", json={"lang": "da"}, headers=headers)
    assert response.status_code == 200
    assert counted() == before + 1
