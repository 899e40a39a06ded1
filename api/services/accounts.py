"""Counsellor accounts: argon2 password hashes in Redis (no TTL: accounts are not conversation data)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from api import redis_keys

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
MIN_PASSWORD_CHARS = 8
ROLES = ("counsellor", "supervisor")
_hasher = PasswordHasher()


class AccountError(ValueError):
    pass


def validate_account(name: str, password: str, role: str) -> None:
    if not NAME_RE.match(name):
        raise AccountError("name must be 2–40 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")


async def save_account(redis: Redis, name: str, password: str, role: str) -> None:
    validate_account(name, password, role)
    await redis.hset(redis_keys.counsellor(name), mapping={"password_hash": _hasher.hash(password), "role": role})


async def create_account(redis_url: str, name: str, password: str, role: str) -> None:
    validate_account(name, password, role)
    redis = Redis.from_url(redis_url, decode_responses=True, socket_timeout=5)
    try:
        await save_account(redis, name, password, role)
    finally:
        await redis.aclose()


async def verify_login(redis: Redis, name: str, password: str) -> str | None:
    """The account's role when the password matches, else None."""
    if not NAME_RE.match(name):
        return None
    data = await redis.hgetall(redis_keys.counsellor(name))
    if not data:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(data["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return str(data.get("role", "counsellor"))
