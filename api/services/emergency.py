"""Emergency details: the personal data a young person writes while their conversation is urgent.

To send help, a counsellor may need the address or phone number that the scrubber removed from the
transcript. While a conversation's level is urgent (the message that makes it urgent included), the raw
values the scrubber found are kept beside the scrubbed transcript:

- each value sealed with Fernet (AES-128-CBC + HMAC-SHA256) under a key from the environment
  (`LYT_EMERGENCY_KEY`, several keys separated by commas for rotation: the first encrypts, all decrypt);
- in one Redis list per conversation whose expiry is set at its first write and never extended: at most
  24 hours (or the conversation TTL, if shorter), and Fernet refuses a value older than that on reading;
- deleted when the counsellor closes the chat (finish.lua) and with the conversation ("delete my chat",
  expiry);
- readable only by the counsellor who holds the chat, through an explicit POST, and every read is
  audited (who, when, a conversation reference and how many values; never a value).

The transcript, Rasa, the logs and everything else keep seeing the scrubbed text only.
Outside production, without a key, every gateway on the machine shares a key file under var/ that the
first one to start creates.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis

from api import redis_keys
from api.settings import Settings

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

    from api.state import AppState

log = logging.getLogger("lyt.emergency")
MAX_KEEP_SECONDS = 24 * 3600
MAX_VALUES = 50  # per conversation; the oldest go first
KEY_VARIABLE = "LYT_EMERGENCY_KEY"
KEY_FILE_NAME = "emergency.key"
LUA_SCRIPT = Path(__file__).resolve().parent.parent / "lua" / "emergency_keep.lua"
NEW_KEY_HINT = (
    "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class EmergencyConfigError(RuntimeError):
    """Emergency details are on, but there is no usable key: the gateway must not start."""


@dataclass(frozen=True)
class EmergencyDetail:
    kind: str  # the scrubber's kind: address, phone, email, ...
    value: str  # as the young person wrote it
    at_ms: int  # when they wrote it

    def as_json(self) -> dict[str, Any]:
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.at_ms / 1000))
        return {"kind": self.kind, "value": self.value, "at": at, "at_ms": self.at_ms}


class EmergencyVault:
    """Seals and opens emergency details. One per gateway process, made at start-up.

    `cryptography` is imported on first use, not at start-up: it adds about 8 MB to a gateway that may
    never see an urgent chat (idle memory per gateway is measured, docs/PERFORMANCE.md)."""

    def __init__(self, keys: list[bytes], max_age_seconds: int = MAX_KEEP_SECONDS) -> None:
        self._keys = keys
        self.max_age_seconds = max_age_seconds

    @cached_property
    def _fernet(self) -> MultiFernet:
        from cryptography.fernet import Fernet, MultiFernet

        return MultiFernet([Fernet(key) for key in self._keys])

    def seal(self, detail: EmergencyDetail) -> str:
        plain = json.dumps({"k": detail.kind, "v": detail.value, "t": detail.at_ms}, ensure_ascii=False)
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, token: str) -> EmergencyDetail | None:
        """The detail, or None when it is older than the limit or sealed with a key no longer configured."""
        from cryptography.fernet import InvalidToken

        try:
            data = json.loads(self._fernet.decrypt(token.encode(), ttl=self.max_age_seconds))
        except (InvalidToken, ValueError):
            return None
        return EmergencyDetail(str(data["k"]), str(data["v"]), int(data["t"]))


def is_fernet_key(key: bytes) -> bool:
    """What Fernet() accepts: 32 bytes in url-safe base64 (checked without importing cryptography)."""
    try:
        return len(base64.urlsafe_b64decode(key)) == 32
    except (binascii.Error, ValueError):
        return False


def new_key() -> bytes:
    """A fresh Fernet key (the same as Fernet.generate_key())."""
    return base64.urlsafe_b64encode(os.urandom(32))


def load_vault(settings: Settings) -> EmergencyVault | None:
    """The vault for these settings; None when emergency details are off. Raises EmergencyConfigError
    when they are on and no valid key is configured in production (or an invalid one anywhere)."""
    if not settings.emergency_details:
        return None
    configured = settings.emergency_key.get_secret_value().strip() if settings.emergency_key else ""
    if configured:
        keys = [part.strip().encode() for part in configured.split(",") if part.strip()]
        source = KEY_VARIABLE
    elif settings.env == "production":
        raise EmergencyConfigError(
            f"{KEY_VARIABLE} is not set. LYT_ENV=production with emergency details on "
            f"(LYT_EMERGENCY_DETAILS, default on) needs a Fernet key in {KEY_VARIABLE}; {NEW_KEY_HINT}. "
            "Or set LYT_EMERGENCY_DETAILS=false to keep no emergency details at all."
        )
    else:
        path = key_file(settings)
        keys = [read_or_create_key_file(path)]
        source = str(path)
    for position, key in enumerate(keys, start=1):
        if not is_fernet_key(key):
            raise EmergencyConfigError(
                f"{KEY_VARIABLE}: key {position} (from {source}) is not a Fernet key "
                f"(32 url-safe base64-encoded bytes); {NEW_KEY_HINT}"
            )
    return EmergencyVault(keys, max_age_seconds=min(MAX_KEEP_SECONDS, settings.conversation_ttl_seconds))


def key_file(settings: Settings) -> Path:
    path = settings.emergency_key_file
    return path if path is not None and str(path) not in ("", ".") else settings.var_dir / KEY_FILE_NAME


def read_or_create_key_file(path: Path) -> bytes:
    """The development key shared by every gateway on this machine; the first to start writes it.

    Written to a private temporary file and hard-linked into place, so a second gateway starting at the
    same moment either wins the link or reads the complete winner, never half a key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(new_key())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
            log.info("created the development emergency-details key file under the var directory")
        except FileExistsError:
            pass  # another gateway was first: use its key
        finally:
            temporary.unlink()
    return path.read_bytes().strip()


