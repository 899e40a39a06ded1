"""Conversation-level context rules: a farewell after earlier distress, a third-party emergency told
over two or three messages. Content: knowledge/risk/conversation/rules.yml.

Both rules only RAISE the current message to `urgent` and need earlier youth messages; a message judged
without history is never changed, so single-message triage is untouched. The file sits outside the
knowledge/risk/*.yml set, so it is neither a classifier feature nor part of the triage cache key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.triage.content import ContentError
from knowledge.triage.matching import compile_pattern
from knowledge.triage.normalise import NormalisedText, Normaliser, Span

THIRD_PARTY_WINDOW = 2  # earlier youth messages looked at for the third-party rule (plus the current one)
PIECES = ("someone", "danger", "unreachable")


@dataclass(frozen=True)
class Earlier:
    """How triage judged one earlier youth message (without its own context)."""

    text: str
    level: str
    signals: frozenset[str]


@dataclass(frozen=True)
class Raise:
    rule: str  # "farewell" | "third-party"
    span: Span  # in the normalised current message
    because: str  # the earlier message (or pieces) that made it count


def _patterns(data: Any, where: str) -> list[str]:
    if not isinstance(data, list) or not data or not all(isinstance(p, str) and p for p in data):
        raise ContentError(f"{where}: expected a non-empty list of patterns")
    return data


class ConversationRules:
    def __init__(self, data: Any, normaliser: Normaliser) -> None:
        if not isinstance(data, dict):
            raise ContentError("conversation/rules.yml: expected a mapping")
        farewell = data.get("farewell") or {}

        def compile_(pattern: str) -> re.Pattern[str]:
            return compile_pattern(normaliser, pattern)

        self.farewell = [
            compile_(p) for lang in ("da", "en") for p in _patterns(farewell.get(lang), f"farewell.{lang}")
        ]
        self.distress = [compile_(p) for p in _patterns(data.get("distress"), "distress")]
        signals = data.get("distress_signals") or []
        if not isinstance(signals, list):
            raise ContentError("distress_signals: expected a list of signal categories")
        self.distress_signals = frozenset(str(s) for s in signals)
        third = data.get("third_party") or {}
        self.third_party = {
            piece: [compile_(p) for p in _patterns(third.get(piece), f"third_party.{piece}")] for piece in PIECES
        }

    @classmethod
    def load(cls, path: Path, normaliser: Normaliser) -> ConversationRules | None:
        if not path.exists():
            return None
        with path.open(encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle), normaliser)

    @staticmethod
    def _search(regexes: Sequence[re.Pattern[str]], text: str) -> Span | None:
        for regex in regexes:
            m = regex.search(text)
            if m and m.end() > m.start():
                return m.span()
        return None

    def is_farewell(self, norm: NormalisedText) -> Span | None:
        return self._search(self.farewell, norm.text)

    def pieces(self, text: str) -> dict[str, Span]:
        """Which third-party pieces a normalised message carries."""
        found = {}
        for piece, regexes in self.third_party.items():
            span = self._search(regexes, text)
            if span is not None:
                found[piece] = span
        return found

    def distressed(self, earlier: Earlier, normalise: Callable[[str], NormalisedText]) -> bool:
        if earlier.level == "urgent":
            return True
        if earlier.level != "concern":
            return False
        return (
            bool(earlier.signals & self.distress_signals)
            or self._search(self.distress, normalise(earlier.text).text) is not None
        )

    def farewell_raise(
        self,
        norm: NormalisedText,
        earlier: Callable[[], Sequence[Earlier]],
        normalise: Callable[[str], NormalisedText],
    ) -> Raise | None:
        """(a) A farewell after an earlier distressed message of the same conversation."""
        span = self.is_farewell(norm)
        if span is None:
            return None
        for message in earlier():
            if self.distressed(message, normalise):
                return Raise("farewell", span, message.text)
        return None

    def third_party_raise(
        self, norm: NormalisedText, history: Sequence[str], normalise: Callable[[str], NormalisedText]
    ) -> Raise | None:
        """(b) Someone else + a danger sign + unreachable/now, added up over the last 2-3 youth messages."""
        if not history:
            return None
        own = self.pieces(norm.text)
        if not own or len(own) == len(PIECES):
            return None  # nothing new here, or the message alone has it all (single-message triage's job)
        window = [self.pieces(normalise(t).text) for t in list(history)[-THIRD_PARTY_WINDOW:]] + [own]
        if not all(any(piece in found for found in window) for piece in PIECES):
            return None
        # the danger sign must be told about someone else, in the same message
        if not any("danger" in found and "someone" in found for found in window):
            return None
        span = next(own[p] for p in ("unreachable", "danger", "someone") if p in own)
        return Raise("third-party", span, "someone else + danger sign + unreachable/now over the last messages")
