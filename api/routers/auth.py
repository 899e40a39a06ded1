"""OAuth2 password flow for counsellors, and token refresh.

Failed logins are limited per (hashed source, name) with backoff (api/services/login_guard.py), plus a
per-source cap on attempts; nobody can lock a counsellor out from elsewhere. `POST /api/v1/auth/refresh`
with a valid token returns a fresh one (same role, new `exp`): the dashboard calls it while in use, so an
active shift never hits LYT_JWT_TTL_MINUTES, and an idle tab's token simply expires.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CounsellorDep, StateDep
from api.services import login_guard, ratelimit
from api.services.accounts import verify_login
from api.services.auth import issue_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
LOGIN_ATTEMPTS_PER_SOURCE_PER_MINUTE = 30


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/token", response_model=TokenOut)
async def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], state: StateDep) -> TokenOut:
    client_ip = request.client.host if request.client else "unknown"
    source = request.app.state.ip_hasher.hash(client_ip)
    if not await ratelimit.hit(state.redis, "login-ip:" + source, LOGIN_ATTEMPTS_PER_SOURCE_PER_MINUTE, 60):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many login attempts; wait a minute")
    wait = await login_guard.wait_left(state.redis, source, form.username)
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed logins; wait {math.ceil(wait)} s",
            {"Retry-After": str(math.ceil(wait))},
        )
    role = await verify_login(state.redis, form.username, form.password)
    if role is None:
        await login_guard.record_failure(state.redis, source, form.username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong name or password", {"WWW-Authenticate": "Bearer"})
    await login_guard.clear(state.redis, source, form.username)
    ttl = state.settings.jwt_ttl_minutes * 60
    return TokenOut(access_token=issue_token(state.settings, form.username, role), expires_in=ttl)


@router.post("/refresh", response_model=TokenOut)
async def refresh(who: CounsellorDep, state: StateDep) -> TokenOut:
    """A fresh token for a counsellor whose current token is still valid (and whose account is enabled)."""
    ttl = state.settings.jwt_ttl_minutes * 60
    return TokenOut(access_token=issue_token(state.settings, who.name, who.role), expires_in=ttl)
