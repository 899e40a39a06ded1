"""One youth message, end to end: idempotency, triage, scrubbing, mode routing, storage.

Triage never depends on Rasa. An urgent message gets the safety message and the top queue band in the
same request, whatever state Rasa is in.

Triage and Rasa run side by side: a message for the bot is sent to Rasa at once, while triage judges it in
a worker thread (the embedding model releases the GIL, so the event loop keeps serving other requests).
Nothing from Rasa is shown or acted on until the verdict is in; when it is urgent, Rasa's reply is
dropped and the young person gets the safety message and the queue instead. On two cores this takes the
triage time off the critical path of every bot answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from redis.asyncio.client import Pipeline

from api import redis_keys
from api.copy import text as copy
from api.services import conversations as convs
from api.services import ratelimit, risk_view, safety_question, waiting_room
from api.services.action_cards import remember_cards
from api.services.article_feedback import record_feedback
from api.services.articles import article_catalogue
from api.services.card_risk import MEETING_REASON, card_floor, floored, with_flow_floor
from api.services.emergency import keep_if_urgent
from api.services.events import (
    Event,
    add_publish,
    append_events,
    read_events,
    risk_event,
    system_event,
    youth_events,
)
from api.services.hours import is_open, next_opening
from api.services.pii import scrub_spans_off_loop
from api.services.query_vector import QueryVectorHandOver
from api.services.queue import QueueError, eta_text
from api.services.rasa_client import RasaUnavailable, interpret
from api.state import AppState
from knowledge.helplines import load_helplines
from knowledge.language import resolve_language

log = logging.getLogger("lyt.messages")
RECENT_CONTEXT = 4


class RateLimited(Exception):
    """Too many messages in this conversation for now; nothing was stored."""


async def handle_youth_message(
    state: AppState, conv: convs.Conversation, raw_text: str, client_msg_id: str, rate_bucket: str | None = None
) -> list[Event]:
    """Store, judge and answer one message. With `rate_bucket`, the message counts against the
    per-minute limit first and raises RateLimited beyond it."""
    redis, ttl = state.redis, state.settings.conversation_ttl_seconds
    idem_key = redis_keys.idempotency(conv.cid)
    async with redis.pipeline(transaction=False) as pipe:  # one round trip before the bot is asked
        pipe.hsetnx(idem_key, client_msg_id, "pending")
        pipe.expire(idem_key, ttl)
        pipe.lrange(redis_keys.recent_messages(conv.cid), 0, RECENT_CONTEXT - 1)
        rate = ratelimit.PendingHit(pipe, rate_bucket, state.settings.messages_per_minute, 60) if rate_bucket else None
        results = await pipe.execute()
    fresh, _, recent = results[:3]
    if rate is not None and not rate.within(results):
        if fresh:
            await redis.hdel(idem_key, client_msg_id)  # the same message may be sent again later
        raise RateLimited
    if not fresh:
        return await _replay(state, conv.cid, client_msg_id)

    lang = resolve_language(raw_text, conv.lang)  # type: ignore[arg-type]
    history = [_s(m) for m in recent]
    scrubbed = await scrub_spans_off_loop(raw_text)  # a worker thread for long text (over ~1 ms of CPU)
    stored_text = scrubbed.text  # scrubbed.map_span(): raw offsets (triage spans) -> offsets in stored_text
    command = raw_text.strip()
    rasa_call = None
    hand_over = None
    if conv.mode == "bot" and not _is_bot_command(command):
        hand_over = QueryVectorHandOver(redis, conv.cid, stored_text)
        rasa_call = asyncio.create_task(_ask_rasa(state, conv, stored_text, lang, hand_over.metadata))
    try:
        verdict = await state.judge(raw_text, list(reversed(history)), hand_over.sink if hand_over else None)
        # Context from a guided flow (issue 17): "soon" to the grooming meeting question -> at least concern.
        verdict = with_flow_floor(verdict, conv.card_question if conv.mode == "bot" else "", raw_text)
    except BaseException:
        _drop(rasa_call)
        raise
    finally:
        if hand_over is not None:
            await hand_over.finish()
    level = convs.higher_level(conv.level, verdict.level)

    user_event: Event = {"type": "message", "from": "user", "text": stored_text, "client_msg_id": client_msg_id}
    # Risk for counsellors: spans and quotes moved onto the stored text; live in human mode (events.py).
    raw_spans: list[tuple[int, int]] = list(getattr(verdict, "spans", None) or [])  # offsets into raw_text
    reasons = risk_view.mark_message(user_event, verdict.level, verdict.reasons, raw_spans, raw_text, scrubbed.map_span)
    situation: str | None = None
    meta: dict[str, str | int] = {}
    live_risk = conv.mode == "human" and (verdict.level == "urgent" or level != conv.level)
    if live_risk:
        user_event["risk"] = {"level": level, "reasons": reasons}
        meta["risk_raised_ms"] = int(time.time() * 1000)
    if verdict.level == "urgent":
        situation = meta["safety_situation"] = waiting_room.situation_of(raw_text, raw_spans)
    later: list[Callable[[Pipeline], object]] = []  # bookkeeping writes sent with the final pipeline
    replies: list[Event] = []
    became_urgent = verdict.level == "urgent"
    # The direct safety question (api/services/safety_question.py): is this message the answer to it?
    asked = await safety_question.read(redis, conv.cid) if conv.mode != "human" else None
    safety_answer = None
    if asked is not None and asked.pending and not command.startswith("/"):  # a button command is no answer
        safety_answer = await safety_question.answer(command, rasa_call if conv.mode == "bot" else None)
        later.append(safety_question.remember(conv.cid, f"answered:{safety_answer}", ttl))
        if safety_answer in ("yes", "unsure") and not became_urgent:  # urgent at once, as an urgent message
            became_urgent, level = True, "urgent"
            situation = meta["safety_situation"] = waiting_room.situation_of(" ".join(history[:2]) or raw_text, [])
            later.append(safety_question.log_urgent(conv.cid, safety_answer, ttl))
        level = convs.higher_level(level, "concern")  # a denial never lowers the level

    if became_urgent and conv.mode != "human":
        _drop(rasa_call)  # the bot's answer is never shown to someone at risk
        replies.append(system_event(_safety(lang)))
        replies.extend(await _handoff(state, conv, "urgent", lang, situation))
    elif conv.mode == "waiting":
        replies.extend(await _waiting_turn(state, conv, command, level, lang))
    elif conv.mode == "human":  # the counsellor reads the stream (and gets the risk event); the bot stays silent
        if became_urgent:
            replies.append(system_event(_safety(lang)))
    elif safety_answer is not None:  # "no", or words that say neither: a warm reply, a counsellor offered
        replies.extend(safety_question.continue_events(safety_answer, lang))
    elif kind := safety_question.kind_to_ask(  # ask before answering
        verdict, raw_text, conv.level, asked, answering_card=bool(conv.card_question) and conv.mode == "bot"
    ):
        asked_events, asker = await safety_question.ask(state.rasa, conv.cid, kind, lang, rasa_call)
        replies.extend(asked_events)
        later.append(safety_question.remember(conv.cid, f"pending:{kind}:{asker}", ttl))
    else:
        floors: list[str] = []
        replies.extend(await _bot_turn(state, conv, command, stored_text, level, lang, rasa_call, later, floors))
        if floors and verdict.level != "urgent":  # a grooming card chosen by a meeting soon, said up front
            verdict = floored(verdict, floors[0], MEETING_REASON)
            level, reasons = convs.higher_level(level, verdict.level), [*reasons, MEETING_REASON]
        offered = any(b.get("payload") == "/ask_human" for e in replies for b in e.get("buttons") or [])
        if verdict.level == "concern" and conv.level == "none" and conv.mode == "bot" and not offered:
            replies.append(system_event(copy("concern_offer", lang), [_person_button(lang)]))

    stored = await append_events(redis, conv.cid, [user_event, *replies], ttl, publish=False)
    async with redis.pipeline(transaction=False) as pipe:  # one round trip after the events are stored
        add_publish(pipe, conv.cid, stored)
        for write in later:
            write(pipe)
        pipe.hset(idem_key, client_msg_id, json.dumps([e["id"] for e in stored]))
        if hand_over is not None:  # the turn is over: an embedding nobody took goes now, not in 10 s
            pipe.delete(hand_over.key)
        pipe.lpush(redis_keys.recent_messages(conv.cid), stored_text)
        pipe.ltrim(redis_keys.recent_messages(conv.cid), 0, RECENT_CONTEXT - 1)
        if verdict.level != "none":
            pipe.rpush(
                redis_keys.triage_log(conv.cid),
                json.dumps({"level": verdict.level, "score": round(verdict.score, 3), "reasons": reasons}),
            )
        convs.add_conversation_update(pipe, conv.cid, ttl, lang=lang, level=level, **meta)
        if live_risk and conv.counsellor and (risk := risk_event(stored[0])) is not None:
            risk["conversation_id"] = conv.cid  # to every dashboard socket of the holder, on any replica
            pipe.publish(redis_keys.counsellor_channel(conv.counsellor), json.dumps(risk, ensure_ascii=False))
        if level != conv.level or live_risk:
            pipe.publish(redis_keys.DASHBOARD_CHANNEL, "risk")
        await pipe.execute()
    await keep_if_urgent(state, conv.cid, level, scrubbed.found)  # emergency details, encrypted, <= 24 h
    # "Delete my chat" during this turn: whatever the writes above recreated is erased again (tombstone).
    if await convs.erase_if_deleted(redis, conv.cid, *([hand_over.key] if hand_over else [])):
        return []
    return youth_events(stored)


def add_gap(pipe: Pipeline, cid: str, gap: str, ttl: int) -> None:
    """One unanswered (scrubbed) question for curators, expiring on its own after `ttl` seconds; listed
    under the conversation too, so that "delete my chat" removes it."""
    now_ms = int(time.time() * 1000)
    member = f"{now_ms}:{secrets.token_hex(4)}:{gap}"
    pipe.zadd(redis_keys.KB_GAPS, {member: now_ms})
    pipe.zremrangebyscore(redis_keys.KB_GAPS, "-inf", now_ms - ttl * 1000)
    pipe.zremrangebyrank(redis_keys.KB_GAPS, 0, -redis_keys.KB_GAPS_MAX - 1)
    pipe.expire(redis_keys.KB_GAPS, ttl)
    pipe.rpush(redis_keys.conversation_gaps(cid), member)
    pipe.expire(redis_keys.conversation_gaps(cid), ttl)


async def _replay(state: AppState, cid: str, client_msg_id: str) -> list[Event]:
    """The same client_msg_id again: return what was stored the first time, store nothing new."""
    stored = _s(await state.redis.hget(redis_keys.idempotency(cid), client_msg_id) or "[]")
    if stored == "pending":
        return []
    ids = set(json.loads(stored))
    if not ids:
        return []
    first = min(ids, key=lambda i: tuple(int(p) for p in i.split("-")))
    left, _, right = first.partition("-")
    before = f"{left}-{int(right) - 1}" if int(right) > 0 else f"{int(left) - 1}-18446744073709551615"
    events = await read_events(state.redis, cid, after=before, count=len(ids) + 50)
    return youth_events([e for e in events if e["id"] in ids])


def _drop(task: asyncio.Task[Any] | None) -> None:
    """Cancel a Rasa call whose answer will not be used (and never log its error as unretrieved)."""
    if task is not None:
        task.cancel()
        task.add_done_callback(lambda done: done.cancelled() or done.exception())


def _is_bot_command(command: str) -> bool:
    """Buttons the gateway answers itself, without Rasa."""
    return command in ("/ask_human", "/handoff") or command.startswith("/feedback")


async def _ask_rasa(
    state: AppState, conv: convs.Conversation, stored_text: str, lang: str, metadata: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    if (conv.rasa_lang or "da") != lang:  # the bot starts in Danish
        await state.rasa.set_language(conv.cid, lang)
        await state.redis.hset(redis_keys.conversation(conv.cid), "rasa_lang", lang)
    return await state.rasa.send(conv.cid, stored_text, metadata)


async def _bot_turn(
    state: AppState,
    conv: convs.Conversation,
    command: str,
    stored_text: str,
    level: str,
    lang: str,
    rasa_call: asyncio.Task[list[dict[str, Any]]] | None = None,
    later: list[Callable[[Pipeline], object]] | None = None,
    floors: list[str] | None = None,
) -> list[Event]:
    """The bot's answer. Bookkeeping writes go to `later`: the caller sends them with its own. A risk floor
    the answer implies (a grooming meeting soon, api/services/card_risk.py) is added to `floors`."""
    later = [] if later is None else later
    if command in ("/ask_human", "/handoff"):
        return await _handoff(state, conv, level, lang)
    if command.startswith("/feedback"):
        return await record_feedback(state, command, lang)
    try:
        responses = await (rasa_call or _ask_rasa(state, conv, stored_text, lang))
    except RasaUnavailable as exc:
        log.warning("rasa unavailable: %s", type(exc).__name__)
        return [system_event(copy("bot_unavailable", lang), [_person_button(lang)])]
    reply = interpret(responses)
    events = list(reply.events)
    if reply.article:
        title = reply.article["title"]
        later.append(lambda pipe: pipe.rpush(redis_keys.answered_articles(conv.cid), title))
        page = article_catalogue().get(reply.article["id"])
        if page and conv.topics.split(",")[-1] != page.topic:  # the latest topic last, even when it came before
            conv.topics = waiting_room.with_latest_topic(conv.topics, page.topic)
            topics = conv.topics
            later.append(lambda pipe: pipe.hset(redis_keys.conversation(conv.cid), "topics", topics))
    if reply.cards:  # issue 17: the handover summary lists the cards shown and the answers
        cards, card_ttl = reply.cards, state.settings.conversation_ttl_seconds
        later.append(lambda pipe: remember_cards(pipe, conv.cid, cards, card_ttl))
        if floors is not None and (floor := card_floor(cards)):
            floors.append(floor)
    if reply.card_question or conv.card_question:  # the flow question the next message answers, if any
        question, key = reply.card_question, redis_keys.conversation(conv.cid)
        later.append(
            lambda pipe: pipe.hset(key, "card_question", question) if question else pipe.hdel(key, "card_question")
        )
    if reply.gap_kind:
        gap = stored_text.strip().lower()[:300]
        ttl = state.settings.conversation_ttl_seconds
        later.append(lambda pipe: add_gap(pipe, conv.cid, gap, ttl))
    if reply.offer_handoff:
        events.append(system_event(copy("talk_to_person", lang), [_person_button(lang)]))
    if reply.handoff_reason:
        events.extend(await _handoff(state, conv, level, lang))
    return events


async def _waiting_turn(state: AppState, conv: convs.Conversation, command: str, level: str, lang: str) -> list[Event]:
    if command in ("/leave_queue", "/bot"):
        try:
            await state.queue.finish(conv.cid, "", "bot")
        except QueueError:
            return []  # a counsellor picked the chat up a moment ago; "counsellor_joined" is in the stream
        return [system_event(copy("left_queue", lang))]
    if convs.level_rank(level) > convs.level_rank(conv.level):
        await state.queue.enqueue(conv.cid, level)  # band rises at once while waiting
    event = await queue_event(state, conv.cid, lang)
    if "position" not in event and await _now_with_counsellor(state, conv.cid):
        return []  # claimed while this message was on its way: the counsellor reads it
    return [event]


async def _now_with_counsellor(state: AppState, cid: str) -> bool:
    return _s(await state.redis.hget(redis_keys.conversation(cid), "mode") or "") == "human"


async def _handoff(
    state: AppState, conv: convs.Conversation, level: str, lang: str, situation: str | None = None
) -> list[Event]:
    """Enqueue (or promote) and tell the young person honestly where they stand. `situation`: the safety
    steps for an urgent message (knowledge/safety_steps.yml)."""
    status, _ = await state.queue.enqueue(conv.cid, level)
    events: list[Event] = []
    if status == "held":
        return events
    if not is_open(state.opening_hours):
        await state.redis.publish(redis_keys.DASHBOARD_CHANNEL, f"alert:out_of_hours:{level}")
        child = load_helplines()["bornetelefonen"]
        events.append(
            system_event(
                copy(
                    "closed_hours",
                    lang,
                    opening=next_opening(state.opening_hours, lang),
                    child_line=f"{child.name.get(lang, child.name['da'])} ({child.display_phone()})",
                )
            )
        )
    if status == "queued":
        events.append(system_event(copy("queued", lang), _queue_buttons(lang)))
    events.append(await queue_event(state, conv.cid, lang))
    if status == "queued" or (status == "promoted" and level == "urgent"):
        events.extend(await _while_waiting(state, conv, lang, level, situation))
    return events


async def _while_waiting(
    state: AppState, conv: convs.Conversation, lang: str, level: str, situation: str | None
) -> list[Event]:
    """Urgent: safety steps for what they said (never an article). Otherwise the latest topic's article."""
    if level == "urgent" and situation is None:  # e.g. "talk to a person" in a conversation urgent before
        situation = _s(await state.redis.hget(redis_keys.conversation(conv.cid), "safety_situation") or "") or None
    return waiting_room.while_waiting(conv.topics, lang, level, situation)


