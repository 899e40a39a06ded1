"""The risk-ordered handoff queue: Lua scripts for every move, Python for estimates and listing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from api import redis_keys

LUA_DIR = Path(__file__).resolve().parent.parent / "lua"
BAND_BY_LEVEL = {"urgent": 0, "concern": 1, "none": 2}
EWMA_ALPHA = 0.3
DEFAULT_CHAT_SECONDS = 42 * 60
HELD_SET_TTL_SECONDS = 24 * 3600
ONLINE_WINDOW_MS = 60_000
BAND_SCORE = 1e13  # score = band * BAND_SCORE + enqueue ms (enqueue.lua)
POSITIONS_PER_CALL = 2000  # cids per positions.lua call: Redis stays responsive between calls


def now_ms() -> int:
    return int(time.time() * 1000)


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Position:
    """Where one waiting conversation stands (positions.lua)."""

    position: int  # 1-based among everyone waiting, across bands
    band: int
    enqueued_ms: int
    eta_seconds: int | None
    lang: str


@dataclass
class QueueStatus:
    position: int  # 1-based among everyone waiting ahead, across bands
    band: int
    eta_seconds: int | None
    counsellors_online: int


class QueueError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HandoffQueue:
    """Owns the Lua scripts. One instance per gateway process, created at start-up."""

    def __init__(
        self,
        redis: Redis,
        lease_ms: int,
        capacity: int,
        urgent_capacity: int,
        reserved_urgent_slots: int = 1,
        urgent_stretch_slots: int = 1,
        return_preference_ms: int = 120_000,
    ) -> None:
        self.redis = redis
        self.lease_ms = lease_ms
        self.capacity = capacity
        self.urgent_capacity = urgent_capacity
        self.reserved_urgent_slots = reserved_urgent_slots
        self.urgent_stretch_slots = urgent_stretch_slots
        self.return_preference_ms = return_preference_ms  # LYT_RETURN_PREFERENCE_SECONDS (enqueue.lua, claim.lua)
        self._scripts: dict[str, AsyncScript] = {
            name: redis.register_script((LUA_DIR / f"{name}.lua").read_text())
            for name in ("enqueue", "claim", "release", "transfer", "finish", "positions")
        }

    def _capacity_args(self) -> list[int]:
        return [
            self.capacity,
            self.urgent_capacity,
            HELD_SET_TTL_SECONDS,
            self.reserved_urgent_slots,
            self.urgent_stretch_slots,
        ]

    def _held_keys(self, name: str) -> list[str]:
        return [redis_keys.counsellor_held(name), redis_keys.counsellor_held_urgent(name)]

    async def _earlier_counsellor(self, cid: str) -> tuple[str, list[str]]:
        """A returning conversation's earlier counsellor and the keys the scripts check for them ("-" none)."""
        name = _s(await self.redis.hget(redis_keys.conversation(cid), "return_to") or "")
        return name, [redis_keys.counsellor_held(name), redis_keys.counsellor(name)] if name else ["-", "-"]

    async def enqueue(self, cid: str, level: str) -> tuple[str, int]:
        earlier, earlier_keys = await self._earlier_counsellor(cid)
        now = now_ms()
        result = await self._scripts["enqueue"](
            keys=[redis_keys.QUEUE, redis_keys.conversation(cid), redis_keys.COUNSELLORS_ONLINE, *earlier_keys],
            args=[
                cid,
                BAND_BY_LEVEL.get(level, 2),
                now,
                self.return_preference_ms,
                now - ONLINE_WINDOW_MS,
                self.capacity,
                self.reserved_urgent_slots,
                earlier,
            ],
        )
        status, rank = _s(result[0]), int(result[1])
        if status in ("queued", "promoted"):
            await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, f"queue:{status}")
        return status, rank

    async def claim(self, cid: str, counsellor: str) -> int:
        """Returns the wait in ms; raises QueueError(reason) when the claim loses or is not allowed."""
        earlier, earlier_keys = await self._earlier_counsellor(cid)
        now = now_ms()
        result = await self._scripts["claim"](
            keys=[
                redis_keys.QUEUE,
                redis_keys.QUEUE_LEASES,
                redis_keys.conversation(cid),
                *self._held_keys(counsellor),
                redis_keys.counsellor(counsellor),
                redis_keys.COUNSELLORS_ONLINE,
                *earlier_keys,
            ],
            args=[cid, counsellor, now, self.lease_ms, *self._capacity_args(), now - ONLINE_WINDOW_MS, earlier],
        )
        if _s(result[0]) != "ok":
            raise QueueError(_s(result[1]))
        waited_ms = max(0, now_ms() - int(_s(result[1])))
        await self._record_wait(int(_s(result[2])), waited_ms / 1000)
        await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:claimed")
        return waited_ms

    async def release(self, cid: str, counsellor: str) -> None:
        result = await self._scripts["release"](
            keys=[
                redis_keys.QUEUE,
                redis_keys.QUEUE_LEASES,
                redis_keys.conversation(cid),
                *self._held_keys(counsellor),
            ],
            args=[cid, counsellor, now_ms()],
        )
        if _s(result[0]) != "ok":
            raise QueueError(_s(result[1]))
        await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:released")

    async def transfer(self, cid: str, from_name: str, to_name: str) -> None:
        result = await self._scripts["transfer"](
            keys=[
                redis_keys.QUEUE_LEASES,
                redis_keys.conversation(cid),
                *self._held_keys(from_name),
                *self._held_keys(to_name),
                redis_keys.counsellor(to_name),
            ],
            args=[
                cid,
                from_name,
                to_name,
                now_ms(),
                self.lease_ms,
                *self._capacity_args(),
            ],
        )
        if _s(result[0]) != "ok":
            raise QueueError(_s(result[1]))
        await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:transferred")

    async def finish(self, cid: str, counsellor: str, new_mode: str) -> None:
        """Close (counsellor given) or leave the queue (counsellor "")."""
        held = self._held_keys(counsellor) if counsellor else ["-", "-"]
        result = await self._scripts["finish"](
            keys=[
                redis_keys.QUEUE,
                redis_keys.QUEUE_LEASES,
                redis_keys.conversation(cid),
                *held,
                redis_keys.emergency_details(cid),  # deleted when the counsellor closes
            ],
            args=[cid, counsellor, new_mode],
        )
        if _s(result[0]) != "ok":
            raise QueueError(_s(result[1]))
        await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:finished")

    async def renew_lease(self, cid: str) -> None:
        await self.redis.zadd(redis_keys.QUEUE_LEASES, {cid: now_ms() + self.lease_ms}, xx=True)

    async def reap_expired_leases(self) -> list[str]:
        """Put back conversations whose counsellor vanished (lease expired). Returns their ids."""
        expired = await self.redis.zrangebyscore(redis_keys.QUEUE_LEASES, 0, now_ms())
        requeued: list[str] = []
        for raw in expired:
            cid = _s(raw)
            holder = _s(await self.redis.hget(redis_keys.conversation(cid), "counsellor") or "")
            result = await self._scripts["release"](
                keys=[
                    redis_keys.QUEUE,
                    redis_keys.QUEUE_LEASES,
                    redis_keys.conversation(cid),
                    *self._held_keys(holder or "-"),
                ],
                args=[cid, "", now_ms()],
            )
            if _s(result[0]) == "ok":
                requeued.append(cid)
            else:
                await self.redis.zrem(redis_keys.QUEUE_LEASES, cid)
        if requeued:
            await self.redis.publish(redis_keys.DASHBOARD_CHANNEL, "queue:reaped")
        return requeued

    async def counsellors_online(self, window_ms: int = ONLINE_WINDOW_MS) -> int:
        return int(await self.redis.zcount(redis_keys.COUNSELLORS_ONLINE, now_ms() - window_ms, "+inf"))

    async def status(self, cid: str) -> QueueStatus | None:
        rank = await self.redis.zrank(redis_keys.QUEUE, cid)
        if rank is None:
            return None
        band = int(_s(await self.redis.hget(redis_keys.conversation(cid), "band") or "2"))
        online = await self.counsellors_online()
        return QueueStatus(
            position=int(rank) + 1,
            band=band,
            eta_seconds=await self.estimate_wait(band, int(rank) + 1, online),
            counsellors_online=online,
        )

    async def positions(self, cids: list[str]) -> dict[str, Position]:
        """The positions of every waiting conversation among `cids`, in one Lua call per
        POSITIONS_PER_CALL cids (not one round trip each). Conversations not waiting are left out."""
        found: dict[str, Position] = {}
        for start in range(0, len(cids), POSITIONS_PER_CALL):
            chunk = cids[start : start + POSITIONS_PER_CALL]
            keys = [redis_keys.QUEUE, redis_keys.COUNSELLORS_ONLINE, *(redis_keys.wait_stats(b) for b in range(3))]
            keys += [redis_keys.conversation(cid) for cid in chunk]
            reply = await self._scripts["positions"](keys=keys, args=[now_ms() - ONLINE_WINDOW_MS, *chunk])
            online = int(reply[0])
            ewma = [_s(value) for value in reply[1:4]]
            for i, cid in enumerate(chunk):
                rank, score, lang = reply[4 + 3 * i : 7 + 3 * i]
                if int(rank) < 0:
                    continue
                band = int(float(_s(score)) // BAND_SCORE)
                position = int(rank) + 1
                eta = estimate_seconds(ewma[band] if 0 <= band < 3 else "", position, online, self.capacity)
                enqueued = int(float(_s(score)) - band * BAND_SCORE)
                found[cid] = Position(position, band, enqueued, eta, _s(lang) or "da")
        return found

    async def estimate_wait(self, band: int, position: int, online: int) -> int | None:
        """EWMA of recent waits in the band, scaled by how many are ahead per counsellor online.

        None when nobody is online: we do not promise what we cannot keep.
        """
        if online <= 0:
            return None
        ewma_raw = await self.redis.hget(redis_keys.wait_stats(band), "ewma")
        return estimate_seconds(_s(ewma_raw) if ewma_raw is not None else "", position, online, self.capacity)

    async def _record_wait(self, band: int, waited_seconds: float) -> None:
        key = redis_keys.wait_stats(band)
        previous = await self.redis.hget(key, "ewma")
        value = (
            waited_seconds if previous is None else (1 - EWMA_ALPHA) * float(_s(previous)) + EWMA_ALPHA * waited_seconds
        )
        await self.redis.hset(key, mapping={"ewma": f"{value:.1f}", "updated_ms": now_ms()})


def estimate_seconds(ewma: str, position: int, online: int, capacity: int) -> int | None:
    """The estimate of `HandoffQueue.estimate_wait` from its inputs (`ewma` "" when the band has none)."""
    if online <= 0:
        return None
    per_slot = DEFAULT_CHAT_SECONDS / max(1, capacity)
    ahead = max(0, position - 1)
    queue_based = int(ahead * per_slot / online)
    if not ewma:
        return queue_based
    return int(max(float(ewma), queue_based) if ahead else float(ewma))


def eta_text(eta_seconds: int | None, lang: str) -> str:
    """A range, never false precision."""
    da = lang == "da"
    if eta_seconds is None:
        return "Vi kan ikke love en ventetid lige nu." if da else "We can't promise a waiting time right now."
    minutes = eta_seconds / 60
    if minutes < 3:
        return "Om et par minutter." if da else "In a few minutes."
    low = int(minutes // 5 * 5) or 5
    high = low + max(5, low // 2)
    return f"Cirka {low}–{high} minutter." if da else f"About {low}–{high} minutes."
