"""The young person's side: create a conversation, send messages, live WebSocket, delete."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, WebSocket, WebSocketDisconnect, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator
from redis.exceptions import RedisError

from api import redis_keys
from api.client_address import SharedSalt
from api.copy import text as copy
from api.deps import AfterEventId, ConversationId, StateDep, YouthConversation, authenticate_youth, bearer_token
from api.routers import return_codes as return_code_routes
from api.services import conversations as convs
from api.services import ratelimit
from api.services.events import (
    Event,
    append_events,
    as_seen_by,
    publish_ephemeral,
    read_events,
    valid_event_id,
    youth_events,
)
from api.services.first_http_turn import is_warm_up
from api.services.messages import RateLimited, handle_youth_message, queue_event, storage_unavailable
from api.services.queue import QueueError
from api.services.queue_push import QueuePositionPusher
from api.services.returning import returning_fields
from api.services.socket_auth import CLOSE_UNAUTHENTICATED, read_auth_token, send_ready
from api.services.socket_slots import CLOSE_TOO_MANY_SOCKETS

MESSAGE_BUCKET_PREFIX = "msg:"
CONVERSATION_BUCKET_PREFIX = "conv:"
router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])
MAX_MESSAGE_CHARS = 2000
TYPING_INTERVAL_SECONDS = 1.5


class NewConversation(BaseModel):
    lang: Literal["da", "en"] = "da"
    # A return code (api/routers/return_codes.py): the new conversation is "returning" to the earlier one.
    return_code: str | None = Field(None, min_length=1, max_length=200)


class ConversationCreated(BaseModel):
    conversation_id: str
    token: str
    lang: str
    returning: bool = False


class YouthMessage(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description=f"1–{MAX_MESSAGE_CHARS} characters")
    client_msg_id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1, max_length=100)

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class EventsOut(BaseModel):
    events: list[dict[str, object]]


class LanguageChoice(BaseModel):
    lang: Literal["da", "en"]


def conversation_rate_bucket(hasher: SharedSalt, client_address: str) -> str:
    """The per-address rate bucket of new conversations (the address itself is never kept, only its HMAC)."""
    return CONVERSATION_BUCKET_PREFIX + hasher.hash(client_address)


@router.post("", response_model=ConversationCreated, response_model_exclude_defaults=True)  # "returning" only when true
async def create_conversation(
    request: Request, state: StateDep, body: NewConversation | None = None
) -> ConversationCreated:
    lang: str = body.lang if body else "da"
    client_ip = request.client.host if request.client else "unknown"
    bucket = conversation_rate_bucket(request.app.state.ip_hasher, client_ip)
    if not await ratelimit.hit(state.redis, bucket, state.settings.conversations_per_ip_hour, 3600):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many new conversations; try again later")
    ttl = state.settings.conversation_ttl_seconds
    fields: dict[str, str] = {}
    if body is not None and body.return_code is not None:
        earlier = await return_code_routes.redeem_for_source(request, state, body.return_code)
        fields, earlier_lang = await returning_fields(state.redis, earlier)
        lang = lang if "lang" in body.model_fields_set else earlier_lang  # the earlier chat's language by default
    # The gateway's own warm-up conversation (api/services/first_http_turn.py) is not counted in the day's chart.
    cid, token = await convs.create_conversation(state.redis, lang, ttl, count=not is_warm_up(request.scope))
    if fields:
        await convs.update_conversation(state.redis, cid, ttl, **fields)
    return ConversationCreated(conversation_id=cid, token=token, lang=lang, returning=bool(fields))


@router.post(
    "/{conversation_id}/messages",
    response_model=EventsOut,
    responses={503: {"description": "Storage briefly unavailable; urgent messages still get the safety text"}},
)
async def send_message(
    conversation_id: ConversationId, body: YouthMessage, state: StateDep, token: Annotated[str, Depends(bearer_token)]
) -> EventsOut | JSONResponse:
    try:
        conv = await authenticate_youth(state, conversation_id, token)
        if conv.mode == "ended":
            raise HTTPException(status.HTTP_409_CONFLICT, "this conversation has ended")
        if len(body.text) > state.settings.max_message_chars:  # LYT_MAX_MESSAGE_CHARS (at most MAX_MESSAGE_CHARS)
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_ENTITY, f"at most {state.settings.max_message_chars} characters"
            )
        events = await handle_youth_message(
            state, conv, body.text, body.client_msg_id, rate_bucket=MESSAGE_BUCKET_PREFIX + conv.cid
        )
    except RateLimited:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many messages; wait a moment") from None
    except RedisError:
        # Nothing could be stored, but the safety message is computed in-process and still shown.
        return storage_unavailable(state, body.text)
    return EventsOut(events=events)


QUEUE_ACTION_BUCKET_PREFIX = "queue:"


async def _limit_queue_actions(state: StateDep, cid: str) -> None:
    """/handoff and /leave-queue each append to the stream: LYT_QUEUE_ACTIONS_PER_MINUTE per chat, then 429."""
    limit = state.settings.queue_actions_per_minute
    if not await ratelimit.hit(state.redis, QUEUE_ACTION_BUCKET_PREFIX + cid, limit, 60):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many requests; wait a minute")


@router.post("/{conversation_id}/handoff", response_model=EventsOut)
async def ask_for_person(conv: YouthConversation, state: StateDep) -> EventsOut:
    await _limit_queue_actions(state, conv.cid)
    events = await handle_youth_message(state, conv, "/ask_human", uuid.uuid4().hex)
    return EventsOut(events=[e for e in events if e.get("from") != "user"])


@router.post("/{conversation_id}/leave-queue", response_model=EventsOut)
async def leave_queue(conv: YouthConversation, state: StateDep) -> EventsOut:
    await _limit_queue_actions(state, conv.cid)
    if conv.mode != "waiting":
        raise HTTPException(status.HTTP_409_CONFLICT, "not waiting in the queue")
    try:
        await state.queue.finish(conv.cid, "", "bot")
    except QueueError:
        raise HTTPException(status.HTTP_409_CONFLICT, "a counsellor has just picked up this chat") from None
    stored = await append_events(
        state.redis,
        conv.cid,
        [{"type": "system", "from": "system", "text": copy("left_queue", conv.lang)}],
        state.settings.conversation_ttl_seconds,
    )
    return EventsOut(events=stored)


@router.get("/{conversation_id}/queue", response_model=EventsOut)
async def queue_status(conv: YouthConversation, state: StateDep) -> EventsOut:
    return EventsOut(events=[await queue_event(state, conv.cid, conv.lang)])


@router.post("/{conversation_id}/lang", response_model=LanguageChoice)
async def switch_language(conv: YouthConversation, body: LanguageChoice, state: StateDep) -> LanguageChoice:
    await convs.update_conversation(state.redis, conv.cid, state.settings.conversation_ttl_seconds, lang=body.lang)
    return body


@router.get("/{conversation_id}/events", response_model=EventsOut)
async def list_events(conv: YouthConversation, state: StateDep, after: AfterEventId = None) -> EventsOut:
    if after is not None and not valid_event_id(after):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "after must be an event id")
    return EventsOut(events=youth_events(await read_events(state.redis, conv.cid, after)))


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_my_chat(conv: YouthConversation, state: StateDep) -> Response:
    """Delete my chat: erase the conversation everywhere, Rasa's tracker included."""
    if conv.mode == "human" and conv.counsellor:
        await state.redis.srem(redis_keys.counsellor_held(conv.counsellor), conv.cid)
        await state.redis.srem(redis_keys.counsellor_held_urgent(conv.counsellor), conv.cid)
    await state.redis.publish(redis_keys.conversation_channel(conv.cid), json.dumps({"type": "ended"}))
    await convs.delete_conversation(state.redis, conv.cid)
    await ratelimit.forget(state.redis, MESSAGE_BUCKET_PREFIX + conv.cid, 60)
    await ratelimit.forget(state.redis, QUEUE_ACTION_BUCKET_PREFIX + conv.cid, 60)
    await return_code_routes.forget(state, conv.cid)  # the code itself is erased with the conversation's keys
    await state.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.websocket("/{conversation_id}/ws")
