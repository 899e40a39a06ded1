"""Conversation records: creation, token check, mode and risk, TTL refresh and deletion."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from api import redis_keys

Mode = Literal["bot", "waiting", "human", "ended"]
LEVELS = ("none", "concern", "urgent")


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def higher_level(current: str, new: str) -> str:
    """Risk is sticky: the conversation keeps the highest level seen."""
    return new if level_rank(new) > level_rank(current) else current


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Conversation:
    cid: str
    lang: str
    mode: Mode
    level: str
    rasa_lang: str
    counsellor: str
    topics: str
    created_ms: int
    card_question: str = ""  # "flow:slot" the bot asked last (api/services/card_risk.py), else ""

    @classmethod
    def from_hash(cls, cid: str, data: dict[str, str]) -> Conversation:
        return cls(
            cid=cid,
            lang=data.get("lang", "da"),
            mode=data.get("mode", "bot"),  # type: ignore[arg-type]
            level=data.get("level", "none"),
            rasa_lang=data.get("rasa_lang", ""),
            counsellor=data.get("counsellor", ""),
            topics=data.get("topics", ""),
            created_ms=int(data.get("created_ms", "0")),
            card_question=data.get("card_question", ""),
        )


class ConversationNotFound(Exception):
    pass


class WrongToken(Exception):
    pass


async def create_conversation(redis: Redis, lang: str, ttl_seconds: int, count: bool = True) -> tuple[str, str]:
    """A new anonymous conversation; returns (conversation_id, token). Only a hash of the token is kept.
    `count=False` (the gateway's own warm-up conversation only): not counted in the day's statistics."""
    cid = uuid.uuid4().hex
    token = secrets.token_urlsafe(32)  # 256 random bits
    now_ms = int(time.time() * 1000)
    key = redis_keys.conversation(cid)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(
            key,
            mapping={
                "token_hash": _hash_token(token),
                "lang": lang,
                "mode": "bot",
                "level": "none",
                "created_ms": now_ms,
                "active_ms": now_ms,
            },
        )
        pipe.expire(key, ttl_seconds)
        if count:  # an aggregate count per hour for the supervisor's chart: no id, no content
            day_key = redis_keys.day_stats(time.strftime("%Y%m%d"))
            pipe.hincrby(day_key, f"conv:{time.strftime('%H')}", 1)
            pipe.expire(day_key, redis_keys.DAY_STATS_TTL_SECONDS)
        await pipe.execute()
    return cid, token


async def load_conversation(redis: Redis, cid: str) -> Conversation:
    data = await redis.hgetall(redis_keys.conversation(cid))
    if not data:
        raise ConversationNotFound(cid)
    return Conversation.from_hash(cid, _decode(data))


async def authenticate(redis: Redis, cid: str, token: str) -> Conversation:
    """Check the bearer token in constant time; raises ConversationNotFound or WrongToken."""
    if not cid or len(cid) > 64:
        raise ConversationNotFound(cid)
    data = await redis.hgetall(redis_keys.conversation(cid))
    if not data:
        raise ConversationNotFound(cid)
    decoded = _decode(data)
    if not hmac.compare_digest(decoded.get("token_hash", ""), _hash_token(token)):
        raise WrongToken(cid)
    return Conversation.from_hash(cid, decoded)


async def update_conversation(redis: Redis, cid: str, ttl_seconds: int, **fields: str | int) -> None:
    """Set meta fields and refresh the TTL of every key of the conversation."""
    async with redis.pipeline(transaction=True) as pipe:
        add_conversation_update(pipe, cid, ttl_seconds, **fields)
        await pipe.execute()


def add_conversation_update(pipe: Pipeline, cid: str, ttl_seconds: int, **fields: str | int) -> None:
    """`update_conversation`'s commands, added to a pipeline the caller sends with other writes."""
    fields["active_ms"] = int(time.time() * 1000)
    pipe.hset(redis_keys.conversation(cid), mapping=fields)
    for key in redis_keys.conversation_keys(cid):
        pipe.expire(key, ttl_seconds)


async def delete_conversation(redis: Redis, cid: str) -> None:
    """Erase every key of the conversation, Rasa's tracker and emergency details included, and drop it from
    the queue."""
    # The tombstone first: a bot turn still in flight (the gateway's final writes, Rasa's tracker save)
    # checks it after writing and erases what it wrote (`erase_if_deleted`).
    await redis.set(redis_keys.deleted(cid), "1", ex=redis_keys.DELETED_TTL_SECONDS)
    await erase(redis, cid)


async def erase(redis: Redis, cid: str, *extra_keys: str) -> None:
    gaps = await redis.lrange(redis_keys.conversation_gaps(cid), 0, -1)
    async with redis.pipeline(transaction=True) as pipe:
        if gaps:
            pipe.zrem(redis_keys.KB_GAPS, *gaps)
        pipe.delete(
            *redis_keys.conversation_keys(cid),
            redis_keys.rasa_tracker(cid),
            redis_keys.emergency_details(cid),
            redis_keys.conversation_sockets(cid),
            *extra_keys,
        )
        pipe.zrem(redis_keys.QUEUE, cid)
        pipe.zrem(redis_keys.QUEUE_LEASES, cid)
        await pipe.execute()


async def erase_if_deleted(redis: Redis, cid: str, *extra_keys: str) -> bool:
    """For late writers: called after their writes. When the conversation was deleted meanwhile, erase it
    again (whatever the writes recreated) and say so. A delete after this check erases everything itself."""
    if not await redis.exists(redis_keys.deleted(cid)):
        return False
    await erase(redis, cid, *extra_keys)
    return True


def _decode(data: dict[bytes, bytes] | dict[str, str]) -> dict[str, str]:
    return {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in data.items()
    }
