"""Gateway factory for benchmark runs made before knowledge.triage exists: a keyword stand-in.

Only used when `knowledge.triage` cannot be imported (results then say `triage: stub`). The real
run of `make bench` uses `api.main:create_app` with the real triage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

import api.main


@dataclass
class StubVerdict:
    level: str
    score: float
    reasons: list[str] = field(default_factory=list)


class KeywordTriage:
    URGENT = ("vil ikke leve", "kill myself", "slå mig selv ihjel", "end my life")
    CONCERN = ("skade mig selv", "hurt myself", "cutting")

    def judge(self, text: str, history: Sequence[str] = (), on_embedding: Any = None) -> StubVerdict:
        lowered = text.lower()
        if any(word in lowered for word in self.URGENT):
            return StubVerdict("urgent", 1.0, ["stub"])
        if any(word in lowered for word in self.CONCERN):
            return StubVerdict("concern", 0.6, ["stub"])
        return StubVerdict("none", 0.0)


def create_app() -> FastAPI:
    api.main.load_triage = KeywordTriage
    return api.main.create_app()
