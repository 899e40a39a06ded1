"""Talk to the Rasa server over its REST channel and turn its responses into gateway events.

Custom payloads Rasa may send (documented in docs/ARCHITECTURE.md):
  {"lyt": "handoff", "reason": str}                           the gateway enqueues the conversation
  {"lyt": "handoff_offer"}                                    the gateway adds "talk to a person" buttons
  {"lyt": "article", "article": {id,title,url}, "text", "buttons"}   an answer with an article card
  {"lyt": "clarify" | "decline", "text", "buttons"}           recorded as a content gap, then shown
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.services.events import Event, bot_event


class RasaUnavailable(Exception):
    pass


@dataclass
class RasaReply:
    events: list[Event] = field(default_factory=list)
    handoff_reason: str | None = None
    offer_handoff: bool = False
    gap_kind: str | None = None  # "clarify" | "decline" when the bot could not answer
    article: dict[str, str] | None = None


class RasaClient:
    """`max_in_flight` bounds the requests open to Rasa at once; more wait their turn in order.

    Rasa is one asyncio process: given 32 messages at once it interleaves them, and each takes as long as
    all 32. Bounded and in order, each waits for the ones ahead of it and then gets the CPU: the same
    throughput, and a p95 close to the mean (docs/PERFORMANCE.md). A wait counts against the timeout."""

    def __init__(self, base_url: str, timeout_seconds: float, max_in_flight: int = 4) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=min(2.0, timeout_seconds)),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._timeout = timeout_seconds
        self._slots = asyncio.Semaphore(max_in_flight)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        try:
            async with asyncio.timeout(self._timeout):
                async with self._slots:
                    response = await self._client.post(
                        "/webhooks/rest/webhook", json={"sender": sender, "message": text}
                    )
            response.raise_for_status()
            data = response.json()
        except TimeoutError as exc:
            raise RasaUnavailable("no answer from Rasa in time") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected response from Rasa")
        return [item for item in data if isinstance(item, dict)]

    async def set_language(self, sender: str, lang: str) -> None:
        await self.send(sender, '/set_lang{"lang": "' + lang + '"}')

    async def ready(self) -> bool:
        try:
            response = await self._client.get("/status", timeout=1.0)
            return response.status_code == 200 and bool(response.json().get("model_id"))
        except (httpx.HTTPError, ValueError):
            return False


def interpret(responses: list[dict[str, Any]]) -> RasaReply:
    """Map Rasa REST responses to events and gateway actions."""
    reply = RasaReply()
    for item in responses:
        custom = item.get("custom")
        if isinstance(custom, dict) and "lyt" in custom:
            _apply_custom(reply, custom, item.get("text"))
            continue
        text = item.get("text")
        buttons = _buttons(item.get("buttons"))
        if text or buttons:
            reply.events.append(bot_event(text, buttons))
    return reply


def _apply_custom(reply: RasaReply, custom: dict[str, Any], text: Any) -> None:
    kind = custom.get("lyt")
    body = custom.get("text") or (text if isinstance(text, str) else None)
    buttons = _buttons(custom.get("buttons"))
    if kind == "handoff":
        reply.handoff_reason = str(custom.get("reason") or "user_request")
        if body:
            reply.events.append(bot_event(body, buttons))
    elif kind == "handoff_offer":
        reply.offer_handoff = True
        if body:
            reply.events.append(bot_event(body, buttons))
    elif kind == "article":
        article = custom.get("article")
        card = None
        if isinstance(article, dict) and {"id", "title", "url"} <= article.keys():
            card = {k: str(article[k]) for k in ("id", "title", "url")}
            reply.article = card
        reply.events.append(bot_event(body, buttons, card))
    elif kind in ("clarify", "decline"):
        reply.gap_kind = str(kind)
        reply.events.append(bot_event(body, buttons))
    elif body or buttons:
        reply.events.append(bot_event(body, buttons))


def _buttons(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(b["title"]), "payload": str(b["payload"])}
        for b in raw
        if isinstance(b, dict) and "title" in b and "payload" in b
    ]
