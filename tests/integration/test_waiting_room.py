"""The waiting room fits the moment (issue 14 item 6), against a real gateway and Redis (Rasa down).

Urgent: sourced safety steps for what the young person said, never an article on an earlier topic.
Concern and other levels: the article for the latest topic, not the first.
"""

from __future__ import annotations

from typing import Any

import redis

from api import redis_keys
from api.services.articles import article_catalogue
from knowledge.helplines import load_helplines
from knowledge.safety_steps import load_situations
from tests.conftest import Gateway
from tests.integration.helpers import events_of, new_conversation, send


def _conversation_with_topics(
    gateway: Gateway, redis_client: redis.Redis, topics: str, lang: str = "da"
) -> tuple[str, str]:
    """A conversation in which the bot has answered on `topics` (oldest first), as Rasa would have left it."""
    cid, token = new_conversation(gateway.url, lang)
    redis_client.hset(redis_keys.conversation(cid), "topics", topics)
    return cid, token


def _while_waiting(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e.get("from") == "bot" and (e.get("article") or e.get("steps"))]


def test_urgent_pills_get_112_steps_and_no_article_on_the_earlier_topic(
    gateway: Gateway, redis_client: redis.Redis
) -> None:
    cid, token = _conversation_with_topics(gateway, redis_client, "nude-images")
    events = events_of(send(gateway.url, cid, token, "jeg kan ikke mere. jeg har taget alle mine piller"))
    assert any(e.get("type") == "system" and "112" in e.get("text", "") for e in events)  # the safety message
    assert not [e for e in events if e.get("article")], "never an article on an earlier topic while urgent"
    (steps,) = _while_waiting(events)
    assert steps["situation"] == "overdose"
    assert "112" in steps["text"] and "skadestue" in steps["text"] and "alene" in steps["text"]
    assert steps["source"] == next(s.source for s in load_situations() if s.id == "overdose")
    assert {"text": steps["steps"][0]["text"], "helpline": "emergency_112"} == steps["steps"][0]
    assert redis_client.hget(redis_keys.conversation(cid), "safety_situation") == "overdose"

    # Asking for a person again while urgent keeps the steps (from the stored situation), still no article.
    again = events_of(send(gateway.url, cid, token, "/ask_human"))
    assert not [e for e in again if e.get("article")]


def test_urgent_violence_in_english_gets_safe_place_and_112(gateway: Gateway, redis_client: redis.Redis) -> None:
    cid, token = _conversation_with_topics(gateway, redis_client, "gaming", "en")
    events = events_of(send(gateway.url, cid, token, "my dad is hitting me right now please help"))
    (steps,) = _while_waiting(events)
    assert steps["situation"] == "violence"
    assert "safe place" in steps["text"] and "112" in steps["text"]
    child = load_helplines()["bornetelefonen"].display_phone()
    numbers_in_text = {n for n in ("112", child) if n and n in steps["text"]}
    assert "112" in numbers_in_text


def test_concern_shows_the_article_for_the_latest_topic_not_the_first(
    gateway: Gateway, redis_client: redis.Redis
) -> None:
    cid, token = _conversation_with_topics(gateway, redis_client, "nude-images,gaming,loneliness")
    events_of(send(gateway.url, cid, token, "jeg føler mig så ensom og trist hele tiden"))
    level = redis_client.hget(redis_keys.conversation(cid), "level")
    events = events_of(send(gateway.url, cid, token, "/ask_human"))
    assert level in ("none", "concern")
    (suggestion,) = _while_waiting(events)
    assert "steps" not in suggestion
    page = article_catalogue()[suggestion["article"]["id"]]
    assert page.topic == "loneliness" and page.lang == "da"
