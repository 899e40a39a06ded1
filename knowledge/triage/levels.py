"""Risk levels and the stickiness helper (taxonomy.yml `risk_levels`)."""

from __future__ import annotations

from typing import Literal, cast

Level = Literal["none", "concern", "urgent"]
LEVELS: tuple[Level, ...] = ("none", "concern", "urgent")  # lowest first
RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


def as_level(value: str) -> Level:
    """Validate a level name from content files or callers."""
    if value not in RANK:
        raise ValueError(f"unknown risk level {value!r}; expected one of {', '.join(LEVELS)}")
    return cast(Level, value)


def max_level(*levels: str) -> Level:
    """The highest of the given levels (`none` when given nothing)."""
    best: Level = "none"
    for level in levels:
        if RANK[as_level(level)] > RANK[best]:
            best = as_level(level)
    return best


def sticky_level(current: str, new: str) -> Level:
    """A conversation's level after a new verdict: the highest level seen (risk is sticky).

    Only a counsellor lowers a conversation's level; a later `none` ("jk", "nvm") never does.
    """
    return max_level(current, new)


def at_least(level: str, floor: str) -> bool:
    return RANK[as_level(level)] >= RANK[as_level(floor)]
