"""Process-wide objects created at start-up (in the lifespan), never at import time."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from redis.asyncio import Redis

from api.services.hours import Window
from api.services.queue import HandoffQueue
from api.services.rasa_client import RasaClient
from api.settings import Settings

if TYPE_CHECKING:
    from api.services.emergency import EmergencyVault
    from knowledge.triage.sentence_embedding import EmbeddingSink


class TriageVerdict(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def reasons(self) -> list[str]: ...


class TriageJudge(Protocol):
    def judge(
        self, text: str, history: Sequence[str] = (), on_embedding: EmbeddingSink | None = None
    ) -> TriageVerdict: ...


def triage_thread(nice: int = 0) -> ThreadPoolExecutor:
    """The single triage worker thread, at niceness `nice` (Linux threads have their own)."""

    def lower_priority() -> None:
        with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed: run as is
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage", initializer=lower_priority if nice else None)


@dataclass
class AppState:
    settings: Settings
    redis: Redis
    queue: HandoffQueue
    rasa: RasaClient
    triage: TriageJudge
    opening_hours: list[Window]
    # One thread judges messages, in arrival order: the event loop stays free meanwhile, and messages
    # never compete for the embedding model (it serialises calls anyway).
    triage_thread: ThreadPoolExecutor = field(default_factory=triage_thread)
    # Seals and opens emergency details (api/services/emergency.py); None when they are switched off.
    emergency_vault: EmergencyVault | None = None

    async def judge(
        self, text: str, history: Sequence[str] = (), on_embedding: EmbeddingSink | None = None
    ) -> TriageVerdict:
        """Triage off the event loop (in `triage_thread`). `on_embedding` gets the message's embedding
        there, as soon as it is computed (api/services/query_vector.py)."""
        return await asyncio.get_running_loop().run_in_executor(
            self.triage_thread, functools.partial(self.triage.judge, text, history, on_embedding=on_embedding)
        )
