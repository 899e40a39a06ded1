"""Opening hours in Europe/Copenhagen time, e.g. "mon-fri 14:00-23:00; sat-sun 16:00-22:00"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Copenhagen")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {
    "da": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


@dataclass(frozen=True)
class Window:
    days: frozenset[int]
    start_minute: int
    end_minute: int


def parse_opening_hours(spec: str) -> list[Window]:
    """Parse "mon-fri 14:00-23:00; sun 16:00-22:00". Raises ValueError with a clear message."""
    windows: list[Window] = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        try:
            day_part, time_part = part.split()
            first, _, last = day_part.lower().partition("-")
            start_day, end_day = DAYS.index(first), DAYS.index(last or first)
            start, _, end = time_part.partition("-")
            windows.append(Window(frozenset(range(start_day, end_day + 1)), _minutes(start), _minutes(end)))
        except ValueError as exc:
            raise ValueError(f"bad opening hours {part!r}: use e.g. 'mon-fri 14:00-23:00'") from exc
    return windows


def _minutes(hhmm: str) -> int:
    hours, _, minutes = hhmm.partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= 24 * 60:
        raise ValueError(hhmm)
    return value


def is_open(windows: list[Window], at: datetime | None = None) -> bool:
    local = (at or datetime.now(TZ)).astimezone(TZ)
    minute = local.hour * 60 + local.minute
    return any(local.weekday() in w.days and w.start_minute <= minute < w.end_minute for w in windows)


def next_opening(windows: list[Window], lang: str, at: datetime | None = None) -> str:
    """A human phrase for the next opening, e.g. 'tirsdag kl. 14:00'."""
    local = (at or datetime.now(TZ)).astimezone(TZ).replace(second=0, microsecond=0)
    for step in range(0, 8 * 24 * 60, 15):
        probe = local + timedelta(minutes=step)
        if is_open(windows, probe):
            names = DAY_NAMES.get(lang, DAY_NAMES["da"])
            word = "kl." if lang == "da" else "at"
            return f"{names[probe.weekday()]} {word} {probe:%H:%M}"
    return "snart" if lang == "da" else "soon"
