"""What "while you wait" shows a young person who just joined the queue.

- While the conversation is urgent: short safety steps for what they said (knowledge/safety_steps.yml:
  pills taken -> call 112 or go to the emergency room, don't be alone; someone hurting you now -> get
  to a safe place and call 112; ...), chosen from the latest urgent message. Never an article: an
  article on an earlier topic (a shared nude image, say) is the wrong thing to read at that moment.
- Otherwise: one self-help article for the latest topic of the conversation (`topics` keeps the most
  recent last).
"""

from __future__ import annotations

from collections.abc import Sequence

from api.copy import text as copy
from api.services.articles import articles_for_topic
from api.services.events import Event, bot_event
from knowledge.safety_steps import safety_steps, situation_for


def with_latest_topic(topics: str, topic: str, keep: int = 3) -> str:
    """`topics` (comma-separated, oldest first) with `topic` moved or added to the end, at most `keep`."""
    earlier = [t for t in topics.split(",") if t and t != topic]
    return ",".join([*earlier[-(keep - 1) :], topic])


def situation_of(raw_text: str, spans: Sequence[Sequence[int]]) -> str:
    """The safety-step situation for an urgent message: the words triage marked first, then all of it."""
    marked = " ".join(raw_text[start:end] for start, end in spans)
    return situation_for([marked, raw_text])


def safety_steps_event(situation: str, lang: str) -> Event:
    card = safety_steps(situation, lang)
    event = bot_event(card.as_text())
    event["steps"] = [
        {"text": step.text, **({"helpline": step.helpline} if step.helpline else {})} for step in card.steps
    ]
    event["situation"] = card.situation
    event["source"] = card.source
    return event


def while_waiting(topics: str, lang: str, level: str, situation: str | None) -> list[Event]:
    if level == "urgent":
        return [safety_steps_event(situation or "generic", lang)]
    latest = [t for t in topics.split(",") if t][-1:]
    if not latest:
        return []
    return [
        bot_event(
            copy("while_waiting", lang) + " " + page.summary,
            article={"id": page.id, "title": page.title, "url": page.url},
        )
        for page in articles_for_topic(latest[0], lang, limit=1)
    ]
