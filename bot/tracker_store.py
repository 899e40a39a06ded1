"""A Redis tracker store that keeps only the recent turns of a conversation (runs in the Rasa venv).

Rasa's RedisTrackerStore keeps the whole conversation in one JSON value. Every message deserialises
all of it, merges it and writes it back, and the policies turn every past event into states, so a turn
gets slower the longer the conversation is: measured here, turn 100 cost about 5x turn 1
(docs/rasa_pipeline.md). Lyt's dialogue only looks back a few turns (rules on the last intent,
MemoizationPolicy max_history 3), and the gateway keeps the full conversation in its own stream.

So this store saves only the last `max_turns` user turns. The cut is made at a user turn and starts
like a fresh session, as `action_session_start` would write it: `action_session_start`,
`session_started`, the slot values at that point (the language), then `action_listen` and the kept
turns. Keys and expiry are those of RedisTrackerStore: "<key_prefix>:tracker:<sender id>", `record_exp`.
Reading a tracker also resolves event classes through a cache: Rasa scans every Event subclass for every
stored event, which was the largest single cost of a turn. Creating the store also installs
bot/rasa_speedups.py (cheaper validation of action server responses).

endpoints.yml:  tracker_store: {type: bot.tracker_store.BoundedRedisTrackerStore, max_turns: 3, ...}
(`rasa run` puts its working directory on sys.path, so run it from the repository root, or /app in
the rasa/rasa image where bot/ is mounted.)
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_speedups

DEFAULT_MAX_TURNS = 5


def deleted_key(sender_id: str) -> str:
    """The gateway's tombstone of a deleted conversation (api/redis_keys.py `deleted`, same name)."""
    return "lyt:deleted:" + hashlib.sha256(sender_id.encode()).hexdigest()[:32]


class BoundedRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore that stores at most `max_turns` user turns per conversation."""

    def __init__(
        self,
        domain: Domain,
        host: str = "localhost",
        port: Any = 6379,
        db: Any = 0,
        password: str | None = None,
        record_exp: Any = None,
        key_prefix: str | None = None,
        max_turns: Any = DEFAULT_MAX_TURNS,
        **kwargs: Any,
    ) -> None:
        # Values from endpoints.yml arrive as strings after ${ENV} expansion.
        super().__init__(
            domain=domain,
            host=host,
            port=int(port),
            db=int(db),
            password=password or None,
            record_exp=float(record_exp) if record_exp else None,
            key_prefix=key_prefix,
            **kwargs,
        )
        self.max_turns = max(1, int(max_turns))
        rasa_speedups.install()  # the Rasa server creates this store at start-up: patch once, there

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Save the recent part of the conversation (no read-merge-write: the lock store serialises
        messages of one conversation, and older turns are dropped on purpose)."""
        await self.stream_events(tracker)
        bounded = bound_tracker(tracker, self.max_turns, self.domain)
        expiry = timeout or self.record_exp
        key = self.key_prefix + tracker.sender_id
        # "Delete my chat" during this turn: the gateway left a tombstone before erasing. Checked in the
        # same transaction as the write; a delete after it erases this key itself.
        pipe = self.red.pipeline(transaction=True)
        pipe.exists(deleted_key(tracker.sender_id))
        pipe.set(key, self.serialise_tracker(bounded), ex=int(expiry) if expiry else None)
        was_deleted, _ = pipe.execute()
        if was_deleted:
            self.red.delete(key)

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> DialogueStateTracker | None:
        """Like TrackerStore.deserialise_tracker, with cached event class lookup."""
        data = json.loads(serialised_tracker)
        events = [event for event in map(event_from_dict, data.get("events", [])) if event is not None]
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue(data.get("name", sender_id), events))
        return tracker


@functools.cache
def event_class(type_name: str) -> type[Event] | None:
    return Event.resolve_by_type(type_name)


def event_from_dict(parameters: dict[str, Any]) -> Event | None:
    """Event.from_parameters without the scan of all Event subclasses per event."""
    type_name = parameters.get("event")
    cls = event_class(type_name) if type_name else None
    return cls._from_parameters(parameters) if cls else None


def bound_tracker(tracker: DialogueStateTracker, max_turns: int, domain: Domain) -> DialogueStateTracker:
    """The tracker with only its last `max_turns` user turns (the tracker itself if it is short)."""
    events: list[Event] = list(tracker.events)
    user_turns = [index for index, event in enumerate(events) if isinstance(event, UserUttered)]
    if len(user_turns) <= max_turns:
        return tracker
    cut = user_turns[-max_turns]
    if cut > 0 and isinstance(events[cut - 1], ActionExecuted) and events[cut - 1].action_name == ACTION_LISTEN_NAME:
        cut -= 1
    before = DialogueStateTracker.from_events(tracker.sender_id, events[:cut], slots=domain.slots)
    start = events[cut].timestamp
    carried = [
        SlotSet(slot.name, slot.value, timestamp=start)
        for slot in before.slots.values()
        if slot.value != slot.initial_value
    ]
    head: list[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=start),
        SessionStarted(timestamp=start),
        *carried,
    ]
    if not (isinstance(events[cut], ActionExecuted) and events[cut].action_name == ACTION_LISTEN_NAME):
        head.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=start))
    return DialogueStateTracker.from_events(
        tracker.sender_id, head + events[cut:], slots=domain.slots, sender_source=tracker.sender_source
    )
