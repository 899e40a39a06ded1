"""The guided flows' actions (issue 17): slot extraction for the six card forms, and the card itself.

- `action_extract_card_slots` is the custom slot mapping of every `card_*` slot (bot/domain/cards_flows.yml),
  run by Rasa's `action_extract_slots` while a card form is active, and once when a form starts, so a first
  message that already says it ("nogen har lagt mit nøgenbillede på insta, jeg er 15") fills the slots and
  the form asks nothing about them. Buttons send short words, read the same way as typed text.
  An answer it cannot read to the question asked becomes "unknown" (the card then says less), unless the
  message looks like leaving the flow (a question, "stop", asking for a person, another topic): then
  nothing is filled, the form rejects the turn and the rules in bot/data/rules/cards_flows.yml end it.
- `action_show_card` builds the card from knowledge/cards/*.yml (knowledge/action_cards.py) and sends it as
  the custom payload `{"lyt": "action_card", "flow", "card", "answers"}`; for sextortion, and a grooming
  meeting planned soon, also `{"lyt": "handoff_offer"}`, so a counsellor is offered at once (not when the
  sextortion start already offered one in the same turn).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import conversation_lang
from knowledge.card_answers import FLOW_OF_FORM, FLOW_SLOTS, extract_answers

EXTRACT_ACTION = "action_extract_card_slots"
SHOW_ACTION = "action_show_card"
# Intents that mean "not an answer": the form rejects the turn and the rules take over.
LEAVING_INTENTS = frozenset({"leave_flow", "ask_human", "goodbye", "set_lang", "ask_safety_question", "greet",
                             "about_service", *(f"card_{flow}" for flow in FLOW_SLOTS)})


def _is_leaving(text: str, intent: str, requested: str | None) -> bool:
    if intent in LEAVING_INTENTS or "?" in text or text.startswith("/"):
        return True
    return intent == "ask_knowledge" and len(text.split()) >= 5 and requested is not None


def _offered_this_turn(tracker: Tracker) -> bool:
    """Whether the bot already sent `{"lyt": "handoff_offer"}` since the young person's last message: the
    sextortion start (utter_card_start_sextortion) carries one, and when the first message already names the
    platform the card follows in the same turn; one offer is enough."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
        if isinstance(custom, dict) and custom.get("lyt") == "handoff_offer":
            return True
    return False


class ActionExtractCardSlots(Action):  # type: ignore[misc]  # rasa_sdk ships no type information
    def name(self) -> str:
        return EXTRACT_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        form = (tracker.active_loop or {}).get("name")
        flow = FLOW_OF_FORM.get(str(form))
        if flow is None:
            return []
        text = str(tracker.latest_message.get("text") or "").strip()
        intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
        requested = tracker.get_slot("requested_slot")
        requested = requested if requested in FLOW_SLOTS[flow] else None
        events = [SlotSet("card_flow", flow)] if tracker.get_slot("card_flow") != flow else []
        if intent == "set_lang" and requested:
            # The gateway's language switch is not an answer: the form keeps its question (no rejection, so
            # the next message is still read as the answer) and asks it again in the new language.
            return [*events, SlotSet(requested, None)]
        if text.startswith("/"):
            return events
        answers = extract_answers(text, requested)
        if requested and requested not in answers and not _is_leaving(text, intent, requested):
            answers[requested] = "unknown"
        return events + [SlotSet(slot, value) for slot, value in answers.items() if slot in FLOW_SLOTS[flow]]


class ActionShowCard(Action):  # type: ignore[misc]
    def name(self) -> str:
        return SHOW_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        from knowledge.action_cards import build_card  # the card data (read on first use)

        flow = str(tracker.get_slot("card_flow") or "")
        if flow not in FLOW_SLOTS:
            return []
        answers = {slot: str(tracker.get_slot(slot)) for slot in FLOW_SLOTS[flow] if tracker.get_slot(slot)}
        card = build_card(flow, answers, conversation_lang(tracker))
        dispatcher.utter_message(json_message={"lyt": "action_card", "flow": flow, "card": card, "answers": answers})
        wants_offer = flow == "sextortion" or (flow == "grooming" and answers.get("card_meeting") == "soon")
        if wants_offer and not _offered_this_turn(tracker):
            dispatcher.utter_message(json_message={"lyt": "handoff_offer"})
        # The answers stay for the handover summary; a new flow asks its own questions again.
        return [SlotSet("card_flow", None), *(SlotSet(slot, None) for slot in FLOW_SLOTS[flow])]