async def youth_socket(
    websocket: WebSocket,
    conversation_id: str,
    after: Annotated[str | None, Query(max_length=40)] = None,
) -> None:
    """Live events of one conversation. First frame {"type": "auth", "token": ...} (api/services/socket_auth.py)."""
    state = websocket.app.state.lyt
    token = await read_auth_token(websocket)
    if token is None:
        return
    try:
        conv = await convs.authenticate(state.redis, conversation_id, token)
    except (convs.ConversationNotFound, convs.WrongToken):
        await websocket.close(code=CLOSE_UNAUTHENTICATED, reason="unknown conversation or wrong token")
        return
    if after is not None and not valid_event_id(after):
        await websocket.close(code=4422, reason="after must be an event id")
        return
    slots = websocket.app.state.socket_slots
    async with slots.slot(redis_keys.conversation_sockets(conv.cid), state.settings.max_sockets_per_chat) as held:
        if not held:  # LYT_MAX_SOCKETS_PER_CHAT open already (on any replica)
            await websocket.close(code=CLOSE_TOO_MANY_SOCKETS, reason="too many open connections for this chat")
            return
        await send_ready(websocket)
        await stream_events(websocket, state, conv.cid, after, sender="youth")


# Checked before every delivery to a counsellor's socket: None while access lasts, else the close code.
AccessCheck = Callable[[], Awaitable[int | None]]


