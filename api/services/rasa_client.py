"""Talk to the Rasa server over its REST channel and turn its responses into gateway events.

Custom payloads Rasa may send (documented in docs/ARCHITECTURE.md):
  {"lyt": "handoff", "reason": str}                           the gateway enqueues the conversation
  {"lyt": "handoff_offer"}                                    the gateway adds "talk to a person" buttons
  {"lyt": "article", "article": {id,title,url}, "text", "buttons"}   an answer with an article card
  {"lyt": "clarify" | "decline", "text", "buttons"}           recorded as a content gap, then shown
  {"lyt": "action_card", "flow", "card": {...}, "answers"}      an action_card event (api/services/action_cards.py)
  {"lyt": "card_question", "flow", "slot"}                      the flow question just asked (api/services/card_risk.py)
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from api.services.action_cards import card_answers, card_event
from api.services.card_risk import question_of
from api.services.events import Event, bot_event
from knowledge.helplines import load_helplines


class RasaUnavailable(Exception):
    pass


@dataclass
class RasaReply:
    events: list[Event] = field(default_factory=list)
    handoff_reason: str | None = None
    offer_handoff: bool = False
    gap_kind: str | None = None  # "clarify" | "decline" when the bot could not answer
    article: dict[str, str] | None = None
    # (flow, the action_card event, the answers that chose its steps) for each card shown
    cards: list[tuple[str, Event, dict[str, str]]] = field(default_factory=list)
    # "flow:slot" when the bot just asked a guided flow's question the gateway reads as context (card_risk.py)
    card_question: str | None = None


class RasaClient:
    """`max_in_flight` bounds the requests open to Rasa at once; more wait their turn in order.

    Rasa is one asyncio process: given 32 messages at once it interleaves them, and each takes as long as
    all 32. Bounded and in order, each waits for the ones ahead of it and then gets the CPU: the same
    throughput, and a p95 close to the mean (docs/PERFORMANCE.md). A wait counts against the timeout.

    aiohttp, not httpx: measured here, a small JSON POST costs 0.13 ms in aiohttp and 0.5 ms in httpx
    (docs/PERFORMANCE.md). Connections are kept for `KEEPALIVE_SECONDS`, less than Rasa's (Sanic's) 5 s,
    so a kept connection is not reused just as Rasa closes it; a request that finds its connection closed
    by Rasa is sent once more, on a new one. The session is created on first use, in the running loop."""

    KEEPALIVE_SECONDS = 2.0

    def __init__(self, base_url: str, timeout_seconds: float, max_in_flight: int = 4) -> None:
        self._base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None
        self._timeout = timeout_seconds
        self._slots = asyncio.Semaphore(max_in_flight)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=64, keepalive_timeout=self.KEEPALIVE_SECONDS),
                timeout=aiohttp.ClientTimeout(total=self._timeout, connect=min(2.0, self._timeout)),
                json_serialize=lambda data: json.dumps(data, ensure_ascii=False),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _post(self, payload: dict[str, Any]) -> Any:
        try:
            return await self._post_once(payload)
        except aiohttp.ServerDisconnectedError:  # a kept connection Rasa had just closed: once more
            return await self._post_once(payload)

    async def _post_once(self, payload: dict[str, Any]) -> Any:
        async with self._client().post(self._base_url + "/webhooks/rest/webhook", json=payload) as response:
            response.raise_for_status()
            return await response.json(content_type=None)

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        try:
            async with asyncio.timeout(self._timeout):
                async with self._slots:
                    data = await self._post(payload)
        except TimeoutError as exc:
            raise RasaUnavailable("no answer from Rasa in time") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected response from Rasa")
        return [item for item in data if isinstance(item, dict)]

    async def set_language(self, sender: str, lang: str) -> None:
        await self.send(sender, '/set_lang{"lang": "' + lang + '"}')

    async def ready(self) -> bool:
        try:
            async with self._client().get(self._base_url + "/status", timeout=aiohttp.ClientTimeout(total=1.0)) as r:
                return r.status == 200 and bool((await r.json(content_type=None)).get("model_id"))
        except (aiohttp.ClientError, TimeoutError, ValueError):
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
    elif kind == "action_card":
        event = card_event(custom.get("card"), load_helplines())
        if event is not None:
            reply.cards.append((str(custom.get("flow") or ""), event, card_answers(custom.get("answers"))))
            reply.events.append(event)
    elif kind == "card_question":
        reply.card_question = question_of(custom)
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
