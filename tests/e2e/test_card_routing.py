"""Openings into the guided flows on the real Rasa + action server (issue 17, knowledge/card_routing.py).

The dev openings (tests/data/cards_openings_dev.jsonl, written for tuning) go through the same code the
coordinator's `lyt cards evaluate` runs; the floors sit a few openings below the figures in docs/KNOWLEDGE.md.
An own situation that NLU reads as a knowledge question starts the flow through action_answer_knowledge
(FollowupAction of the form), and the form's activation fills the answers from that first message.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from api.cli.cards import _article_topics, first_turn
from knowledge.card_eval import opening, read_lines, score_openings
from tests.conftest import RasaStack

DEV = Path(__file__).resolve().parents[1] / "data" / "cards_openings_dev.jsonl"
# Written on 2026-12-02 by a helper who never saw this repository, measured once (docs/KNOWLEDGE.md, "Unseen
# measurement 2"): right in one turn 0.909 (60/66), right flow 0.929 (39/42), general questions 0.875 (21/24), slot
# accuracy on the real stack 0.696 (0.848 once only the flows' own slots are scored), turns to the card at most 3.
# Floors at least two openings below.
HOLDOUT6 = Path(__file__).resolve().parents[1] / "data" / "cards_openings_holdout6.jsonl"


def test_dev_openings_land_in_the_right_flow_or_article(rasa_stack: RasaStack) -> None:
    figures = _scored_openings(rasa_stack, DEV)
    assert figures["right_in_one_turn"] >= 0.88, figures
    assert figures["right_flow"] >= 0.9 and figures["right_topic_article"] >= 0.75, figures
    assert figures["slot_accuracy_stack_all"] >= 0.9 and figures["turns_to_card_max_right_flow"] <= 4, figures
    assert figures["slots_lost_by_stack"] == 0, figures


def test_the_knowledge_action_routes_own_situations_and_answers_general_questions() -> None:
    """action_answer_knowledge's decision on the real knowledge base (var/kb): an own situation -> the flow,
    the same topic asked in general or about a friend -> the article, and never right after leaving a flow."""
    from actions.knowledge_answer import START_FLOW, answer_payload

    assert answer_payload("min snap er blevet hacket og de har skiftet min mail", "da", None, True) == {
        START_FLOW: "hacked_account"
    }
    assert answer_payload("nogen har delt et nøgenbillede af mig på snap, hvad gør jeg?", "da", None, True) == {
        START_FLOW: "nude_images"
    }
    for question in ("hvordan laver man en god adgangskode", "min veninde har fået delt et nøgenbillede på snap"):
        assert answer_payload(question, "da", None, True)["lyt"] == "article", question
    assert answer_payload("min snap er blevet hacket", "da", None, False)["lyt"] == "article"


def test_unseen_openings_land_in_the_right_flow_or_article(rasa_stack: RasaStack) -> None:
    figures = _scored_openings(rasa_stack, HOLDOUT6, expected_count=66)
    assert figures["right_in_one_turn"] >= 0.87, figures
    assert figures["right_flow"] >= 0.88 and figures["right_topic_article"] >= 0.79, figures
    assert figures["turns_to_card_max_right_flow"] <= 4, figures
    # The flow's own slots only (0.848 after the scoring fix, 39/46); none read from the message lost by the stack.
    assert figures["slot_accuracy_stack_all"] >= 0.8 and figures["slots_lost_by_stack"] == 0, figures


def _scored_openings(rasa_stack: RasaStack, path: Path, expected_count: int | None = None) -> dict[str, Any]:
    """Every opening of the set through the real stack's first turn, scored by knowledge.card_eval."""
    items = [opening(raw) for raw in read_lines(path)]
    if expected_count is not None:
        assert len(items) == expected_count
    topics = _article_topics()
    with httpx.Client(timeout=120.0) as client:
        turns = [first_turn(client, rasa_stack.rasa_url, item.text, item.lang, topics) for item in items]
    figures: dict[str, Any] = score_openings(items, turns).as_dict()
    return figures


def _first_turn_events(rasa_url: str, text: str, lang: str) -> tuple[str, list[dict[str, Any]]]:
    """The intent NLU gave the message and the events of the bot's first turn (a new conversation)."""
    sender = f"slots-e2e-{uuid.uuid4().hex}"
    webhook = f"{rasa_url}/webhooks/rest/webhook"
    with httpx.Client(timeout=120.0) as client:
        client.post(webhook, json={"sender": sender, "message": '/set_lang{"lang": "' + lang + '"}'}).raise_for_status()
        client.post(webhook, json={"sender": sender, "message": text}).raise_for_status()
        events: list[dict[str, Any]] = client.get(f"{rasa_url}/conversations/{sender}/tracker").json()["events"]
    last_user = max(i for i, e in enumerate(events) if e.get("event") == "user")
    return str(events[last_user]["parse_data"]["intent"]["name"]), events[last_user + 1 :]


def test_an_opening_read_as_a_knowledge_question_keeps_the_platform_it_states(rasa_stack: RasaStack) -> None:
    """An own situation NLU reads as a knowledge question starts the flow through action_answer_knowledge's
    FollowupAction; the form's activation still reads the platform from that first message, so the form asks
    only what the message did not say (whether the contact details were changed), never which app."""
    text = "hvad skal jeg gøre nu hvor en fremmed har overtaget min discord konto"  # written for this test
    intent, events = _first_turn_events(rasa_stack.rasa_url, text, "da")
    actions = [e.get("name") for e in events if e.get("event") == "action"]
    assert intent == "ask_knowledge" and actions[:2] == ["action_answer_knowledge", "hacked_account_form"], events
    slots = {e["name"]: e.get("value") for e in events if e.get("event") == "slot"}
    assert slots.get("card_platform") == "discord", events
    assert slots.get("requested_slot") == "card_contact_changed", events


def test_a_sextortion_opening_that_names_the_app_offers_a_counsellor_once(rasa_stack: RasaStack) -> None:
    """The sextortion start (utter_card_start_sextortion) carries a handoff offer; when the opening already names
    the app the form is done at once and the card follows in the same turn: still one offer, not two."""
    webhook = f"{rasa_stack.rasa_url}/webhooks/rest/webhook"
    openings = [
        ("en profil på snap kræver 2000 kr af mig, ellers sender de min video til alle i min klasse", "da"),
        ("some guy on insta says he'll post my pics unless i pay him 500 kr by tonight", "en"),
    ]
    with httpx.Client(timeout=120.0) as client:
        for text, lang in openings:
            sender = f"sextortion-offer-{uuid.uuid4().hex}"
            client.post(webhook, json={"sender": sender, "message": '/set_lang{"lang": "' + lang + '"}'})
            reply = client.post(webhook, json={"sender": sender, "message": text}).json()
            kinds = [(item.get("custom") or {}).get("lyt") for item in reply if isinstance(item.get("custom"), dict)]
            assert "action_card" in kinds and kinds.count("handoff_offer") == 1, (text, reply)
