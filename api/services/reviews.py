"""Counsellors' corrections of triage, kept for curators as review items (issue 18, part 2).

A correction is a counsellor raising or lowering a conversation's level (`POST …/risk`) or marking one youth
message "risk missed" / "false alarm" (`POST …/review`). Each one is counted in its ISO week for the
supervisor view, and, when there is a youth message to learn from, stored as one review item:

    lyt:review:item:{id}  hash  text (the stored, already scrubbed message), lang, triage_level (what triage
                                gave that message), level (what the counsellor set), kind, reason, day (YYYY-MM-DD)

Nothing else: no conversation id, event id, counsellor name or token, so an item cannot be traced back to a
chat. Items expire after 90 days unless a curator keeps them (`lyt triage review keep ID`: PERSIST). A
curator's `accept` moves the item into the accepted training file (knowledge/triage/reviews.py) and deletes
it; `reject` deletes it. Nothing reaches training without that accept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from redis.asyncio import Redis

from api import redis_keys
from api.services.events import Event, read_events, valid_event_id

ReviewKind = Literal["raised", "lowered", "missed", "false_alarm"]
# Why the counsellor corrected triage: a small fixed set, so that no free text (and nothing identifying) is kept.
ReviewReason = Literal[
    "implicit_risk",  # risk said without risk words (euphemism, plans, goodbyes)
    "context",  # risky given earlier messages or what the young person said later
    "new_wording",  # slang, misspelling, a language or wording triage does not know
    "joke_or_idiom",  # an expression, a joke, exaggeration
    "quote_or_story",  # lyrics, fiction, a school assignment, news
    "someone_else",  # about another person, already handled, or the past
    "other",
]
KINDS: tuple[str, ...] = get_args(ReviewKind)
REASONS: tuple[str, ...] = get_args(ReviewReason)
ITEM_ID_BYTES = 5  # 10 hex characters


@dataclass(frozen=True)
class ReviewItem:
    id: str
    text: str
    lang: str
    triage_level: str
    level: str
    kind: str
    reason: str
    day: str
    kept: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "lang": self.lang,
            "triage_level": self.triage_level,
            "level": self.level,
            "kind": self.kind,
            "reason": self.reason,
            "day": self.day,
            "kept": self.kept,
        }

    def training_row(self) -> dict[str, Any]:
        """The item as a line of the triage training files (tests/data/triage_*.jsonl shape, plus a note)."""
        note = f"review {self.kind} ({self.reason}): triage {self.triage_level}, counsellor {self.level}, {self.day}"
        return {
            "id": f"review-{self.id}",
            "text": self.text,
            "lang": self.lang,
            "level": self.level,
            "tricky": False,
            "note": note,
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def today() -> date:
    return datetime.now(UTC).date()


async def record(
    redis: Redis,
    *,
    kind: ReviewKind,
    reason: ReviewReason,
    level: str,
    triage_level: str,
    text: str,
    lang: str,
    day: date | None = None,
) -> str | None:
    """Count one correction in its week and store its review item (when there is a text); the item's id."""
    day = day or today()
    week = redis_keys.review_week(iso_week(day))
    item_id = secrets.token_hex(ITEM_ID_BYTES) if text.strip() else None
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(week, kind, 1)
        pipe.expire(week, redis_keys.REVIEW_WEEK_TTL_SECONDS)
        if item_id is not None:
            key = redis_keys.review_item(item_id)
            fields = {
                "text": text.strip(),
                "lang": lang if lang in ("da", "en") else "da",
                "triage_level": triage_level,
                "level": level,
                "kind": kind,
                "reason": reason,
                "day": day.isoformat(),
            }
            pipe.hset(key, mapping=fields)
            pipe.expire(key, redis_keys.REVIEW_TTL_SECONDS)
        await pipe.execute()
    return item_id


def _item(item_id: str, data: dict[str, str], ttl: int) -> ReviewItem:
    return ReviewItem(
        id=item_id,
        text=data.get("text", ""),
        lang=data.get("lang", "da"),
        triage_level=data.get("triage_level", "none"),
        level=data.get("level", "none"),
        kind=data.get("kind", ""),
        reason=data.get("reason", "other"),
        day=data.get("day", ""),
        kept=ttl == -1,
    )


async def get(redis: Redis, item_id: str) -> ReviewItem | None:
    key = redis_keys.review_item(item_id)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(key)
        pipe.ttl(key)
        data, ttl = await pipe.execute()
    return _item(item_id, _decoded(data), int(ttl)) if data else None