async def queue_event(state: AppState, cid: str, lang: str) -> Event:
    status = await state.queue.status(cid)
    if status is None:
        return {"type": "queue", "from": "system", "text": copy("left_queue", lang)}
    return {
        "type": "queue",
        "from": "system",
        "position": status.position,
        "eta_seconds": status.eta_seconds,
        "eta_text": eta_text(status.eta_seconds, lang),
        "text": f"{copy('queue_position', lang, position=status.position)} {eta_text(status.eta_seconds, lang)}",
    }


def storage_unavailable(state: AppState, raw_text: str) -> JSONResponse:
    """503 when Redis is unreachable; urgent and concern messages still get the safety text."""
    lang = resolve_language(raw_text, "da")
    body: dict[str, Any] = {"detail": copy("storage_down", lang), "events": []}
    try:
        level = state.triage.judge(raw_text, []).level
    except Exception:  # noqa: BLE001 - never let a triage fault hide the 503
        level = "urgent"
    if level in ("urgent", "concern"):
        body["safety"] = _safety(lang)
        body["events"] = [system_event(body["safety"])]
    return JSONResponse(body, status_code=503)


def _safety(lang: str) -> str:
    from knowledge.helplines import safety_message

    return safety_message(lang)


def _person_button(lang: str) -> dict[str, str]:
    return {"title": copy("talk_to_person", lang), "payload": "/ask_human"}


def _queue_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": copy("leave_queue", lang), "payload": "/leave_queue"}]


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