async def stream_events(
    websocket: WebSocket,
    state: StateDep,
    cid: str,
    after: str | None,
    sender: str,
    access: AccessCheck | None = None,
    also_wake_on: tuple[str, ...] = (),
) -> None:
    """Send stored events after `after`, then live ones; accept typing signals and pings. With `access`, every
    wake-up (a new event, or a publish on one of `also_wake_on`) first re-checks it and closes when it fails."""
    hub = websocket.app.state.hub
    channel = redis_keys.conversation_channel(cid)
    wakeups = hub.subscribe(channel)
    for extra in also_wake_on:
        hub.subscribe(extra, wakeups)
    last_id = after
    settings = state.settings
    # Live queue positions (api/services/queue_push.py): a youth socket gets its current place after the
    # stored events, then every change, pushed into `wakeups` as an ephemeral event.
    live_safety = getattr(websocket.app.state, "live_safety", None)
    positions: QueuePositionPusher | None = live_safety.pusher if live_safety and sender == "youth" else None
    if positions is not None:
        await positions.watch(cid, wakeups)

    async def pump() -> None:
        nonlocal last_id
        read, backlog = True, True
        while True:
            for event in await read_events(state.redis, cid, last_id) if read else ():
                for shown in as_seen_by(sender, event):  # risk parts go to counsellors only
                    await websocket.send_json(shown)
                last_id = event["id"]
                if positions is not None and not backlog and event.get("type") == "queue":
                    positions.note_sent(cid, event)  # a stored queue event counts towards the 2 s window
            backlog = False
            payload = await wakeups.get()
            ephemeral: Event | None = json.loads(payload) if payload.startswith("{") else None
            if ephemeral is not None and ephemeral.get("type") == "ended":
                # Before the access check: the deletion erases the holder too, and "ended" carries no content.
                await websocket.send_json(ephemeral)
                await websocket.close(code=1000, reason="conversation ended")
                return
            if access is not None and (code := await access()) is not None:
                await websocket.close(code=code, reason="access to this conversation ended")
                return
            read = ephemeral is None  # an ephemeral event needs no stream read
            if ephemeral is not None and ephemeral.get("sender") != sender:
                ephemeral.pop("sender", None)
                await websocket.send_json(ephemeral)

    last_typing = 0.0

    async def receive() -> None:
        nonlocal last_typing
        while True:
            async with asyncio.timeout(settings.ws_idle_timeout_seconds):  # no extra task, as wait_for makes
                raw = await websocket.receive()
            if raw["type"] == "websocket.disconnect":
                return
            data = raw.get("text")
            if data is None:
                await websocket.close(code=1003, reason="text frames only")
                return
            if len(data) > settings.ws_max_frame_bytes:
                await websocket.close(code=1009, reason="frame too large")
                return
            try:
                frame = json.loads(data)
            except ValueError:
                await websocket.close(code=1007, reason="frames must be JSON")
                return
            if isinstance(frame, dict) and frame.get("type") == "typing":
                now = time.monotonic()
                if now - last_typing < TYPING_INTERVAL_SECONDS:
                    continue  # throttled: a flood of typing frames costs nothing
                last_typing = now
                await publish_ephemeral(
                    state.redis,
                    cid,
                    {"type": "typing", "from": "user" if sender == "youth" else "counsellor", "sender": sender},
                )
            elif isinstance(frame, dict) and frame.get("type") == "ping":
                await websocket.send_json({"type": "pong"})

    tasks = [asyncio.create_task(pump()), asyncio.create_task(receive())]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in done:
            exc = task.exception()
            if isinstance(exc, TimeoutError):
                with contextlib.suppress(Exception):
                    await websocket.close(code=1001, reason="idle timeout")
            elif exc is not None and not isinstance(exc, WebSocketDisconnect | RuntimeError):
                with contextlib.suppress(Exception):
                    await websocket.close(code=1011, reason="server error")
    finally:
        hub.unsubscribe(channel, wakeups)
        for extra in also_wake_on:
            hub.unsubscribe(extra, wakeups)
        if positions is not None:
            positions.unwatch(cid, wakeups)
        for task in tasks:
            task.cancel()
