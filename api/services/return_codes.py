"""Anonymous return codes (issue 18 part 1): four common words that bring a young person back to the
counsellor they talked to, without an account, an e-mail or a phone number.

Storage (api/redis_keys.py): the code itself is never stored. `lyt:conv:{cid}:retcode` holds an argon2id
hash of HMAC-SHA256(hash key, code) and the code's index bucket; `lyt:retcode:bucket:{bucket}` lists the
conversations whose code falls in that bucket. Both keys come from LYT_RETURN_CODE_PEPPER (HMAC with two
labels), so a copy of Redis without the pepper can test no guess at all.

Lookup without scanning: the bucket is the first 16 bits of HMAC-SHA256(index key, code), so a code leads
to the few records of its bucket (usually none or one) and only those are verified with argon2. A full
HMAC index would find the record directly, but then anyone holding Redis *and* the pepper could test
guesses at HMAC speed and the slow hash would add nothing; with a 16-bit bucket each guess still costs an
argon2 verification per record. With no candidate record one dummy verification runs, so a wrong code
takes as long as a code whose bucket is shared.

Life: the record is one of the conversation's keys (`redis_keys.conversation_keys`): it lives as long as
the earlier conversation's retention, and delete-my-chat or expiry erases it. Issuing a new code for the
same conversation replaces the old one; using a code deletes it (rotation: the young person can ask the
new conversation for a fresh code). Wrong codes are counted per hashed source (api/routers/return_codes.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from api import redis_keys

WORDS_DIR = Path(__file__).resolve().parent.parent / "return_words"
CODE_WORDS = 4
BUCKET_HEX_CHARS = 4  # 16 bits: 65,536 buckets
MAX_CODE_CHARS = 200
# OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): ~20 ms here, in a worker thread.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})
TAKE_LUA = Path(__file__).resolve().parent.parent / "lua" / "return_code_take.lua"


@lru_cache(maxsize=1)
def _take_script() -> str:
    return TAKE_LUA.read_text()


@lru_cache(maxsize=2)
def words(lang: str) -> tuple[str, ...]:
    """The word list of a language (api/return_words/{da,en}.txt); Danish for anything else."""
    name = lang if lang in ("da", "en") else "da"
    lines = (WORDS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def new_code(lang: str) -> str:
    return " ".join(secrets.choice(words(lang)) for _ in range(CODE_WORDS))


def normalise(raw: str) -> str:
    """What the young person typed, as the code is hashed: lower case, any separators, æøå spelled out."""
    return " ".join(re.findall(r"[a-z]+", raw[:MAX_CODE_CHARS].lower().translate(_TRANSLITERATE)))


@dataclass(frozen=True)
class CodeKeys:
    """The two keys derived from the pepper: one for the index bucket, one for what argon2 hashes."""

    index_key: bytes
    hash_key: bytes

    @classmethod
    def from_pepper(cls, pepper: str) -> CodeKeys:
        secret = pepper.encode()
        return cls(
            hmac.new(secret, b"lyt return code index", hashlib.sha256).digest(),
            hmac.new(secret, b"lyt return code hash", hashlib.sha256).digest(),
        )

    def bucket(self, code: str) -> str:
        return hmac.new(self.index_key, code.encode(), hashlib.sha256).hexdigest()[:BUCKET_HEX_CHARS]

    def peppered(self, code: str) -> str:
        return hmac.new(self.hash_key, code.encode(), hashlib.sha256).hexdigest()


def _verify(digest: str, peppered: str) -> bool:
    try:
        return _hasher.verify(digest, peppered)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_digest() -> str:
    return _hasher.hash(secrets.token_hex(16))


async def issue(redis: Redis, keys: CodeKeys, cid: str, lang: str, ttl_seconds: int) -> str:
    """A fresh code for `cid` in `lang`; any earlier code of this conversation stops working."""
    code = new_code(lang)
    digest = await asyncio.to_thread(_hasher.hash, keys.peppered(code))
    bucket = keys.bucket(code)
    record = redis_keys.return_code(cid)
    # Exactly the conversation's remaining retention; refreshed with it from now on (conversation_keys).
    remaining_ms = int(await redis.pttl(redis_keys.conversation(cid)))
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(record, mapping={"hash": digest, "bucket": bucket})
        pipe.pexpire(record, remaining_ms if remaining_ms > 0 else ttl_seconds * 1000)
        pipe.sadd(redis_keys.return_code_bucket(bucket), cid)
        # Outlives every record in it (each lives one conversation TTL from its last activity).
        pipe.expire(redis_keys.return_code_bucket(bucket), 2 * ttl_seconds)
        await pipe.execute()
    return code


async def redeem(redis: Redis, keys: CodeKeys, raw: str) -> str | None:
    """The earlier conversation's id when `raw` is a live code (the code is used up), else None. Wrong,
    expired, used and deleted codes are alike."""
    code = normalise(raw)
    bucket_key = redis_keys.return_code_bucket(keys.bucket(code))
    peppered = keys.peppered(code)
    cids = sorted(await redis.smembers(bucket_key)) if code.count(" ") == CODE_WORDS - 1 else []
    records: list[list[str | None]] = []
    if cids:
        async with redis.pipeline(transaction=False) as pipe:
            for cid in cids:
                pipe.hmget(redis_keys.return_code(cid), ["hash", "bucket"])
            records = await pipe.execute()
    found: tuple[str, str] | None = None
    checked = 0
    for cid, (digest, bucket) in zip(cids, records, strict=True):
        if digest is None or redis_keys.return_code_bucket(bucket or "") != bucket_key:
            await redis.srem(bucket_key, cid)  # expired, erased or re-issued into another bucket
            continue
        checked += 1
        if await asyncio.to_thread(_verify, digest, peppered):
            found = (cid, digest)
            break
    if not checked:
        await asyncio.to_thread(_verify, _dummy_digest(), peppered)  # the same cost as a real candidate
    if found is None:
        return None
    cid, digest = found
    take = redis.register_script(_take_script())
    taken = await take(keys=[redis_keys.return_code(cid), bucket_key], args=[digest, cid])
    if not int(taken):  # used a moment ago by someone else, or re-issued meanwhile
        return None
    if not await redis.exists(redis_keys.conversation(cid)) or await redis.exists(redis_keys.deleted(cid)):
        return None
    return cid
