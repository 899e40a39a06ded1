"""The `action_card` event (issue 17, docs/ARCHITECTURE.md) on its way from Rasa to the young person.

The action server sends the custom payload `{"lyt": "action_card", "flow", "card": {...}, "answers": {...}}`
(actions/action_cards.py). `card_event` keeps only the contract's fields, with the types the widget
expects: `{"type": "action_card", "from": "bot", "topic", "title", "steps": [{"text", "link", "helpline"}],
"lang"}`. A link is kept only when it is one of our own article paths or an https URL; a helpline only as
a known id, and the gateway adds `helpline_label` ("Politiet 114: 114") from knowledge/helplines.yml by its
display rule, so a number never comes from Rasa. `remember_card` stores what
the handover summary lists: the flow, topic, title and the answers that chose the steps (slot values).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from redis.asyncio.client import Pipeline

from api import redis_keys
from api.services.events import Event
from knowledge.helplines import Helpline

MAX_STEPS = 12
MAX_TEXT = 600
_ARTICLE_PATH = re.compile(r"/articles/[a-z0-9-]{1,120}")
_ANSWER_KEY = re.compile(r"card_[a-z_]{1,40}")
_ANSWER_VALUE = re.compile(r"[a-z0-9_]{1,40}")


def _link(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    if _ARTICLE_PATH.fullmatch(raw) or (raw.startswith("https://") and len(raw) <= 300 and " " not in raw):
        return raw
    return None


def _step(raw: dict[str, Any], helplines: Mapping[str, Helpline], lang: str) -> dict[str, Any]:
    step: dict[str, Any] = {"text": raw["text"][:MAX_TEXT], "link": _link(raw.get("link")), "helpline": None}
    helpline = helplines.get(raw["helpline"]) if isinstance(raw.get("helpline"), str) else None
    if helpline is not None:
        step["helpline"] = helpline.id
        label = helpline.display(lang)  # the display rule: a number only at high or medium confidence
        if label:
            step["helpline_label"] = label
    return step


def card_event(card: Any, helplines: Mapping[str, Helpline]) -> Event | None:
    """The contract's action_card event from Rasa's card, or None when it is not a usable card."""
    if not isinstance(card, dict):
        return None
    title, topic = card.get("title"), card.get("topic")
    raw_steps = card.get("steps")
    if not isinstance(title, str) or not isinstance(topic, str) or not isinstance(raw_steps, list):
        return None
    lang = str(card.get("lang")) if card.get("lang") in ("da", "en") else "da"
    steps = [
        _step(step, helplines, lang)
        for step in raw_steps[:MAX_STEPS]
        if isinstance(step, dict) and isinstance(step.get("text"), str) and step["text"]
    ]
    if not steps:
        return None
    return {"type": "action_card", "from": "bot", "topic": topic[:60], "title": title[:200], "steps": steps,
            "lang": lang}


def card_answers(raw: Any) -> dict[str, str]:
    """The flow's answers as slot name -> value id (ids only: never text the young person typed)."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): str(v)
        for k, v in raw.items()
        if isinstance(k, str) and _ANSWER_KEY.fullmatch(k) and isinstance(v, str) and _ANSWER_VALUE.fullmatch(v)
    }


def remember_cards(pipe: Pipeline, cid: str, cards: list[tuple[str, Event, dict[str, str]]], ttl: int) -> None:
    """Queue the records of the cards shown (flow, event, answers) on `pipe`, with the conversation's TTL."""
    for flow, event, answers in cards:
        record = {"flow": flow, "topic": event["topic"], "title": event["title"], "lang": event["lang"],
                  "answers": answers}
        pipe.rpush(redis_keys.shown_cards(cid), json.dumps(record, ensure_ascii=False))
    pipe.expire(redis_keys.shown_cards(cid), ttl)


def cards_for_summary(raw_records: list[str]) -> list[dict[str, Any]]:
    """Stored card records with each answer as words for the counsellor (knowledge/action_cards.py)."""
    from knowledge.action_cards import answers_for_counsellor, answers_in_words  # read only when summarising

    cards = []
    for raw in raw_records:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        answers = record.get("answers") or {}
        cards.append({
            "flow": record.get("flow", ""),
            "topic": record.get("topic", ""),
            "title": record.get("title", ""),
            "answers": answers_in_words(answers, "da"),
            "answers_en": answers_in_words(answers, "en"),
            "answered": answers_for_counsellor(answers),  # question and answer as words, Danish and English
        })
    return cards