@cache
def _keep_script_text() -> str:
    return LUA_SCRIPT.read_text()


async def keep(redis: Redis, vault: EmergencyVault, cid: str, found: list[tuple[str, str]]) -> int:
    """Seal and store the values; returns how many the conversation now keeps. The list's expiry is set
    at its first write only (emergency_keep.lua)."""
    if not found:
        return 0
    now = int(time.time() * 1000)
    tokens = [vault.seal(EmergencyDetail(kind, value, now)) for kind, value in found]
    script = redis.register_script(_keep_script_text())
    kept = await script(keys=[redis_keys.emergency_details(cid)], args=[vault.max_age_seconds, MAX_VALUES, *tokens])
    return int(kept)


async def keep_if_urgent(state: AppState, cid: str, level: str, found: list[tuple[str, str]]) -> int:
    """The hook in the message path: while the conversation is urgent (`level`, after this message), keep
    what the scrubber removed from the message (`ScrubResult.found`: (kind, raw value) pairs)."""
    vault = state.emergency_vault
    if vault is None or level != "urgent":
        return 0
    return await keep(state.redis, vault, cid, found)


async def stored(redis: Redis, cid: str) -> tuple[int, int]:
    """(how many values are kept, seconds until they are deleted; 0 when none). Never the values."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.llen(redis_keys.emergency_details(cid))
        pipe.ttl(redis_keys.emergency_details(cid))
        count, ttl = await pipe.execute()
    return int(count), max(0, int(ttl)) if count else 0


async def read_and_audit(redis: Redis, vault: EmergencyVault, cid: str, reader: str) -> list[EmergencyDetail]:
    """Open the conversation's details for `reader` (the caller has checked they hold the chat) and write
    the audit record: who, when, which conversation (a reference) and how many values, never a value."""
    tokens = await redis.lrange(redis_keys.emergency_details(cid), 0, -1)
    details: list[EmergencyDetail] = []
    seen: set[tuple[str, str]] = set()
    for token in tokens:
        detail = vault.open(token if isinstance(token, str) else token.decode())
        if detail is not None and (detail.kind, detail.value) not in seen:
            seen.add((detail.kind, detail.value))
            details.append(detail)
    await audit_read(redis, reader, cid, len(details))
    return details


async def audit_read(redis: Redis, reader: str, cid: str, count: int) -> None:
    now = time.time()
    record = {"by": reader, "at_ms": int(now * 1000), "conversation": conversation_reference(cid), "values": count}
    key = redis_keys.emergency_audit(time.strftime("%Y%m%d", time.gmtime(now)))
    async with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(key, json.dumps(record))
        pipe.expire(key, redis_keys.EMERGENCY_AUDIT_TTL_SECONDS)
        await pipe.execute()
    log.info("emergency details read: %d values", count)


def conversation_reference(cid: str) -> str:
    """A short reference to a conversation for the audit: the first 8 characters of its id."""
    return cid[:8]


async def forget(redis: Redis, cid: str) -> None:
    await redis.delete(redis_keys.emergency_details(cid))
