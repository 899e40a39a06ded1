"""Counsellor tokens: JWT (HS256) with expiry; a previous secret is still accepted during rotation."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

# PyJWT loads `cryptography` for its RSA and EC algorithms whenever it is installed (it is: emergency details
# use its Fernet, imported only on first use). That is about 10 MB more RSS in every gateway at start, past the
# 1,000-idle-sockets-under-200-MB target (docs/PERFORMANCE.md). Counsellor tokens are HS256 only (hmac), so
# PyJWT is imported without it; `cryptography` stays importable for everything else.
_loaded_cryptography = sys.modules.pop("cryptography", None)  # redis-py imports the (small) top-level package
sys.modules["cryptography"] = None  # type: ignore[assignment]  # `import cryptography...` fails in PyJWT
try:
    import jwt
finally:
    del sys.modules["cryptography"]
    if _loaded_cryptography is not None:
        sys.modules["cryptography"] = _loaded_cryptography

from api.settings import Settings  # noqa: E402

ALGORITHM = "HS256"
AUDIENCE = "lyt-counsellor"
REQUIRED_CLAIMS = ["exp", "iat", "sub"]


@dataclass(frozen=True)
class Counsellor:
    name: str
    role: str
    issued_at: int = 0
    expires_at: int = 0

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
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str) -> Counsellor | None:
    """The token's counsellor when the signature, audience, `exp`, `iat` and `sub` are all valid; else None.
    This checks the token only: `account_allows` checks the account (disabled, tokens voided)."""
    secrets = [settings.jwt_secret] + ([settings.jwt_previous_secret] if settings.jwt_previous_secret else [])
    for secret in secrets:
        try:
            claims = jwt.decode(
                token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, options={"require": REQUIRED_CLAIMS}
            )
        except jwt.PyJWTError:
            continue
        name, role, iat, exp = claims.get("sub"), claims.get("role"), claims.get("iat"), claims.get("exp")
        if isinstance(name, str) and role in ("counsellor", "supervisor") and isinstance(exp, int | float):
            return Counsellor(name, str(role), int(iat) if isinstance(iat, int | float) else 0, int(exp))
    return None


def account_allows(account: dict[str, str], who: Counsellor) -> bool:
    """Whether the account (its Redis hash) still honours this token: it exists, is not disabled, the token was
    issued after its tokens were last voided (password reset, disable) and the role is unchanged."""
    if not account or account.get("disabled") == "1":
        return False
    if who.issued_at < int(account.get("tokens_after") or 0):
        return False
    return account.get("role", "counsellor") == who.role and time.time() < who.expires_at
