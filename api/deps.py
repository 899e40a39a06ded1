"""FastAPI dependencies with Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Query, Request, status
from fastapi.security import OAuth2PasswordBearer
from redis.asyncio import Redis

from api.services import conversations as convs
from api.services.accounts import authenticate_counsellor
from api.services.auth import Counsellor
from api.settings import Settings
from api.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.lyt
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_redis(state: StateDep) -> Redis:
    return state.redis


def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


RedisDep = Annotated[Redis, Depends(get_redis)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]{32}$")]
# A Redis stream id ("1700000000000-0"): resume after the last event the client has seen.
AfterEventId = Annotated[str | None, Query(max_length=40, pattern=r"^[0-9]{1,20}(-[0-9]{1,20})?$")]


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    return authorization[7:].strip()


async def youth_conversation(
    conversation_id: ConversationId, state: StateDep, token: Annotated[str, Depends(bearer_token)]
) -> convs.Conversation:
    return await authenticate_youth(state, conversation_id, token)


async def authenticate_youth(state: AppState, conversation_id: str, token: str) -> convs.Conversation:
    """The conversation for this bearer token, or 404 (unknown) / 403 (wrong token)."""
    try:
        return await convs.authenticate(state.redis, conversation_id, token)
    except convs.ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown conversation") from None
    except convs.WrongToken:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong token for this conversation") from None


YouthConversation = Annotated[convs.Conversation, Depends(youth_conversation)]


oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")


async def current_counsellor(state: StateDep, token: Annotated[str, Depends(oauth2_scheme)]) -> Counsellor:
    # The token (signature, exp, iat, sub) and the account (not disabled, tokens not voided): one HMGET.
    counsellor = await authenticate_counsellor(state.redis, state.settings, token)
    if counsellor is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token", {"WWW-Authenticate": "Bearer"})
    return counsellor


async def current_supervisor(counsellor: Annotated[Counsellor, Depends(current_counsellor)]) -> Counsellor:
    if not counsellor.is_supervisor:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "supervisors only")
    return counsellor


CounsellorDep = Annotated[Counsellor, Depends(current_counsellor)]
SupervisorDep = Annotated[Counsellor, Depends(current_supervisor)]
