"""A young person's "was this helpful?" on an article card: one aggregate count per article id and answer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from api import redis_keys
from api.copy import text as copy
from api.services.articles import article_catalogue
from api.services.events import Event, bot_event

if TYPE_CHECKING:
    from api.state import AppState


async def record_feedback(state: AppState, command: str, lang: str) -> list[Event]:
    """`/feedback{"article": id, "helpful": "yes"|"no"}`: counted only for a known article id, never for text the
    young person typed; the reply thanks them either way."""
    try:
        data: dict[str, Any] = json.loads(command[len("/feedback") :] or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    article = str(data.get("article", ""))
    helpful = "yes" if str(data.get("helpful", "")).lower() in ("yes", "ja", "true", "1") else "no"
    if article in article_catalogue():
        async with state.redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(redis_keys.KB_FEEDBACK, f"{article}:{helpful}", 1)
            pipe.expire(redis_keys.KB_FEEDBACK, state.settings.conversation_ttl_seconds)
            await pipe.execute()
    return [bot_event(copy("feedback_thanks", lang))]
