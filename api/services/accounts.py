"""Counsellor accounts: argon2 password hashes in Redis (no TTL: accounts are not conversation data).

Argon2 hashing and checking run in a worker thread (asyncio.to_thread): each takes ~50 ms of CPU and would
otherwise stall every socket of the gateway. Disabling an account or resetting its password voids its
tokens (`tokens_after`) and publishes a revoke, so its open sockets close on every replica at once.
"""

from __future__ import annotations

import asyncio
import re
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from api import redis_keys
from api.services.auth import Counsellor, account_allows, decode_token
from api.settings import Settings

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
MIN_PASSWORD_CHARS = 8
ROLES = ("counsellor", "supervisor")
MAX_CAPACITY = 20  # chats one counsellor may hold at once; a sanity bound, not a staffing rule
ACCOUNT_STATE_FIELDS = ("role", "disabled", "tokens_after")
_hasher = PasswordHasher()


class AccountError(ValueError):
    pass


def validate_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise AccountError("name must be 2–40 letters, digits, '.', '_' or '-'")


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must be at least {MIN_PASSWORD_CHARS} characters")


def validate_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")


def validate_capacity(capacity: int, urgent_capacity: int) -> None:
    """Capacity 1–MAX_CAPACITY chats; urgent capacity 0–capacity (0: this counsellor takes no urgent chats)."""
    if not 1 <= capacity <= MAX_CAPACITY:
        raise AccountError(f"capacity must be 1–{MAX_CAPACITY}")
    if not 0 <= urgent_capacity <= capacity:
        raise AccountError("urgent capacity must be 0–capacity")


def validate_account(name: str, password: str, role: str) -> None:
    validate_name(name)
    validate_password(password)
    validate_role(role)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def save_account(
    redis: Redis, name: str, password: str, role: str, capacity: tuple[int, int] | None = None
) -> None:
    """Create or update an account; `capacity` is (chats, urgent chats), stored on the account when given
    (without it claim.lua falls back to LYT_COUNSELLOR_CAPACITY / LYT_COUNSELLOR_URGENT_CAPACITY)."""
    validate_account(name, password, role)
    mapping = {"password_hash": await hash_password(password), "role": role}
    if capacity is not None:
        validate_capacity(*capacity)
        mapping |= {"capacity": str(capacity[0]), "urgent_capacity": str(capacity[1])}
    await redis.hset(redis_keys.counsellor(name), mapping=mapping)


def _connect(redis_url: str) -> Redis:
    return Redis.from_url(redis_url, decode_responses=True, socket_timeout=5)


async def create_account(
    redis_url: str, name: str, password: str, role: str, capacity: tuple[int, int] | None = None
) -> None:
    validate_account(name, password, role)
    if capacity is not None:
        validate_capacity(*capacity)
    redis = _connect(redis_url)
    try:
        await save_account(redis, name, password, role, capacity)
    finally:
        await redis.aclose()


async def void_tokens(redis: Redis, name: str) -> None:
    """Every token issued until now stops working, and every open socket of the account closes (all replicas)."""
    await redis.hset(redis_keys.counsellor(name), "tokens_after", str(int(time.time()) + 1))
    await redis.publish(redis_keys.counsellor_revoke_channel(name), "revoked")


async def account_capacity(redis: Redis, name: str, default: tuple[int, int]) -> tuple[int, int]:
    """The account's (capacity, urgent capacity); a missing field falls back to `default` (the settings)."""
    capacity, urgent = await redis.hmget(redis_keys.counsellor(name), ["capacity", "urgent_capacity"])
    return (
        int(capacity) if capacity is not None else default[0],
        int(urgent) if urgent is not None else default[1],
    )


async def set_capacity(
    redis: Redis, name: str, default: tuple[int, int], capacity: int | None, urgent_capacity: int | None
) -> tuple[int, int]:
    """Change an existing account's capacity (only the values given; the other one stays). Applies to the
    next claim at once (claim.lua reads the account hash). Raises AccountError (unknown name, bad numbers)."""
    validate_name(name)
    if not await redis.exists(redis_keys.counsellor(name)):
        raise AccountError(f"no account named {name!r}")
    current = await account_capacity(redis, name, default)
    new = (
        capacity if capacity is not None else current[0],
        urgent_capacity if urgent_capacity is not None else current[1],
    )
    validate_capacity(*new)
    await redis.hset(redis_keys.counsellor(name), mapping={"capacity": str(new[0]), "urgent_capacity": str(new[1])})
    await redis.publish(redis_keys.DASHBOARD_CHANNEL, "capacity")
    return new


async def update_account(
    redis_url: str,
    name: str,
    *,
    password: str | None = None,
    role: str | None = None,
    disabled: bool | None = None,
    capacity: int | None = None,
    urgent_capacity: int | None = None,
    default_capacity: tuple[int, int] = (3, 2),
) -> None:
    """Change an existing account. A new password, a new role or disabling voids the account's tokens."""
    validate_name(name)
    if password is not None:
        validate_password(password)
    if role is not None:
        validate_role(role)
    redis = _connect(redis_url)
    try:
        if not await redis.exists(redis_keys.counsellor(name)):
            raise AccountError(f"no account named {name!r}")
        if capacity is not None or urgent_capacity is not None:  # first: bad numbers change nothing
            await set_capacity(redis, name, default_capacity, capacity, urgent_capacity)
        changes: dict[str, str] = {}
        if password is not None:
            changes["password_hash"] = await hash_password(password)
        if role is not None:
            changes["role"] = role
        if disabled is not None:
            changes["disabled"] = "1" if disabled else "0"
        if changes:
            await redis.hset(redis_keys.counsellor(name), mapping=changes)
        if password is not None or role is not None or disabled:
            await void_tokens(redis, name)
    finally:
        await redis.aclose()


async def verify_login(redis: Redis, name: str, password: str) -> str | None:
    """The account's role when the password matches and the account is enabled, else None."""
    if not NAME_RE.match(name):
        return None
    data = await redis.hgetall(redis_keys.counsellor(name))
    if not data:
        await hash_password(password)  # spend the same time as a real check
        return None
    try:
        await asyncio.to_thread(_hasher.verify, data["password_hash"], password)
    except (VerificationError, InvalidHashError, KeyError):
        return None
    if data.get("disabled") == "1":
        return None
    return str(data.get("role", "counsellor"))


async def account_state(redis: Redis, name: str) -> dict[str, str]:
    """The fields that decide whether a token is still honoured (one HMGET)."""
    values = await redis.hmget(redis_keys.counsellor(name), list(ACCOUNT_STATE_FIELDS))
    return {field: value for field, value in zip(ACCOUNT_STATE_FIELDS, values, strict=True) if value is not None}


async def authenticate_counsellor(redis: Redis, settings: Settings, token: str) -> Counsellor | None:
    """The counsellor for a token that is valid and whose account still honours it; else None."""
    who = decode_token(settings, token)
    if who is None or not account_allows(await account_state(redis, who.name), who):
        return None
    return who


async def still_authorised(redis: Redis, who: Counsellor) -> bool:
    return account_allows(await account_state(redis, who.name), who)
