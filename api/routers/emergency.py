"""Emergency details for the counsellor holding an urgent chat (api/services/emergency.py).

`GET` says whether any are kept (a count, never a value), so the dashboard can offer the button.
`POST` is the deliberate "show" action: it returns the decrypted values and writes the audit record.
Only the counsellor holding the chat may call either; a supervisor who does not hold it may not.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status

from api.deps import ConversationId, CounsellorDep, StateDep
from api.services import conversations as convs
from api.services import emergency
from api.services.auth import Counsellor
from api.state import AppState

router = APIRouter(prefix="/api/v1/counsellor/conversations", tags=["counsellors"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
DENIED: dict[int | str, dict[str, Any]] = {
    403: {"description": "You do not hold this conversation"},
    404: {"description": "Unknown conversation"},
}


async def _held_by(state: AppState, cid: str, who: Counsellor) -> tuple[convs.Conversation, emergency.EmergencyVault]:
    vault = state.emergency_vault
    try:
        conv = await convs.load_conversation(state.redis, cid)
    except convs.ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown conversation") from None
    if conv.mode != "human" or conv.counsellor != who.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the counsellor holding this chat")
    if vault is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "emergency details are switched off")
    return conv, vault


@router.get("/{conversation_id}/emergency-details", responses=DENIED)
async def emergency_details_kept(
    conversation_id: ConversationId, state: StateDep, who: CounsellorDep, response: Response
) -> dict[str, Any]:
    """How many emergency details are kept for this chat and for how long; never the values."""
    conv, _ = await _held_by(state, conversation_id, who)
    count, expires_in = await emergency.stored(state.redis, conversation_id)
    response.headers.update(NO_STORE)
    return {"level": conv.level, "stored": count, "expires_in_seconds": expires_in}


@router.post("/{conversation_id}/emergency-details", responses=DENIED)
async def show_emergency_details(
    conversation_id: ConversationId, state: StateDep, who: CounsellorDep, response: Response
) -> dict[str, Any]:
    """Show the emergency details (decrypted). Every call is audited: who, when, which chat, how many."""
    _, vault = await _held_by(state, conversation_id, who)
    details = await emergency.read_and_audit(state.redis, vault, conversation_id, who.name)
    _, expires_in = await emergency.stored(state.redis, conversation_id)
    response.headers.update(NO_STORE)
    return {"details": [d.as_json() for d in details], "expires_in_seconds": expires_in}
