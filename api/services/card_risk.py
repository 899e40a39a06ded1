"""A guided flow's answer as a context signal for triage (issue 17): a grooming meeting planned soon.

The grooming flow (bot/domain/cards_flows.yml) asks "have you planned to meet?". Its question carries the
custom payload `{"lyt": "card_question", "flow": "grooming", "slot": "card_meeting"}`, and the gateway keeps
`card_question = "grooming:card_meeting"` on the conversation until the next bot turn. The young person's
answer is an ordinary youth message: triage judges it first, like every message, and then, in the same judge
stage, `with_flow_floor` applies the context: an answer that reads as "soon" (knowledge/card_answers.py, the
same reading the action server uses to fill the slot) makes the verdict at least `concern`, with a reason the
counsellor can read. A floor only: it never lowers what triage found, so an urgent answer stays urgent.

When the first message already says it ("han vil mødes med mig i morgen"), the form fills the answer at once
and no question is asked; the grooming card's answers (`card_meeting: soon`) then give the same floor after
the bot's turn (`card_floor`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from api.services.conversations import higher_level
from knowledge.card_answers import extract_answers

if TYPE_CHECKING:
    from api.state import TriageVerdict

MEETING_QUESTION = "grooming:card_meeting"
MEETING_FLOOR = "concern"
MEETING_REASON = "context: grooming flow, a meeting with the adult is planned soon"


@dataclass(frozen=True)
class FlooredVerdict:
    """Triage's verdict with a context floor applied (the same fields the gateway reads)."""

    level: str
    score: float
    reasons: list[str]
    spans: Sequence[tuple[int, int]] = field(default_factory=tuple)
    near_urgent: bool = False  # triage's mark for the safety question, carried over


def question_of(custom: dict[str, object]) -> str | None:
    """`flow:slot` from a `card_question` payload, or None when it is not one the gateway knows: the grooming
    meeting question (its answer may raise the risk), or any other card question (`card:card_<slot>`; its answer
    is only known to answer a card, so the safety question is not asked on nearness alone)."""
    value = f"{custom.get('flow')}:{custom.get('slot')}"
    known = value == MEETING_QUESTION or re.fullmatch(r"card:card_[a-z_]+", value) is not None
    return value if known else None


def meeting_soon(text: str) -> bool:
    return extract_answers(text, "card_meeting").get("card_meeting") == "soon"


def with_flow_floor(verdict: TriageVerdict, pending_question: str, raw_text: str) -> TriageVerdict:
    """The verdict, raised to `concern` when `raw_text` answers the grooming meeting question with "soon"."""
    if pending_question != MEETING_QUESTION or raw_text.strip().startswith("/") or not meeting_soon(raw_text):
        return verdict
    return floored(verdict, MEETING_FLOOR, MEETING_REASON)


def floored(verdict: TriageVerdict, floor: str, reason: str) -> TriageVerdict:
    """`verdict` at `floor` at least, with `reason` added; an urgent verdict as it is."""
    if verdict.level == "urgent":
        return verdict
    return FlooredVerdict(
        level=higher_level(verdict.level, floor),
        score=verdict.score,
        reasons=[*verdict.reasons, reason],
        spans=tuple(getattr(verdict, "spans", None) or ()),
        near_urgent=bool(getattr(verdict, "near_urgent", False)),
    )


def card_floor(cards: Sequence[tuple[str, object, dict[str, str]]]) -> str | None:
    """`concern` when a grooming card was chosen by a meeting planned soon (the answer came up front)."""
    soon = any(flow == "grooming" and answers.get("card_meeting") == "soon" for flow, _, answers in cards)
    return MEETING_FLOOR if soon else None
