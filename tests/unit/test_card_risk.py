"""A grooming meeting planned soon as a context floor in the gateway's judge stage (issue 17,
api/services/card_risk.py): the question marks the conversation, "soon" lifts the verdict to concern, a floor
never lowers, and nothing else is touched."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from api.services.card_risk import MEETING_QUESTION, MEETING_REASON, card_floor, with_flow_floor
from api.services.rasa_client import interpret


@dataclass(frozen=True)
class Verdict:
    level: str
    score: float = 0.1
    reasons: list[str] = field(default_factory=list)
    spans: tuple[tuple[int, int], ...] = ()


def test_the_meeting_question_is_read_from_rasas_custom_payload() -> None:
    reply = interpret([
        {"text": "Har I aftalt at mødes?", "buttons": [{"title": "Ja, snart", "payload": "ja snart"}]},
        {"custom": {"lyt": "card_question", "flow": "grooming", "slot": "card_meeting"}},
    ])
    assert reply.card_question == MEETING_QUESTION
    assert [e["text"] for e in reply.events] == ["Har I aftalt at mødes?"]  # the marker adds no bubble
    assert interpret([{"custom": {"lyt": "card_question", "flow": "x", "slot": "y"}}]).card_question is None


@pytest.mark.parametrize("answer", ["ja snart", "yes soon", "i morgen efter skole", "vi skal ses i weekenden",
                                    "tomorrow", "på lørdag"])
def test_soon_raises_none_to_concern_with_a_reason(answer: str) -> None:
    verdict = with_flow_floor(Verdict("none", reasons=[]), MEETING_QUESTION, answer)
    assert verdict.level == "concern" and verdict.reasons == [MEETING_REASON]


@pytest.mark.parametrize("answer", ["nej", "no", "måske senere", "maybe later", "ved ikke", "/ask_human"])
def test_other_answers_leave_the_verdict_alone(answer: str) -> None:
    original = Verdict("none")
    assert with_flow_floor(original, MEETING_QUESTION, answer) is original


def test_a_floor_never_lowers_and_needs_the_question() -> None:
    urgent = Verdict("urgent", 0.9, ["lexicon: x"], ((0, 3),))
    assert with_flow_floor(urgent, MEETING_QUESTION, "i morgen") is urgent
    concern = with_flow_floor(Verdict("concern", 0.5, ["model"], ((1, 2),)), MEETING_QUESTION, "i morgen")
    assert concern.level == "concern" and concern.reasons == ["model", MEETING_REASON]
    assert list(getattr(concern, "spans")) == [(1, 2)]
    no_question = Verdict("none")
    assert with_flow_floor(no_question, "", "vi mødes i morgen") is no_question


def test_a_grooming_card_chosen_by_a_meeting_soon_gives_the_floor() -> None:
    assert card_floor([("grooming", {}, {"card_meeting": "soon"})]) == "concern"
    assert card_floor([("grooming", {}, {"card_meeting": "later"})]) is None
    assert card_floor([("scam", {}, {"card_given": "money"})]) is None
