"""Counsellors' corrections of triage (issue 18, part 2): marking one message, and the supervisor's weekly counts.

`POST /api/v1/counsellor/conversations/{id}/review` (the holding counsellor only; 403 for anyone else, a
supervisor included): `{"event_id", "kind": "missed" | "false_alarm", "level"?, "reason"}` marks one youth
message of the transcript. "missed" needs a level above the one triage gave that message (default: one above),
"false_alarm" one below (default: none); otherwise 422. 404 when the id is not a youth message of this chat,
409 `{"detail": {"reason": "marked_already", "kind", "message"}}` when it was marked already (and no second
item). It stores a review item (api/services/reviews.py) and counts the correction in its ISO week; the
conversation's own level is left as it is (`POST …/risk` changes that). A chat's marks come back with
`GET …/counsellor/conversations/{id}` as `review_marks` (`{event_id: kind}`): the dashboard shows them after a
reload.

`GET /api/v1/supervisor/corrections?weeks=8` (supervisors only): `{"weeks": [{"week": "2026-W49", "raised",
"lowered", "missed", "false_alarm"}, ...]}`, oldest first, the current week last.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from api import redis_keys
from api.deps import ConversationId, CounsellorDep, StateDep, SupervisorDep
from api.services import conversations as convs
from api.services import reviews
from api.services.auth import Counsellor
from api.state import AppState

router = APIRouter(prefix="/api/v1", tags=["reviews"])
LEVEL_NAMES = ("none", "concern", "urgent")


class MessageMark(BaseModel):
    event_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9]{1,20}-[0-9]{1,20}$")
    kind: Literal["missed", "false_alarm"]
    level: Literal["none", "concern", "urgent"] | None = None
    reason: reviews.ReviewReason = "other"


async def _holder(state: AppState, cid: str, who: Counsellor) -> convs.Conversation:
    try:
        conv = await convs.load_conversation(state.redis, cid)
    except convs.ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown conversation") from None
    if conv.counsellor != who.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the counsellor holding the chat marks its messages")
    return conv


def _target(kind: str, given: str, wanted: str | None) -> str:
    rank = reviews.RANK[given]
    if wanted is None:
        wanted = LEVEL_NAMES[min(rank + 1, 2)] if kind == "missed" else "none"
    if kind == "missed" and reviews.RANK[wanted] <= rank:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"risk missed needs a level above {given}")
    if kind == "false_alarm" and reviews.RANK[wanted] >= rank:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"a false alarm needs a level below {given}")
    return wanted


@router.post("/counsellor/conversations/{conversation_id}/review")
async def mark_message(
    conversation_id: ConversationId, body: MessageMark, state: StateDep, who: CounsellorDep
) -> dict[str, str]:
    conv = await _holder(state, conversation_id, who)
    event = await reviews.youth_message(state.redis, conversation_id, body.event_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no youth message with this id in the chat")
    given = reviews.triage_level_of(event)
    level = _target(body.kind, given, body.level)
    # One mark per message, remembered on the conversation itself (erased with it; never in the review item).
    key, field = redis_keys.conversation(conversation_id), reviews.MARK_FIELD + body.event_id
    if not await state.redis.hsetnx(key, field, body.kind):
        stored = await state.redis.hget(key, field)
        kind = stored.decode() if isinstance(stored, bytes) else stored
        detail = {"reason": "marked_already", "kind": kind, "message": "this message is marked already"}
        raise HTTPException(status.HTTP_409_CONFLICT, detail)
    await reviews.record(
        state.redis,
        kind=body.kind,
        reason=body.reason,
        level=level,
        triage_level=given,
        text=str(event.get("text", "")),
        lang=conv.lang,
    )
    return {"status": "stored", "kind": body.kind, "triage_level": given, "level": level}


@router.get("/supervisor/corrections")
async def weekly_corrections(
    state: StateDep, who: SupervisorDep, weeks: Annotated[int, Query(ge=1, le=53)] = 8
) -> dict[str, Any]:
    return {"weeks": await reviews.weekly_counts(state.redis, weeks)}
