"""Process-wide objects created at start-up (in the lifespan), never at import time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from api.services.hours import Window
from api.services.queue import HandoffQueue
from api.services.rasa_client import RasaClient
from api.settings import Settings


class TriageVerdict(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def reasons(self) -> list[str]: ...


class TriageJudge(Protocol):
    def judge(self, text: str, history: Sequence[str] = ()) -> TriageVerdict: ...


@dataclass
class AppState:
    settings: Settings
    redis: Redis
    queue: HandoffQueue
    rasa: RasaClient
    triage: TriageJudge
    opening_hours: list[Window]
