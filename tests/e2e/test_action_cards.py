"""The guided flows end to end (issue 17): a real gateway, the real Rasa server with the trained model, the real
action server and Redis. A young person writing in their own words reaches the right action card in at most
four turns, in Danish and in English, answering the questions the way the buttons do or in their own words;
the counsellor's handover summary then lists the card and the answers as words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
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
    }]
