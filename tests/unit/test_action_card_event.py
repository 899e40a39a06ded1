"""The gateway's side of the action_card contract: Rasa's custom payload -> the event (issue 17)."""

from __future__ import annotations

import json

from api.services.action_cards import card_event, cards_for_summary
from api.services.rasa_client import interpret
from knowledge.action_cards import build_card
from knowledge.helplines import load_helplines

KNOWN = load_helplines()


def test_rasa_custom_payload_becomes_the_contract_event_and_is_remembered_with_its_answers() -> None:
    card = build_card("nude_images", {"card_age": "under_18", "card_platform": "snapchat"}, "da")
    reply = interpret([{"custom": {"lyt": "action_card", "flow": "nude_images", "card": card,
                                   "answers": {"card_age": "under_18", "card_platform": "snapchat"}}}])
    assert len(reply.events) == 1
    event = reply.events[0]
    assert set(event) == {"type", "from", "topic", "title", "steps", "lang"}
    assert event["type"] == "action_card" and event["from"] == "bot" and event["lang"] == "da"
    assert all({"text", "link", "helpline"} <= set(step) <= {"text", "link", "helpline", "helpline_label"}
               for step in event["steps"])
    police = next(step for step in event["steps"] if step["helpline"] == "police_114")
    assert police["helpline_label"] == "Politiet 114: 114"
    assert reply.cards == [("nude_images", event, {"card_age": "under_18", "card_platform": "snapchat"})]


def test_only_safe_links_known_helplines_and_answer_ids_survive() -> None:
    event = card_event({"topic": "scams", "title": "T", "lang": "xx", "steps": [
        {"text": "a", "link": "javascript:alert(1)", "helpline": "police_114"},
        {"text": "b", "link": "/articles/phishing-messages-da", "helpline": "call 12345678"},
        {"text": "d", "link": None, "helpline": "livslinien"},
        {"text": "c", "link": "https://stopncii.org", "helpline": None},
        {"text": "", "link": None},
    ]}, KNOWN)
    assert event is not None and event["lang"] == "da"
    assert [s["link"] for s in event["steps"]] == [None, "/articles/phishing-messages-da", None, "https://stopncii.org"]
    assert [s["helpline"] for s in event["steps"]] == ["police_114", None, "livslinien", None]
    assert event["steps"][2]["helpline_label"] == "Livslinien: https://www.livslinien.dk"  # low confidence: no number
    assert card_event({"title": "no steps", "topic": "x", "steps": []}, KNOWN) is None
    reply = interpret([{"custom": {"lyt": "action_card", "flow": "scam", "card": build_card("scam", {}, "en"),
                                   "answers": {"card_given": "mitid", "card_platform": "Mit navn er Ida", "x": "y"}}}])
    assert reply.cards[0][2] == {"card_given": "mitid"}


def test_summary_shows_the_answers_as_words() -> None:
    records = [json.dumps({"flow": "grooming", "topic": "grooming", "title": "T", "lang": "da",
                           "answers": {"card_meeting": "soon"}})]
    assert cards_for_summary(records) == [{"flow": "grooming", "topic": "grooming", "title": "T",
                                           "answers": {"card_meeting": "et møde er aftalt snart"},
                                           "answers_en": {"card_meeting": "a meeting is planned soon"},
                                           "answered": [{"slot": "card_meeting",
                                                         "question": {"da": "Møde aftalt", "en": "Meeting planned"},
                                                         "answer": {"da": "et møde er aftalt snart",
                                                                    "en": "a meeting is planned soon"}}]}]
