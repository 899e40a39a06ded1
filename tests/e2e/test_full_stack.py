"""End to end: the real Rasa server with the trained model, the real action server, a gateway, Redis."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import redis

from api import redis_keys
from tests.conftest import Gateway, GatewayFactory, RasaStack, RedisServer
from tests.integration.helpers import collect_ws, events_of, new_conversation, send

pytestmark = pytest.mark.e2e


@pytest.fixture
def live(gateway_factory: GatewayFactory, rasa_stack: RasaStack, redis_client: redis.Redis) -> Iterator[Gateway]:
    yield gateway_factory(rasa_url=rasa_stack.rasa_url, ACTION_SERVER_URL=rasa_stack.actions_url)


def bot_texts(events: list[dict[str, object]]) -> str:
    return " ".join(str(e.get("text", "")) for e in events if e.get("from") == "bot").lower()


def test_danish_greeting_gets_a_danish_answer(live: Gateway) -> None:
    cid, token = new_conversation(live.url, "da")
    events = events_of(send(live.url, cid, token, "hej"))
    text = bot_texts(events)
    assert text, events
    assert any(word in text for word in ("hej", "velkommen", "spørg", "lyt"))


def test_english_greeting_gets_an_english_answer(live: Gateway) -> None:
    cid, token = new_conversation(live.url, "da")
    events = events_of(send(live.url, cid, token, "hey there, how are you doing"))
    text = bot_texts(events)
    assert text, events
    assert any(word in text for word in ("hi", "hello", "hey", "welcome", "ask"))


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        # General questions get the article; a young person's own nude-image or sextortion situation starts a
        # guided flow instead (tests/e2e/test_action_cards.py).
        ("da", "hvordan kan jeg bruge min telefon mindre om aftenen"),
        ("en", "how can i stop comparing myself to influencers"),
    ],
)
def test_knowledge_question_gets_an_article_card_in_the_users_language(live: Gateway, lang: str, question: str) -> None:
    cid, token = new_conversation(live.url, lang)
    events = events_of(send(live.url, cid, token, question))
    cards = [e for e in events if e.get("article")]
    assert cards, events
    article = cards[0]["article"]
    assert article["id"].endswith(f"-{lang}")
    assert article["url"] == f"/articles/{article['id']}"
    page = httpx.get(live.url + article["url"])
    assert page.status_code == 200 and article["title"] in page.text


def test_triage_embedding_is_handed_to_the_knowledge_search_and_never_for_scrubbed_text(
    live: Gateway, redis_server: RedisServer
) -> None:
    """One embedding per question: the knowledge action takes the vector triage computed (its one-time key
    is gone after the answer); a turn that runs no search deletes its key when it ends (no vector waits out
    its 10 s); text with personal details never leaves a vector (tests/integration/test_query_vector.py
    checks the empty value for scrubbed text)."""
    redis_client = redis.Redis(port=redis_server.port)  # bytes: the payload is binary
    cid, token = new_conversation(live.url, "da")
    events = events_of(send(live.url, cid, token, "hvordan gør jeg min instagram privat"))
    assert any(e.get("article") for e in events), events
    assert list(redis_client.scan_iter(redis_keys.query_vector(cid, "*"))) == []  # taken by the action server

    send(live.url, cid, token, "hej med dig du")  # a greeting: Rasa runs no search
    assert list(redis_client.scan_iter(redis_keys.query_vector(cid, "*"))) == []  # deleted at the turn's end

    send(live.url, cid, token, "hej med dig, mit nummer er 22 33 44 55")
    assert list(redis_client.scan_iter(redis_keys.query_vector(cid, "*"))) == []


def test_asking_for_a_person_enqueues_and_websocket_sees_the_same_events(
    live: Gateway, redis_client: redis.Redis
) -> None:
    cid, token = new_conversation(live.url, "da")
    first = events_of(send(live.url, cid, token, "hej"))
    events = events_of(send(live.url, cid, token, "jeg vil gerne snakke med et rigtigt menneske"))
    assert any(e["type"] == "queue" for e in events), events
    assert redis_client.zscore(redis_keys.QUEUE, cid) is not None
    via_socket = collect_ws(live.url, cid, token, after=first[-1]["id"], until=len(events))
    assert [e["id"] for e in via_socket] == [e["id"] for e in events]


def test_rasa_killed_mid_run_triage_and_handoff_still_work_and_bot_comes_back(
    live: Gateway, rasa_stack: RasaStack, redis_client: redis.Redis
) -> None:
    cid, token = new_conversation(live.url, "en")
    assert bot_texts(events_of(send(live.url, cid, token, "hello")))
    rasa_stack.kill_rasa()
    try:
        down = events_of(send(live.url, cid, token, "what can you help me with"))
        assert any(e["type"] == "system" and "bot" in e["text"].lower() for e in down)
        urgent = events_of(send(live.url, cid, token, "i'm going to kill myself tonight"))
        assert any("112" in e.get("text", "") for e in urgent)
        assert redis_client.zrange(redis_keys.QUEUE, 0, 0) == [cid]
        ready = httpx.get(f"{live.url}/readyz").json()
        assert ready["checks"]["rasa"] == "down"
    finally:
        rasa_stack.start_rasa()
    other, other_token = new_conversation(live.url, "en")
    assert bot_texts(events_of(send(live.url, other, other_token, "hello")))
