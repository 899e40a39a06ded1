"""The counsellor's side: queue, claim, live chat, notes, release, transfer, close, supervisor view."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, WebSocket, status
from pydantic import BaseModel, Field

from api import redis_keys
from api.copy import text as copy
from api.deps import AfterEventId, ConversationId, CounsellorDep, StateDep, SupervisorDep
from api.routers.conversations import stream_events
from api.services import conversations as convs
from api.services import reviews
from api.services.accounts import authenticate_counsellor, still_authorised
from api.services.alerts import reference_key
from api.services.auth import Counsellor
from api.services.dashboard import handover_summary, queue_summaries, record_day_stat, supervisor_overview
from api.services.events import append_events, for_counsellor, read_events, valid_event_id
from api.services.pii import scrub
from api.services.queue import QueueError, now_ms
from api.services.socket_auth import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, read_auth_token, send_ready
from api.services.socket_slots import CLOSE_TOO_MANY_SOCKETS, SocketSlot
from api.state import AppState

router = APIRouter(prefix="/api/v1", tags=["counsellors"])
Outcome = Literal["helped", "referred", "emergency_services", "no_reply", "not_relevant", "other"]


class CounsellorMessage(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class CloseRequest(BaseModel):
    outcome: Outcome
    note: str = Field(default="", max_length=2000)


class TransferRequest(BaseModel):
    to: str = Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9._-]{2,40}$")  # accounts.NAME_RE
    note: str = Field(default="", max_length=2000)


class NoteRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class RiskChange(BaseModel):
    level: Literal["none", "concern", "urgent"]
    note: str = Field(min_length=1, max_length=500)
    reason: reviews.ReviewReason = "other"  # the correction's category for the review item (api/services/reviews.py)
    event_id: str | None = Field(None, max_length=40, pattern=r"^[0-9]{1,20}-[0-9]{1,20}$")  # the message it is about


async def _held(state: AppState, cid: str, who: Counsellor, allow_supervisor: bool = True) -> convs.Conversation:
    try:
        conv = await convs.load_conversation(state.redis, cid)
    except convs.ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown conversation") from None
    if conv.counsellor == who.name or (allow_supervisor and who.is_supervisor):
        return conv
    raise HTTPException(status.HTTP_403_FORBIDDEN, "you do not hold this conversation")


async def _heartbeat(state: AppState, who: Counsellor) -> None:
    await state.redis.zadd(redis_keys.COUNSELLORS_ONLINE, {who.name: now_ms()})


@router.get("/queue")
async def list_queue(state: StateDep, who: CounsellorDep) -> list[dict[str, Any]]:
    await _heartbeat(state, who)
    return await queue_summaries(state.redis, reference_key(state.settings.jwt_secret))


@router.post("/queue/{conversation_id}/claim")
async def claim(conversation_id: ConversationId, state: StateDep, who: CounsellorDep) -> dict[str, Any]:
    await _heartbeat(state, who)
    try:
        waited_ms = await state.queue.claim(conversation_id, who.name)
    except QueueError as exc:
        detail = {
            "not_waiting": "already claimed or no longer waiting",
            "reserved": "offered to the counsellor this young person is returning to, for a moment",
        }.get(exc.reason, f"over your {exc.reason.replace('_', ' ')}")
        raise HTTPException(status.HTTP_409_CONFLICT, {"reason": exc.reason, "message": detail}) from None
    conv = await convs.load_conversation(state.redis, conversation_id)
    band = (await state.redis.hget(redis_keys.conversation(conversation_id), "band")) or "2"
    await record_day_stat(state.redis, f"wait:{band}:{time.strftime('%H')}:sum", waited_ms / 1000)
    await record_day_stat(state.redis, f"wait:{band}:{time.strftime('%H')}:n")
    await append_events(
        state.redis,
        conversation_id,
        [{"type": "system", "from": "system", "text": copy("counsellor_joined", conv.lang)}],
        state.settings.conversation_ttl_seconds,
    )
    return await handover_summary(state.redis, conversation_id)


@router.get("/counsellor/conversations")
async def my_conversations(state: StateDep, who: CounsellorDep) -> list[dict[str, Any]]:
    await _heartbeat(state, who)
    cids = sorted(await state.redis.smembers(redis_keys.counsellor_held(who.name)))
    return [await handover_summary(state.redis, cid) for cid in cids]


@router.get("/counsellor/conversations/{conversation_id}")
async def conversation_detail(
    conversation_id: ConversationId,
    state: StateDep,
    who: CounsellorDep,
    after: AfterEventId = None,
) -> dict[str, Any]:
    await _held(state, conversation_id, who)
    summary = await handover_summary(state.redis, conversation_id)
    if after is not None and not valid_event_id(after):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "after must be an event id")
    summary["events"] = for_counsellor(await read_events(state.redis, conversation_id, after))
    summary["review_marks"] = await reviews.message_marks(state.redis, conversation_id)  # issue 18: after reload
    return summary


@router.post("/counsellor/conversations/{conversation_id}/messages")
async def counsellor_message(
    conversation_id: ConversationId, body: CounsellorMessage, state: StateDep, who: CounsellorDep
) -> dict[str, Any]:
    conv = await _held(state, conversation_id, who, allow_supervisor=False)
    if conv.mode != "human":
        raise HTTPException(status.HTTP_409_CONFLICT, "the conversation is not in a live chat")
    await state.queue.renew_lease(conversation_id)
    stored = await append_events(
        state.redis,
        conversation_id,
        [{"type": "message", "from": "counsellor", "text": scrub(body.text)}],
        state.settings.conversation_ttl_seconds,
    )
    await convs.update_conversation(state.redis, conversation_id, state.settings.conversation_ttl_seconds)
    return {"events": stored}


@router.post("/counsellor/conversations/{conversation_id}/release")
async def release(conversation_id: ConversationId, state: StateDep, who: CounsellorDep) -> dict[str, str]:
    conv = await _held(state, conversation_id, who, allow_supervisor=False)
    try:
        await state.queue.release(conversation_id, who.name)
    except QueueError:
        raise HTTPException(status.HTTP_409_CONFLICT, "not held by you") from None
    await append_events(
        state.redis,
        conversation_id,
        [{"type": "system", "from": "system", "text": copy("released", conv.lang)}],
        state.settings.conversation_ttl_seconds,
    )
    return {"status": "released"}


@router.post("/counsellor/conversations/{conversation_id}/transfer")
async def transfer(
    conversation_id: ConversationId, body: TransferRequest, state: StateDep, who: CounsellorDep
) -> dict[str, str]:
    await _held(state, conversation_id, who, allow_supervisor=False)
    account = await state.redis.hmget(redis_keys.counsellor(body.to), "password_hash", "disabled")
    if not account[0] or account[1] == "1":  # only an existing, enabled account takes a chat
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such counsellor")
    try:
        await state.queue.transfer(conversation_id, who.name, body.to)
    except QueueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, {"reason": exc.reason}) from None
    if body.note:
        await _add_note(state, conversation_id, who, body.note)
    return {"status": "transferred", "to": body.to}


@router.post("/counsellor/conversations/{conversation_id}/close")
async def close(
    conversation_id: ConversationId, body: CloseRequest, state: StateDep, who: CounsellorDep
) -> dict[str, str]:
    conv = await _held(state, conversation_id, who, allow_supervisor=False)
    try:
        await state.queue.finish(conversation_id, who.name, "bot")
    except QueueError:
        raise HTTPException(status.HTTP_409_CONFLICT, "not held by you") from None
    await _add_note(state, conversation_id, who, f"[{body.outcome}] {body.note}".strip())
    await record_day_stat(state.redis, f"outcome:{body.outcome}")
    # last_counsellor: a return code for this chat leads back to whoever closed it (api/services/returning.py).
    await state.redis.hset(
        redis_keys.conversation(conversation_id), mapping={"outcome": body.outcome, "last_counsellor": who.name}
    )
    await append_events(
        state.redis,
        conversation_id,
        # offer: the widget offers a return code here (api/static/widget/return_code.js)
        [{"type": "system", "from": "system", "text": copy("counsellor_left", conv.lang), "offer": "return_code"}],
        state.settings.conversation_ttl_seconds,
    )
    return {"status": "closed", "outcome": body.outcome}


async def _add_note(state: AppState, cid: str, who: Counsellor, text: str) -> None:
    note = json.dumps({"by": who.name, "at_ms": now_ms(), "text": scrub(text)}, ensure_ascii=False)
    await state.redis.rpush(redis_keys.notes(cid), note)
    await state.redis.expire(redis_keys.notes(cid), state.settings.conversation_ttl_seconds)


@router.post("/counsellor/conversations/{conversation_id}/notes")
async def add_note(
    conversation_id: ConversationId, body: NoteRequest, state: StateDep, who: CounsellorDep
) -> dict[str, str]:
    await _held(state, conversation_id, who)
    await _add_note(state, conversation_id, who, body.text)
    return {"status": "saved"}


@router.post("/counsellor/conversations/{conversation_id}/risk")
async def change_risk(
    conversation_id: ConversationId, body: RiskChange, state: StateDep, who: CounsellorDep
) -> dict[str, str]:
    """Only a counsellor may lower the risk level; the change is recorded with who, when and why. A raise or a
    lowering is also a correction of triage: counted for the week and kept for curators as a review item about
    `event_id` (or the youth message it is most likely about; api/services/reviews.py)."""
    conv = await _held(state, conversation_id, who)
    event = None
    if body.event_id is not None:
        event = await reviews.youth_message(state.redis, conversation_id, body.event_id)
        if event is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no youth message with this id in the chat")
    changes = json.loads((await state.redis.hget(redis_keys.conversation(conversation_id), "risk_changes")) or "[]")
    changes.append({"by": who.name, "at_ms": now_ms(), "from": conv.level, "to": body.level, "note": scrub(body.note)})
    await convs.update_conversation(
        state.redis,
        conversation_id,
        state.settings.conversation_ttl_seconds,
        level=body.level,
        risk_changes=json.dumps(changes, ensure_ascii=False),
    )
    await state.redis.publish(redis_keys.DASHBOARD_CHANNEL, "risk")
    if body.level != conv.level:
        if event is None:
            event = await reviews.message_for_change(state.redis, conversation_id, conv.level, body.level)
        await reviews.record(
            state.redis,
            kind="raised" if reviews.RANK[body.level] > reviews.RANK[conv.level] else "lowered",
            reason=body.reason,
            level=body.level,
            triage_level=reviews.triage_level_of(event) if event else "none",
            text=str(event.get("text", "")) if event else "",
            lang=conv.lang,
        )
    return {"status": "changed", "level": body.level}


@router.get("/supervisor/overview")
async def overview(state: StateDep, who: SupervisorDep) -> dict[str, Any]:
    await _heartbeat(state, who)
    return await supervisor_overview(
        state.redis, state.queue, state.settings.urgent_wait_alert_seconds, reference_key(state.settings.jwt_secret)
    )


async def _socket_counsellor(websocket: WebSocket, state: AppState) -> Counsellor | None:
    """First-frame authentication (api/services/socket_auth.py) and the account check; None when closed."""
    token = await read_auth_token(websocket)
    if token is None:
        return None
    who = await authenticate_counsellor(state.redis, state.settings, token)
    if who is None:
        await websocket.close(code=CLOSE_UNAUTHENTICATED, reason="invalid or expired token")
    return who


@router.websocket("/counsellor/ws")
async def dashboard_socket(websocket: WebSocket) -> None:
    """Pushes the queue (and, for supervisors, the overview) whenever it changes. Closes with 4401 as soon as the
    token expires or the account is disabled (checked before every push; a revoke publish wakes it at once)."""
    state: AppState = websocket.app.state.lyt
    who = await _socket_counsellor(websocket, state)
    if who is None:
        return
    slot = await _socket_slot(websocket, state, who)
    if slot is None:
        return
    await send_ready(websocket)
    hub = websocket.app.state.hub
    wakeups = hub.subscribe(redis_keys.DASHBOARD_CHANNEL)
    personal = hub.subscribe(redis_keys.counsellor_channel(who.name), wakeups)  # risk events for chats held
    revoke = redis_keys.counsellor_revoke_channel(who.name)
    hub.subscribe(revoke, wakeups)
    try:
        while True:
            if not await still_authorised(state.redis, who):
                await websocket.close(code=CLOSE_UNAUTHENTICATED, reason="token expired or account disabled")
                return
            await _heartbeat(state, who)
            for cid in await state.redis.smembers(redis_keys.counsellor_held(who.name)):
                await state.queue.renew_lease(cid)
            refs = reference_key(state.settings.jwt_secret)
            payload: dict[str, Any] = {"type": "queue", "queue": await queue_summaries(state.redis, refs)}
            payload["held"] = sorted(await state.redis.smembers(redis_keys.counsellor_held(who.name)))
            if who.is_supervisor:
                payload["overview"] = await supervisor_overview(
                    state.redis, state.queue, state.settings.urgent_wait_alert_seconds, refs
                )
            await websocket.send_json(payload)
            try:
                signal = await asyncio.wait_for(wakeups.get(), timeout=5.0)
                while signal.startswith("{"):  # a risk event: sent as is, without waiting for a queue push
                    if not await still_authorised(state.redis, who):
                        break
                    await websocket.send_json(json.loads(signal))
                    signal = await asyncio.wait_for(wakeups.get(), timeout=5.0)
            except TimeoutError:
                pass
    except Exception:  # noqa: BLE001 - the client went away
        return
    finally:
        await slot.release()
        hub.unsubscribe(redis_keys.DASHBOARD_CHANNEL, wakeups)
        hub.unsubscribe(redis_keys.counsellor_channel(who.name), personal)
        hub.unsubscribe(revoke, wakeups)


@router.websocket("/counsellor/conversations/{conversation_id}/ws")
async def counsellor_chat_socket(
    websocket: WebSocket,
    conversation_id: str,
    after: Annotated[str | None, Query(max_length=40)] = None,
) -> None:
    """One conversation's live events for the counsellor holding it (or a supervisor). Before every delivery the
    holder and the account are checked again (one HGET, one HMGET): after a transfer, release, close or lease
    expiry the former holder's socket closes with 4403, after token expiry or disable with 4401, on every
    replica (queue changes and revokes are published to all)."""
    state: AppState = websocket.app.state.lyt
    who = await _socket_counsellor(websocket, state)
    if who is None:
        return
    try:
        await _held(state, conversation_id, who)
    except HTTPException:
        await websocket.close(code=CLOSE_FORBIDDEN, reason="you do not hold this conversation")
        return
    if after is not None and not valid_event_id(after):
        await websocket.close(code=4422, reason="after must be an event id")
        return

    async def access() -> int | None:
        if not await still_authorised(state.redis, who):
            return CLOSE_UNAUTHENTICATED
        holder = await state.redis.hget(redis_keys.conversation(conversation_id), "counsellor")
        return None if holder == who.name or who.is_supervisor else CLOSE_FORBIDDEN

    slot = await _socket_slot(websocket, state, who)
    if slot is None:
        return
    try:
        await send_ready(websocket)
        await stream_events(
            websocket,
            state,
            conversation_id,
            after,
            sender="counsellor",
            access=access,
            also_wake_on=(redis_keys.DASHBOARD_CHANNEL, redis_keys.counsellor_revoke_channel(who.name)),
        )
    finally:
        await slot.release()


async def _socket_slot(websocket: WebSocket, state: AppState, who: Counsellor) -> SocketSlot | None:
    """One of LYT_MAX_SOCKETS_PER_COUNSELLOR slots (dashboard and chat sockets together, on every replica)."""
    cap = state.settings.max_sockets_per_counsellor
    slot: SocketSlot | None = await websocket.app.state.socket_slots.acquire(
        redis_keys.counsellor_sockets(who.name), cap
    )
    if slot is None:
        await websocket.close(code=CLOSE_TOO_MANY_SOCKETS, reason="too many open connections for this account")
    return slot
