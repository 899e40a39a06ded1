"""Anonymous return codes (issue 18 part 1): the young person asks for a code; a new conversation started with
it is "returning" (api/routers/conversations.py calls `redeem_for_source`). Codes: api/services/return_codes.py.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel

from api.deps import StateDep, YouthConversation
from api.services import ratelimit, return_codes
from api.settings import Settings
from api.state import AppState

router = APIRouter(prefix="/api/v1/conversations", tags=["return codes"])
ISSUE_BUCKET_PREFIX = "retcode-issue:"
ISSUES_PER_HOUR = 10  # each costs an argon2 hash; the widget asks once per close or menu tap
FAILURE_BUCKET_PREFIX = "retcode-fail:"
HOUR = 3600
NOT_FOUND = "no conversation for this code"  # the same for wrong, expired, used and deleted codes


class ReturnCode(BaseModel):
    return_code: str


@lru_cache(maxsize=2)
def _keys(pepper: str) -> return_codes.CodeKeys:
    return return_codes.CodeKeys.from_pepper(pepper)


def code_keys(settings: Settings) -> return_codes.CodeKeys:
    return _keys(settings.return_code_pepper.get_secret_value())


@router.post("/{conversation_id}/return-code", response_model=ReturnCode)
async def issue_return_code(conv: YouthConversation, state: StateDep) -> ReturnCode:
    """Four common words in the chat's language; the conversation's earlier code (if any) stops working."""
    if not await ratelimit.hit(state.redis, ISSUE_BUCKET_PREFIX + conv.cid, ISSUES_PER_HOUR, HOUR):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many codes for this chat; try again later")
    ttl = state.settings.conversation_ttl_seconds
    code = await return_codes.issue(state.redis, code_keys(state.settings), conv.cid, conv.lang, ttl)
    return ReturnCode(return_code=code)


async def redeem_for_source(request: Request, state: AppState, raw_code: str) -> str:
    """The earlier conversation's id, or 404 (wrong, expired, used: never which) or 429 once the source (its
    hashed address, api/client_address.py) has given LYT_RETURN_CODE_FAILURES_PER_HOUR wrong codes. Every
    attempt is counted first (parallel guesses cannot overtake the limit); a right code is taken back off."""
    client_ip = request.client.host if request.client else "unknown"
    bucket = FAILURE_BUCKET_PREFIX + request.app.state.ip_hasher.hash(client_ip)
    if not await ratelimit.hit(state.redis, bucket, state.settings.return_code_failures_per_hour, HOUR):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many wrong codes; try again later")
    earlier = await return_codes.redeem(state.redis, code_keys(state.settings), raw_code)
    if earlier is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    await ratelimit.undo(state.redis, bucket, HOUR)
    return earlier


async def forget(state: AppState, cid: str) -> None:
    """Delete-my-chat: the code record goes with the conversation's keys; its issue counter goes here."""
    await ratelimit.forget(state.redis, ISSUE_BUCKET_PREFIX + cid, HOUR)
