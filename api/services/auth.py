"""Counsellor tokens: JWT (HS256) with expiry; a previous secret is still accepted during rotation."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from api.settings import Settings

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Counsellor:
    name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def issue_token(settings: Settings, name: str, role: str) -> str:
    now = int(time.time())
    claims = {
        "sub": name,
        "role": role,
        "iat": now,
        "exp": now + settings.jwt_ttl_minutes * 60,
        "aud": "lyt-counsellor",
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str) -> Counsellor | None:
    secrets = [settings.jwt_secret] + ([settings.jwt_previous_secret] if settings.jwt_previous_secret else [])
    for secret in secrets:
        try:
            claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience="lyt-counsellor")
        except jwt.PyJWTError:
            continue
        name, role = claims.get("sub"), claims.get("role")
        if isinstance(name, str) and role in ("counsellor", "supervisor"):
            return Counsellor(name, str(role))
    return None
