"""The direct safety question end to end: a real gateway, the real Rasa server and trained model, the real
action server and Redis; and a gateway pointed at a dead Rasa port (the gateway asks itself)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from api import redis_keys
from tests.conftest import Gateway, GatewayFactory, RasaStack
from tests.integration.helpers import events_of, new_conversation, send

pytestmark = pytest.mark.e2e

# Left at `concern` by triage today, each with a death-wish signal (the triage rewrite may judge them
# urgent; then the question is not needed for them and these messages must be replaced).
DEATH_WISH = {"da": "nogle gange ønsker jeg at jeg var død", "en": "i kinda wish i could just disappear"}
QUESTION_WORDS = {"da": "tage dit eget liv", "en": "ending your life"}
BUTTONS = {"da": ["Ja", "Nej", "Ved ikke"], "en": ["Yes", "No", "I don't know"]}


@pytest.fixture
def live(gateway_factory: GatewayFactory, rasa_stack: RasaStack, redis_client: redis.Redis) -> Iterator[Gateway]:
    gateway = gateway_factory(rasa_url=rasa_stack.rasa_url, ACTION_SERVER_URL=rasa_stack.actions_url)
    warm_cid, warm_token = new_conversation(gateway.url, "da")  # Rasa's first turn is slow: not in the timed ones
    send(gateway.url, warm_cid, warm_token, "hej")
    yield gateway


@pytest.fixture
def rasa_down(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> Gateway:
    return gateway_factory()  # nothing listens on its Rasa port


def _question(events: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    asked = [e for e in events if QUESTION_WORDS[lang] in str(e.get("text", ""))]
    assert len(asked) == 1, events
    return asked[0]


def _ask(gateway: Gateway, lang: str) -> tuple[str, str]:
    cid, token = new_conversation(gateway.url, lang)
    events = events_of(send(gateway.url, cid, token, DEATH_WISH[lang]))
    question = _question(events, lang)
    assert [b["title"] for b in question["buttons"]] == BUTTONS[lang]
    assert not any("112" in str(e.get("text", "")) for e in events)  # not urgent yet
    assert not any(e.get("article") for e in events)  # asked before any article
    return cid, token


def _assert_urgent(events: list[dict[str, Any]], redis_client: redis.Redis, cid: str) -> None:
    assert any("112" in str(e.get("text", "")) for e in events), events
    assert any(e.get("type") == "queue" and e.get("position") == 1 for e in events), events
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "urgent"
    assert redis_client.zrange(redis_keys.QUEUE, 0, 0) == [cid]
    assert redis_client.zscore(redis_keys.QUEUE, cid) < 1e13  # band 0, the urgent band


@pytest.mark.parametrize(("lang", "answer"), [("da", "ja"), ("en", "yes"), ("da", "ved ikke"), ("en", "idk")])
def test_yes_or_unsure_to_the_question_makes_the_conversation_urgent_at_once(
    live: Gateway, redis_client: redis.Redis, lang: str, answer: str
) -> None:
    cid, token = _ask(live, lang)
    assert redis_client.get(redis_keys.safety_question(cid)) == "pending:suicide:rasa"  # the Rasa form asked
    assert 0 < redis_client.ttl(redis_keys.safety_question(cid))
    _assert_urgent(events_of(send(live.url, cid, token, answer)), redis_client, cid)
    # For counsellors: the urgent entry, from the answer ("safety question: answered yes") or from triage
    # itself when it reads the answer in context as urgent (a plain "ja" after a death wish may be).
    triage_log = [json.loads(entry) for entry in redis_client.lrange(redis_keys.triage_log(cid), 0, -1)]
    assert any(entry["level"] == "urgent" for entry in triage_log), triage_log


@pytest.mark.parametrize(("lang", "answer", "warm"), [("da", "nej", "Tak fordi du svarer"), ("en", "no", "Thank you")])
def test_no_continues_warmly_keeps_concern_and_is_not_asked_again(
    live: Gateway, redis_client: redis.Redis, lang: str, answer: str, warm: str
) -> None:
    cid, token = _ask(live, lang)
    events = events_of(send(live.url, cid, token, answer))
    assert any(warm in str(e.get("text", "")) for e in events), events
    assert not any("112" in str(e.get("text", "")) for e in events)
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "concern"
    assert redis_client.zcard(redis_keys.QUEUE) == 0
    again = events_of(send(live.url, cid, token, DEATH_WISH[lang]))  # once per conversation
    assert not any(QUESTION_WORDS[lang] in str(e.get("text", "")) for e in again), again
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "concern"


def test_an_answer_triage_judges_urgent_is_urgent_whatever_the_words(live: Gateway, redis_client: redis.Redis) -> None:
    cid, token = _ask(live, "da")
    _assert_urgent(events_of(send(live.url, cid, token, "nej jeg har taget alle mine piller")), redis_client, cid)


@pytest.mark.parametrize(("lang", "answer"), [("da", "ja"), ("en", "i don't know")])
def test_with_rasa_down_the_gateway_asks_and_reads_the_answer(
    rasa_down: Gateway, redis_client: redis.Redis, lang: str, answer: str
) -> None:
    cid, token = _ask(rasa_down, lang)
    assert redis_client.get(redis_keys.safety_question(cid)) == "pending:suicide:gateway"
    _assert_urgent(events_of(send(rasa_down.url, cid, token, answer)), redis_client, cid)


def test_with_rasa_down_no_keeps_concern(rasa_down: Gateway, redis_client: redis.Redis) -> None:
    cid, token = _ask(rasa_down, "en")
    events = events_of(send(rasa_down.url, cid, token, "nope"))
    assert any("Thank you for answering honestly" in str(e.get("text", "")) for e in events), events
    assert redis_client.hget(redis_keys.conversation(cid), "level") == "concern"
    assert redis_client.zcard(redis_keys.QUEUE) == 0


def test_violence_gets_the_danger_question(live: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(live.url, "en")
    events = events_of(send(live.url, cid, token, "my dad hits me when he is drunk"))
    assert any("are you in danger right now" in str(e.get("text", "")) for e in events), events
    _assert_urgent(events_of(send(live.url, cid, token, "yes")), redis_client, cid)
