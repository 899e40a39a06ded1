"""Helpline data and the safety message. Numbers come only from knowledge/helplines.yml."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HELPLINES_FILE = Path(__file__).resolve().parent / "helplines.yml"
DISPLAYABLE_CONFIDENCE = frozenset({"high", "medium"})
log = logging.getLogger("lyt.helplines")


@dataclass(frozen=True)
class Helpline:
    id: str
    name: dict[str, str]
    phone: str | None
    website: str | None
    open_24_7: bool
    purpose: dict[str, str]
    confidence: str
    source: str
    verified: bool

    def display_phone(self) -> str | None:
        """The number, only when its confidence allows showing it."""
        return self.phone if self.phone and self.confidence in DISPLAYABLE_CONFIDENCE else None

    def display(self, lang: str) -> str | None:
        """'Name: number' or 'Name: website', or None when neither may be shown."""
        name = self.name.get(lang) or self.name["da"]
        phone = self.display_phone()
        if phone:
            return f"{name}: {phone}"
        if self.website:
            return f"{name}: {self.website}"
        return None


def _from_dict(raw: dict[str, Any]) -> Helpline:
    return Helpline(
        id=raw["id"],
        name=raw["name"],
        phone=raw.get("phone"),
        website=raw.get("website"),
        open_24_7=bool(raw.get("open_24_7")),
        purpose=raw.get("for", {}),
        confidence=raw["confidence"],
        source=raw["source"],
        verified=bool(raw.get("verified")),
    )


@lru_cache(maxsize=4)
def load_helplines(path: Path = HELPLINES_FILE) -> dict[str, Helpline]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {raw["id"]: _from_dict(raw) for raw in data["helplines"]}


def log_unverified(helplines: dict[str, Helpline]) -> list[str]:
    """Log (at start-up) every entry the operator has not verified; returns their ids."""
    unverified = sorted(h.id for h in helplines.values() if not h.verified)
    if unverified:
        log.warning("helplines not verified by the operator: %s", ", ".join(unverified))
    return unverified


_SAFETY = {
    "da": (
        "Tak fordi du fortæller mig det. Du er ikke alene. "
        "Er du i fare lige nu, så ring {emergency}. {child_line} "
        "En rådgiver er på vej til dig her i chatten."
    ),
    "en": (
        "Thank you for telling me. You are not alone. "
        "If you are in danger right now, call {emergency}. {child_line} "
        "A counsellor is on the way to you here in the chat."
    ),
}
_CHILD_LINE = {
    "da": "Du kan også altid ringe til {name} på {phone}, døgnet rundt.",
    "en": "You can also call {name} on {phone}, day and night.",
}


def safety_message(lang: str, helplines: dict[str, Helpline] | None = None) -> str:
    """The urgent safety message: always 112, plus the 24/7 child helpline when it may be shown."""
    lines = helplines if helplines is not None else load_helplines()
    lang = lang if lang in _SAFETY else "da"
    emergency = lines["emergency_112"].display_phone() or "112"
    child = lines.get("bornetelefonen")
    child_line = ""
    if child and child.display_phone():
        child_line = _CHILD_LINE[lang].format(name=child.name.get(lang, child.name["da"]), phone=child.display_phone())
    return _SAFETY[lang].format(emergency=emergency, child_line=child_line).replace("  ", " ")