async def open_items(redis: Redis) -> list[ReviewItem]:
    """Every open item, oldest day first (a SCAN over the item keys: curators' tool, not a request path)."""
    prefix = redis_keys.review_item("")
    ids = sorted({_s(key)[len(prefix) :] async for key in redis.scan_iter(match=prefix + "*", count=1000)})
    items = [item for item_id in ids if (item := await get(redis, item_id)) is not None]
    return sorted(items, key=lambda item: (item.day, item.id))


async def keep(redis: Redis, item_id: str) -> bool:
    """Remove the item's 90-day expiry (a curator keeps it for later); False when there is no such item."""
    key = redis_keys.review_item(item_id)
    if not await redis.exists(key):
        return False
    await redis.persist(key)
    return True


async def remove(redis: Redis, item_id: str) -> bool:
    return bool(await redis.delete(redis_keys.review_item(item_id)))


async def weekly_counts(redis: Redis, weeks: int = 8, until: date | None = None) -> list[dict[str, Any]]:
    """Corrections per ISO week, the last `weeks` weeks up to `until` (today), oldest first, zeros included."""
    end = until or today()
    names = [iso_week(end - timedelta(weeks=back)) for back in range(weeks - 1, -1, -1)]
    async with redis.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.hgetall(redis_keys.review_week(name))
        replies = await pipe.execute()
    out = []
    for name, raw in zip(names, replies, strict=True):
        data = _decoded(raw)
        out.append({"week": name, **{kind: int(data.get(kind, 0)) for kind in KINDS}})
    return out


RANK = {"none": 0, "concern": 1, "urgent": 2}
LOOKBACK = 300  # youth messages further back than this many events are not searched


def is_youth_message(event: Event) -> bool:
    text = event.get("text")
    return (
        event.get("type") == "message"
        and event.get("from") == "user"
        and isinstance(text, str)
        and not text.startswith("/")  # a button command
    )


def triage_level_of(event: Event) -> str:
    """The level triage gave the stored youth message (`none` unless risk_view stored one)."""
    level = event.get("triage_level")
    return level if isinstance(level, str) and level in RANK else "none"


async def youth_message(redis: Redis, cid: str, event_id: str) -> Event | None:
    """One stored youth message of the conversation by its event id, or None."""
    if not valid_event_id(event_id) or "-" not in event_id:
        return None
    events = await read_events(redis, cid, _before(event_id), count=1)
    return events[0] if events and events[0].get("id") == event_id and is_youth_message(events[0]) else None


async def message_for_change(redis: Redis, cid: str, old: str, new: str) -> Event | None:
    """The youth message a conversation-level change is about: for a lowering, the latest one triage judged at
    the old level (else the latest flagged one); for a raise, the latest one. None when there is none."""
    last = await redis.xrevrange(redis_keys.events(cid), count=LOOKBACK)
    if not last:
        return None
    events = await read_events(redis, cid, _before(_s(last[-1][0])), count=LOOKBACK)
    youth = [e for e in reversed(events) if is_youth_message(e)]  # newest first
    if not youth:
        return None
    if RANK.get(new, 0) < RANK.get(old, 0):
        for wanted in (old, "concern" if old == "urgent" else old):
            match = next((e for e in youth if triage_level_of(e) == wanted), None)
            if match is not None:
                return match
    return youth[0]


MARK_FIELD = "review:"  # + event id: the kind a youth message was marked, on the conversation's own hash


async def message_marks(redis: Redis, cid: str) -> dict[str, str]:
    """The marks stored on one conversation: {event id: "missed" | "false_alarm"} (GET …/conversations/{id})."""
    fields = _decoded(await redis.hgetall(redis_keys.conversation(cid)))
    return {k[len(MARK_FIELD) :]: v for k, v in fields.items() if k.startswith(MARK_FIELD)}


def _before(event_id: str) -> str:
    """The stream id just before `event_id`, for `read_events(after=...)`."""
    left, _, right = event_id.partition("-")
    sequence = int(right or 0)
    if sequence > 0:
        return f"{left}-{sequence - 1}"
    return f"{int(left) - 1}-18446744073709551615" if int(left) > 0 else "0-0"  # "0-0": nothing is before it


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _decoded(data: dict[Any, Any]) -> dict[str, str]:
    return {_s(k): _s(v) for k, v in (data or {}).items()}
