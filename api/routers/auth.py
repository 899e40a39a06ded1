"""OAuth2 password flow for counsellors, rate-limited per account and per hashed address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import StateDep
from api.services import ratelimit
from api.services.accounts import verify_login
from api.services.auth import issue_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
LOGIN_ATTEMPTS_PER_MINUTE = 10


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", response_model=TokenOut)
async def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], state: StateDep) -> TokenOut:
    client_ip = request.client.host if request.client else "unknown"
    buckets = ["login:" + form.username[:40], "login-ip:" + request.app.state.ip_hasher.hash(client_ip)]
    for bucket in buckets:
        if not await ratelimit.hit(state.redis, bucket, LOGIN_ATTEMPTS_PER_MINUTE, 60):
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many login attempts; wait a minute")
    role = await verify_login(state.redis, form.username, form.password)
    if role is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong name or password", {"WWW-Authenticate": "Bearer"})
    return TokenOut(access_token=issue_token(state.settings, form.username, role))
