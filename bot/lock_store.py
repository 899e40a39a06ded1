"""A Redis ticket lock store with one atomic script per step (runs in the Rasa venv).

Rasa serialises the messages of one conversation with a ticket lock. Its RedisLockStore keeps the lock as
one JSON value and reads and writes it in separate calls: GET + SET to take a ticket, GET to check it,
GET + SET + GET + DEL to finish. That is 7 round trips per message (14.5% of Rasa's time here,
docs/PERFORMANCE.md), and two Rasa workers taking a ticket at the same moment can overwrite each other's
ticket between the GET and the SET.

This store keeps the same value (Rasa's `TicketLock` JSON, so both stores can share a key) but changes
it only inside Lua scripts, which Redis runs atomically:

  take    drop expired tickets, append a new one, return (ticket, now serving)   1 round trip
  check   drop expired tickets, return the ticket now served (only when waiting)  1 per retry
  finish  drop this ticket and expired ones; delete the key when none is left     1 round trip

So an uncontended message costs 2 round trips, and tickets are never lost to a race. The key also expires
with the ticket lifetime, so a lock left by a crashed worker does not outlive its tickets. A waiting
message checks again every `poll_seconds` (50 ms) instead of Rasa's 1 s.

endpoints.yml:  lock_store: {type: bot.lock_store.AtomicRedisLockStore, url, port, db, password, key_prefix}
Keys: "<key_prefix>:lock:<conversation id>", as RedisLockStore names them (api/redis_keys.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    LockError,
    LockStore,
)
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_speedups

POLL_SECONDS = 0.05

# Tickets are JSON strings inside the lock's JSON, as rasa.core.lock.TicketLock.dumps writes them.
# Lua's cjson encodes an empty table as {}: an empty lock is therefore deleted, never stored.
_LIVE_TICKETS = """
local function live_tickets(raw, now)
  local kept, numbers = {}, {}
  if raw then
    for _, encoded in ipairs(cjson.decode(raw)['tickets'] or {}) do
      local ticket = cjson.decode(encoded)
      if ticket['expires'] >= now then
        kept[#kept + 1] = encoded
        numbers[#numbers + 1] = ticket['number']
      end
    end
  end
  return kept, numbers
end
local function store(key, conversation_id, kept, ttl_ms)
  if #kept == 0 then
    redis.call('DEL', key)
  else
    redis.call('SET', key, cjson.encode({conversation_id = conversation_id, tickets = kept}), 'PX', ttl_ms)
  end
end
"""

# KEYS[1] lock key; ARGV: now, lifetime seconds, conversation id, key ttl ms -> {ticket, now serving}
TAKE_SCRIPT = (
    _LIVE_TICKETS
    + """
local now, lifetime = tonumber(ARGV[1]), tonumber(ARGV[2])
local kept, numbers = live_tickets(redis.call('GET', KEYS[1]), now)
local ticket = 0
if #numbers > 0 then ticket = numbers[#numbers] + 1 end
kept[#kept + 1] = cjson.encode({number = ticket, expires = now + lifetime})
store(KEYS[1], ARGV[3], kept, ARGV[4])
return {ticket, numbers[1] or ticket}
"""
)

# KEYS[1]; ARGV: now, conversation id, key ttl ms -> the ticket now served, or -1 if there is no lock
CHECK_SCRIPT = (
    _LIVE_TICKETS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local kept, numbers = live_tickets(raw, tonumber(ARGV[1]))
store(KEYS[1], ARGV[2], kept, ARGV[3])
return numbers[1] or -1
"""
)

# KEYS[1]; ARGV: now, ticket, conversation id, key ttl ms -> number of tickets left
FINISH_SCRIPT = (
    _LIVE_TICKETS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local kept, numbers = live_tickets(raw, tonumber(ARGV[1]))
local left = {}
for i, number in ipairs(numbers) do
  if number ~= tonumber(ARGV[2]) then left[#left + 1] = kept[i] end
end
store(KEYS[1], ARGV[3], left, ARGV[4])
return #left
"""
)


class AtomicRedisLockStore(LockStore):
    """Rasa's ticket lock in Redis, each step one atomic script (see the module docstring)."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        poll_seconds: float = POLL_SECONDS,
        **kwargs: Any,
    ) -> None:
        import redis

        settings: dict[str, Any] = {**(endpoint_config.kwargs if endpoint_config else {}), **kwargs}
        host = (endpoint_config.url if endpoint_config else None) or settings.pop("host", "localhost")
        settings.pop("type", None)
        self.red = redis.StrictRedis(
            host=host,
            port=int(settings.get("port") or 6379),
            db=int(settings.get("db") or 0),
            username=settings.get("username") or None,
            password=settings.get("password") or None,
            ssl=str(settings.get("use_ssl", "false")).lower() == "true",
            socket_timeout=float(settings.get("socket_timeout") or DEFAULT_SOCKET_TIMEOUT_IN_SECONDS),
        )
        prefix = settings.get("key_prefix")
        self.key_prefix = (
            f"{prefix}:{DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX}"
            if isinstance(prefix, str) and prefix.isalnum()
            else DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        )
        self.poll_seconds = float(settings.get("poll_seconds") or poll_seconds)
        self._take = self.red.register_script(TAKE_SCRIPT)
        self._check = self.red.register_script(CHECK_SCRIPT)
        self._finish = self.red.register_script(FINISH_SCRIPT)
        super().__init__()
        rasa_speedups.install()  # the Rasa server creates this store before it loads the model

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    @staticmethod
    def _ttl_ms(lifetime: float) -> int:
        return max(1000, int(lifetime * 1000) + 1000)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Take a ticket, wait for its turn (checking every `poll_seconds`), and always finish it."""
        ticket, serving = self._take_ticket(conversation_id, lock_lifetime)
        try:
            poll = min(self.poll_seconds, wait_time_in_seconds)
            while serving != ticket:
                await asyncio.sleep(poll)
                serving = int(
                    self._check(
                        keys=[self._key(conversation_id)],
                        args=[repr(time.time()), conversation_id, self._ttl_ms(lock_lifetime)],
                    )
                )
                if serving == -1:  # every ticket expired, ours included
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lock_lifetime)]))
        finally:
            self._finish_ticket(conversation_id, ticket, lock_lifetime)

    def _take_ticket(self, conversation_id: str, lifetime: float) -> tuple[int, int]:
        """(our ticket, the ticket now served), in one script."""
        ticket, serving = self._take(
            keys=[self._key(conversation_id)],
            args=[repr(time.time()), repr(float(lifetime)), conversation_id, self._ttl_ms(lifetime)],
        )
        return int(ticket), int(serving)

    def _finish_ticket(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        self._finish(
            keys=[self._key(conversation_id)],
            args=[repr(time.time()), int(ticket), conversation_id, self._ttl_ms(lifetime)],
        )

    # The single-step API of LockStore, for any caller that uses it directly.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        raw = self.red.get(self._key(conversation_id))
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def delete_lock(self, conversation_id: str) -> None:
        self.red.delete(self._key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        self.red.set(self._key(lock.conversation_id), lock.dumps(), px=self._ttl_ms(LOCK_LIFETIME))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._take_ticket(conversation_id, lock_lifetime)[0]

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._finish_ticket(conversation_id, ticket_number, LOCK_LIFETIME)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)

