"""`action_answer_knowledge`: answer a question from the knowledge base (knowledge.search).

Rasa runs this action for intent `ask_knowledge` and for `nlu_fallback`. It sends one custom payload
(docs/ARCHITECTURE.md, "Custom payloads from Rasa"):

  answer  -> {"lyt": "article", "article": {"id", "title", "url"}, "text", "buttons"}
  clarify -> {"lyt": "clarify", "text", "buttons"}     buttons: topic titles, payload = a topic question
  decline -> {"lyt": "decline", "text", "buttons"}
  search unavailable -> {"lyt": "handoff_offer", "text"}  (the gateway adds "talk to a person")

A question that tells the young person's own situation on one of the six harms (the search's best article
is about being in it, and the message speaks of the writer's own case: knowledge/card_routing.py) starts
that guided flow instead: the flow's start message and `FollowupAction(<flow>_form)`, whose activation
reads the answers the message already gives (issue 17). Not right after the young person left a flow.

The knowledge base is loaded once per process, on first use (or by a background warm-up when the
action server creates the action), never at import time. Loading and searching run in a worker
thread so the action server's event loop stays free.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from typing import TYPE_CHECKING, Any, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import Lang, as_lang, conversation_lang, text
from actions.query_vector import take_payload, vector_key
from actions.topics import topic_buttons

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase

log = logging.getLogger(__name__)

ACTION_NAME = "action_answer_knowledge"
ACTION_LISTEN = "action_listen"
MAX_FOLLOW_UPS = 3
START_FLOW = "start_flow"  # answer_payload's key for "start this guided flow instead" (never sent on)
WARMUP_ENV = "LYT_KB_WARMUP"  # "0" disables loading the knowledge base when the action server starts


class HitLike(Protocol):
    @property
    def article_id(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def section_text(self) -> str: ...


class ArticleLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def topic(self) -> str: ...


class _KnowledgeBaseHolder:
    """A lazy, thread-safe, per-process singleton of `knowledge.search.KnowledgeBase`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kb: KnowledgeBase | None = None

    def get(self) -> KnowledgeBase:
        if self._kb is None:
            with self._lock:
                if self._kb is None:
                    from knowledge.search import KnowledgeBase  # lazy: heavy, and may be absent

                    self._kb = KnowledgeBase.load()
        return self._kb

    def warm_up_in_background(self) -> None:
        def load() -> None:
            try:
                self.get()
            except Exception:  # the first question retries and reports it
                log.exception("knowledge base warm-up failed")

        threading.Thread(target=load, name="kb-warmup", daemon=True).start()


KNOWLEDGE_BASE = _KnowledgeBaseHolder()


class ActionAnswerKnowledge(Action):  # type: ignore[misc]  # rasa_sdk ships no type information
    def __init__(self) -> None:
        super().__init__()
        if os.environ.get(WARMUP_ENV, "1") != "0":
            KNOWLEDGE_BASE.warm_up_in_background()

    def name(self) -> str:
        return ACTION_NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = conversation_lang(tracker)
        question = str(tracker.latest_message.get("text") or "")
        key = vector_key(tracker.latest_message.get("metadata"))
        may_route = not _left_a_flow_this_turn(tracker)
        try:
            payload = await asyncio.to_thread(answer_payload, question, lang, key, may_route)
        except Exception:  # import errors included: never leave the user without a reply
            log.exception("knowledge search failed")
            payload = {"lyt": "handoff_offer", "text": text("unavailable", lang)}
        flow = payload.get(START_FLOW)
        if isinstance(flow, str):
            from knowledge.card_answers import FORM_OF_FLOW

            dispatcher.utter_message(response="utter_card_start_sextortion" if flow == "sextortion" else "utter_card_start")
            return [FollowupAction(FORM_OF_FLOW[flow])]
        dispatcher.utter_message(json_message=payload)
        # After an answer the bot listens, as every rule says (bot/data/rules/knowledge.yml). Saying so
        # here spares Rasa a run of its policies to predict it: about 1 ms of every knowledge turn.
        return [FollowupAction(ACTION_LISTEN)]


def _left_a_flow_this_turn(tracker: Tracker) -> bool:
    """A flow was left in this turn (its form deactivated before this action): answer, do not route again."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_deactivate_loop":
            return True
    return False


def answer_payload(
    question: str, lang: Lang, vector_key: str | None = None, may_route: bool = False
) -> dict[str, Any]:
    """Search the knowledge base and build the custom payload for the gateway. `vector_key`: where the
    gateway hands over its embedding of the question (actions/query_vector.py). With `may_route`, an own
    situation on one of the six harms returns `{START_FLOW: flow}` instead (knowledge/card_routing.py)."""
    from knowledge.card_routing import flow_for
    from knowledge.search import shared_vector  # lazy, as the knowledge base itself

    kb = KNOWLEDGE_BASE.get()
    vector = shared_vector.unpack(take_payload(vector_key), kb.embedder.model_id, question, kb.dim)
    decision = kb.answer(question, lang, vector=vector)
    flow = flow_for(question, decision.kind, [hit.article_id for hit in decision.hits]) if may_route else None
    if flow is not None:
        return {START_FLOW: flow}
    lang = as_lang(decision.lang)  # the search answers in the question's language when it is clear
    hits: list[HitLike] = list(decision.hits)
    if decision.kind == "answer" and decision.article is not None:
        return article_payload(decision.article, hits, lang)
    if decision.kind == "clarify":
        buttons = topic_buttons([hit.topic for hit in hits], lang)
        return {"lyt": "clarify", "text": text("clarify", lang), "buttons": buttons}
    return {"lyt": "decline", "text": text("decline", lang), "buttons": [counsellor_button(lang)]}


def article_payload(article: ArticleLike, hits: list[HitLike], lang: Lang) -> dict[str, Any]:
    section = next((hit.section_text for hit in hits if hit.article_id == article.id and hit.section_text), "")
    parts = [article.summary.strip(), section.strip(), text("was_it_helpful", lang)]
    other_topics = [hit.topic for hit in hits if hit.topic != article.topic]
    buttons = [
        *topic_buttons(other_topics, lang, limit=MAX_FOLLOW_UPS),
        feedback_button(text("helpful_yes", lang), "yes", article.id),
        feedback_button(text("helpful_no", lang), "no", article.id),
    ]
    return {
        "lyt": "article",
        "article": {"id": article.id, "title": article.title, "url": f"/articles/{article.id}"},
        "text": "\n\n".join(part for part in parts if part),
        "buttons": buttons,
    }


def feedback_button(title: str, helpful: str, article_id: str) -> dict[str, str]:
    entities = json.dumps({"helpful": helpful, "article": article_id}, separators=(",", ":"))
    return {"title": title, "payload": f"/feedback{entities}"}


def counsellor_button(lang: Lang) -> dict[str, str]:
    return {"title": text("talk_to_counsellor", lang), "payload": "/ask_human"}
