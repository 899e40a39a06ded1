"""The guided flows end to end (issue 17): a real gateway, the real Rasa server with the trained model, the real
action server and Redis. A young person writing in their own words reaches the right action card in at most
four turns, in Danish and in English, answering the questions the way the buttons do or in their own words;
the counsellor's handover summary then lists the card and the answers as words."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
from api.services.card_risk import MEETING_QUESTION, MEETING_REASON
from tests.conftest import Gateway, GatewayFactory, RasaStack, RedisServer
from tests.integration.helpers import events_of, new_conversation, send

pytestmark = pytest.mark.e2e
MAX_TURNS = 4

# flow -> lang -> (topic, the messages in order; the card must come by the last one, at most four).
CONVERSATIONS: dict[str, dict[str, tuple[str, list[str]]]] = {
    "nude_images": {
        "da": ("nude-images", ["nogen har lagt mit nøgenbillede på insta, jeg er 15"]),
        "en": ("nude-images", ["my ex posted my nudes", "under 18", "snapchat"]),
    },
    "sextortion": {
        "da": ("sextortion", ["en fyr på snap afpresser mig med mine billeder og vil have penge"]),
        "en": ("sextortion", ["someone is blackmailing me with my pics", "instagram"]),
    },
    "hacked_account": {
        "da": ("privacy-security", ["min snap er blevet hacket", "ja"]),
        "en": ("privacy-security", ["my insta got hacked and they changed my email"]),
    },
    "cyberbullying": {
        "da": ("cyberbullying", ["nogen fra min klasse skriver grimme ting om mig på tiktok"]),
        "en": ("cyberbullying", ["im being bullied online", "snapchat", "yes"]),
    },
    "grooming": {
        "da": ("grooming", ["en voksen mand skriver til mig og vil have billeder", "nej"]),
        "en": ("grooming", ["an older guy keeps asking me for pics", "maybe later"]),
    },
    "scam": {
        "da": ("scams", ["jeg er blevet snydt", "mitid"]),
        "en": ("scams", ["i got scammed", "money"]),
    },
}


@pytest.fixture
def live(gateway_factory: GatewayFactory, rasa_stack: RasaStack, redis_client: redis.Redis) -> Iterator[Gateway]:
    yield gateway_factory(rasa_url=rasa_stack.rasa_url, ACTION_SERVER_URL=rasa_stack.actions_url)


def _talk(gateway: Gateway, lang: str, messages: list[str]) -> tuple[str, str, dict[str, Any], int]:
    cid, token = new_conversation(gateway.url, lang)
    seen: list[dict[str, Any]] = []
    for turn, text in enumerate(messages, 1):
        events = events_of(send(gateway.url, cid, token, text))
        seen += events
        cards = [e for e in events if e.get("type") == "action_card"]
        if cards:
            return cid, token, cards[0], turn
    raise AssertionError(f"no action card after {len(messages)} turns: {seen}")


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("flow", sorted(CONVERSATIONS))
def test_a_young_person_reaches_the_right_card_in_at_most_four_turns(live: Gateway, flow: str, lang: str) -> None:
    topic, messages = CONVERSATIONS[flow][lang]
    assert len(messages) <= MAX_TURNS
    _, _, card, turns = _talk(live, lang, messages)
    assert turns <= MAX_TURNS
    assert card["topic"] == topic and card["lang"] == lang and card["from"] == "bot" and card["title"]
    assert len(card["steps"]) >= 3
    for step in card["steps"]:
        assert step["text"]
        assert step["link"] is None or step["link"].startswith(("https://", "/articles/"))
        assert step["link"] is None or not step["link"].startswith("/articles/") or step["link"].endswith(f"-{lang}")


def test_the_first_message_fills_the_answers_and_under_18_gets_take_it_down(live: Gateway) -> None:
    _, _, card, turns = _talk(live, "da", ["nogen har lagt mit nøgenbillede på insta, jeg er 15"])
    assert turns == 1  # no question about platform or age
    links = [step["link"] for step in card["steps"]]
    assert "https://takeitdown.ncmec.org" in links and "https://stopncii.org" not in links
    assert any("Instagram" in step["text"] for step in card["steps"])
    assert any(step["helpline"] == "police_114" and step.get("helpline_label") for step in card["steps"])


def test_a_young_person_can_leave_a_flow_and_ask_something_else(live: Gateway) -> None:
    cid, token = new_conversation(live.url, "da")
    asked = events_of(send(live.url, cid, token, "min ex har delt et nøgenbillede af mig"))
    assert any(e.get("buttons") for e in asked)  # the first question, with buttons
    left = events_of(send(live.url, cid, token, "glem det"))
    assert not any(e.get("type") == "action_card" for e in left)
    assert any("stopper" in str(e.get("text", "")) for e in left), left
    answer = events_of(send(live.url, cid, token, "hvordan gør jeg min profil privat"))
    assert any(e.get("article") for e in answer), answer


def test_sextortion_offers_a_counsellor_at_once(live: Gateway) -> None:
    cid, token = new_conversation(live.url, "da")
    events = events_of(send(live.url, cid, token, "en på insta afpresser mig med mine nudes"))
    assert any(b.get("payload") == "/ask_human" for e in events for b in e.get("buttons", [])), events


def test_the_handover_summary_lists_the_card_and_the_answers_as_words(
    live: Gateway, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    asyncio.run(create_account(redis_server.url, "cards-anna", "password-cards-anna", "counsellor"))
    token_response = httpx.post(
        f"{live.url}/api/v1/auth/token", data={"username": "cards-anna", "password": "password-cards-anna"}
    )
    headers = {"Authorization": f"Bearer {token_response.json()['access_token']}"}
    cid, token, card, _ = _talk(live, "da", ["min konto er blevet hacket", "snapchat", "ja"])
    assert 0 < redis_client.ttl(redis_keys.shown_cards(cid))
    events_of(send(live.url, cid, token, "/ask_human"))
    assert httpx.post(f"{live.url}/api/v1/queue/{cid}/claim", headers=headers).status_code == 200
    summary = httpx.get(f"{live.url}/api/v1/counsellor/conversations/{cid}", headers=headers).json()
    shown = summary.get("summary", summary)["action_cards"]
    assert shown == [{
        "flow": "hacked_account", "topic": "privacy-security", "title": card["title"],
        "answers": {"card_platform": "Snapchat", "card_contact_changed": "mail eller nummer er ændret"},
        "answers_en": {"card_platform": "Snapchat", "card_contact_changed": "email or phone was changed"},
        "answered": [
            {"slot": "card_platform", "question": {"da": "App", "en": "App"},
             "answer": {"da": "Snapchat", "en": "Snapchat"}},
            {"slot": "card_contact_changed", "question": {"da": "Mail eller nummer ændret", "en": "Email or phone changed"},
             "answer": {"da": "mail eller nummer er ændret", "en": "email or phone was changed"}},
        ],
    }]
    steps = [step["text"] for step in card["steps"]]  # Snapchat's own recovery path (knowledge/platforms.yml)
    assert any(text.startswith("Snapchat:") for text in steps), steps


# Grooming: a meeting planned soon raises the risk through the gateway's judge stage (api/services/card_risk.py).
GROOMING_OPENERS = {
    "da": "en fyr på 25 skriver med mig på snap og siger jeg ikke må fortælle det til nogen",
    "en": "a guy who is 25 keeps texting me on snap and says i cant tell anyone",
}
SOON = {"da": "ja, i morgen efter skole", "en": "yes tomorrow after school"}


def _triage_reasons(redis_client: redis.Redis, cid: str) -> list[str]:
    return [r for raw in redis_client.lrange(redis_keys.triage_log(cid), 0, -1) for r in json.loads(raw)["reasons"]]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_meeting_planned_soon_raises_the_risk_through_triage_and_offers_a_counsellor(
    live: Gateway, redis_server: RedisServer, redis_client: redis.Redis, lang: str
) -> None:
    cid, token = new_conversation(live.url, lang)
    asked = events_of(send(live.url, cid, token, GROOMING_OPENERS[lang]))
    assert not any(e.get("type") == "action_card" for e in asked), asked
    assert redis_client.hget(redis_keys.conversation(cid), "card_question") == MEETING_QUESTION
    answered = events_of(send(live.url, cid, token, SOON[lang]))
    cards = [e for e in answered if e.get("type") == "action_card"]
    assert cards and cards[0]["topic"] == "grooming", answered
    meta = redis_client.hgetall(redis_keys.conversation(cid))
    assert meta["level"] in ("concern", "urgent") and "card_question" not in meta
    assert MEETING_REASON in _triage_reasons(redis_client, cid)
    person = [b for e in answered for b in e.get("buttons", []) if b.get("payload") == "/ask_human"]
    assert len(person) == 1, answered  # a counsellor offered at once, once
    queued = events_of(send(live.url, cid, token, "/ask_human"))
    assert any(e.get("type") == "queue" and e.get("position") == 1 for e in queued), queued
    waiting = httpx.get(f"{live.url}/api/v1/queue", headers=_counsellor(live, redis_server)).json()
    mine = [w for w in waiting if w["conversation_id"] == cid]
    assert mine and mine[0]["level"] in ("concern", "urgent") and MEETING_REASON in mine[0]["reasons"], mine


def test_no_meeting_leaves_the_level_to_triage(live: Gateway, redis_client: redis.Redis) -> None:
    cid, token = new_conversation(live.url, "da")
    events_of(send(live.url, cid, token, GROOMING_OPENERS["da"]))
    level_before = redis_client.hget(redis_keys.conversation(cid), "level")
    answered = events_of(send(live.url, cid, token, "nej"))
    assert any(e.get("type") == "action_card" for e in answered), answered
    assert MEETING_REASON not in _triage_reasons(redis_client, cid)
    assert redis_client.hget(redis_keys.conversation(cid), "level") == level_before


def test_a_meeting_soon_said_up_front_raises_the_risk_and_shows_the_grooming_card(
    live: Gateway, redis_client: redis.Redis
) -> None:
    """Said up front, a meeting with an adult "i morgen" is grooming in progress (concern by the taxonomy): the
    card floor raises the level and the grooming card comes with a counsellor offered. Since the twelfth triage
    pass it is no longer near urgent (the adapter learned meetings planned for later from meetings happening
    now), so the danger question is not asked first; the eleventh pass asked it (docs/TRIAGE.md)."""
    cid, token = new_conversation(live.url, "da")
    events = events_of(send(live.url, cid, token, "en voksen fra nettet vil mødes med mig i morgen"))
    cards = [e for e in events if e.get("type") == "action_card"]
    assert cards and cards[0]["topic"] == "grooming", events
    assert redis_client.hget(redis_keys.conversation(cid), "level") in ("concern", "urgent")
    assert MEETING_REASON in _triage_reasons(redis_client, cid)
    assert any(b.get("payload") == "/ask_human" for e in events for b in e.get("buttons", []))
    assert not any("liv" in str(e.get("text")) for e in events if e.get("from") == "bot"), events


def _counsellor(live: Gateway, redis_server: RedisServer) -> dict[str, str]:
    asyncio.run(create_account(redis_server.url, "cards-grooming", "password-cards-grooming", "counsellor"))
    response = httpx.post(f"{live.url}/api/v1/auth/token", data={"username": "cards-grooming", "password": "password-cards-grooming"})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
