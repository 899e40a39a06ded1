"""Openings into the guided flows on the real Rasa + action server (issue 17, knowledge/card_routing.py).

The dev openings (tests/data/cards_openings_dev.jsonl, written for tuning) go through the same code the
coordinator's `lyt cards evaluate` runs; the floors sit a few openings below the figures in docs/KNOWLEDGE.md.
An own situation that NLU reads as a knowledge question starts the flow through action_answer_knowledge
(FollowupAction of the form), and the form's activation fills the answers from that first message.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from api.cli.cards import _article_topics, first_turn
from knowledge.card_eval import opening, read_lines, score_openings
from tests.conftest import RasaStack

DEV = Path(__file__).resolve().parents[1] / "data" / "cards_openings_dev.jsonl"
# Written on 2026-12-02 by a helper who never saw this repository, measured once (docs/KNOWLEDGE.md, "Unseen
# measurement 2"): right in one turn 0.909 (60/66), right flow 0.929 (39/42), general questions 0.875 (21/24), slot
# accuracy on the real stack 0.696, turns to the card at most 3. Floors at least two openings below.
HOLDOUT6 = Path(__file__).resolve().parents[1] / "data" / "cards_openings_holdout6.jsonl"


def test_dev_openings_land_in_the_right_flow_or_article(rasa_stack: RasaStack) -> None:
    items = [opening(raw) for raw in read_lines(DEV)]
    topics = _article_topics()
    with httpx.Client(timeout=120.0) as client:
        turns = [first_turn(client, rasa_stack.rasa_url, item.text, item.lang, topics) for item in items]
    figures = score_openings(items, turns).as_dict()
    assert figures["right_in_one_turn"] >= 0.88, figures
    assert figures["right_flow"] >= 0.9 and figures["right_topic_article"] >= 0.75, figures
    assert figures["slot_accuracy_stack_all"] >= 0.9 and figures["turns_to_card_max_right_flow"] <= 4, figures


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
    items = [opening(raw) for raw in read_lines(HOLDOUT6)]
    assert len(items) == 66
    topics = _article_topics()
    with httpx.Client(timeout=120.0) as client:
        turns = [first_turn(client, rasa_stack.rasa_url, item.text, item.lang, topics) for item in items]
    figures = score_openings(items, turns).as_dict()
    assert figures["right_in_one_turn"] >= 0.87, figures
    assert figures["right_flow"] >= 0.88 and figures["right_topic_article"] >= 0.79, figures
    assert figures["turns_to_card_max_right_flow"] <= 4, figures
