"""The direct safety question's pure parts: reading an answer, and when to ask (api/services/safety_question.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from api.services.safety_question import Asked, answer_of_text, kind_to_ask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", "yes"),
        ("Ja", "yes"),
        ("jo", "yes"),
        ("jaa det gør jeg", "yes"),
        ("yes", "yes"),
        ("yeah", "yes"),
        ("yep sometimes", "unsure"),  # "sometimes" is not a no: counted as unsure (urgent)
        ("måske", "unsure"),
        ("maaske", "unsure"),
        ("Ved ikke", "unsure"),
        ("ved ik", "unsure"),
        ("det ved jeg ikke", "unsure"),
        ("nej jeg ved det ikke", "unsure"),
        ("idk", "unsure"),
        ("I don't know", "unsure"),
        ("i dont know", "unsure"),
        ("maybe", "unsure"),
        ("not sure", "unsure"),
        ("nej", "no"),
        ("Nej.", "no"),
        ("nej det gør jeg ikke", "no"),
        ("no", "no"),
        ("nope", "no"),
        ("not really", "no"),
        ("slet ikke", "no"),
        ("hvad mener du", None),
        ("/ask_human", None),
        ("", None),
    ],
)
def test_answer_of_text_reads_yes_no_and_unsure_in_danish_and_english(text: str, expected: str | None) -> None:
    assert answer_of_text(text) == expected


@dataclass
class FakeVerdict:  # the shape of knowledge.triage.judge.TriageResult, without loading triage
    level: str
    score: float = 0.5
    reasons: list[str] = field(default_factory=list)
    near_urgent: bool = False


@dataclass
class FlaggedVerdict(FakeVerdict):
    ask_safety_question: bool = False


def test_a_death_wish_at_concern_gets_the_suicide_question() -> None:
    verdict = FakeVerdict("concern", 0.6, ['lexicon: "wish i could just disappear" (concern, en)'])
    assert kind_to_ask(verdict, "i kinda wish i could just disappear", "none", None) == "suicide"
    assert kind_to_ask(FakeVerdict("concern", 0.4), "nogle gange ønsker jeg at jeg var død", "none", None) == "suicide"


def test_violence_at_concern_gets_the_danger_question() -> None:
    verdict = FakeVerdict("concern", 0.6, ['lexicon: "dad hits me" (concern, en)'])
    assert kind_to_ask(verdict, "my dad hits me when he is drunk", "none", None) == "danger"


def test_near_the_urgent_threshold_is_asked_even_without_a_signal_word() -> None:
    """Near: triage marked the message near urgent (the semantic layer's calibrated p(urgent) reached its
    near-urgent bar, chosen out of fold at 0.98 urgent recall), or the classifier's p_urgent >= 0.35."""
    near = FakeVerdict("concern", 0.5, ["semantic: concern, close to concern example (p_urgent=0.20, p_concern=0.70)"])
    assert kind_to_ask(near, "ja det gør jeg", "none", None) is None  # the reason's number alone is not read
    marked = FakeVerdict("concern", 0.5, near.reasons, near_urgent=True)
    assert kind_to_ask(marked, "ja det gør jeg", "none", None) == "danger"  # no words of either kind
    near_p = ["classifier: concern (p_urgent=0.41, p_concern=0.30)"]
    assert kind_to_ask(FakeVerdict("concern", 0.5, near_p), "ja det gør jeg", "none", None) == "danger"
    assert kind_to_ask(marked, "jeg vil bare forsvinde", "none", None) == "suicide"
    assert kind_to_ask(FakeVerdict("concern", 0.4), "jeg har det bare dårligt for tiden", "none", None) is None
    assert kind_to_ask(FakeVerdict("none", 0.3, near_urgent=True), "ok tak", "none", None) is None  # concern only
    # answering a card's question: signal words only, not nearness alone
    assert kind_to_ask(marked, "ja de har ændret min mail", "none", None, answering_card=True) is None
    hurt = FakeVerdict("concern", 0.5, ['lexicon: "hurt myself" (concern, en)'], near_urgent=True)
    assert kind_to_ask(hurt, "yes and i hurt myself", "none", None, answering_card=True) == "suicide"


def test_the_semantic_layers_example_kinds_are_not_read_as_signal_words() -> None:
    """A semantic reason names the closest curated example's kind; its words are not the young person's."""
    kinds = [
        "semantic: concern, close to lexicon da-misbrugt (p_urgent=0.09, p_concern=0.81, similarity 0.68)",
        "semantic: concern, close to suicidal thoughts that sound dramatic (p_urgent=0.05, p_concern=0.8)",
    ]
    assert kind_to_ask(FakeVerdict("concern", 0.5, kinds), "jeg er blevet snydt", "none", None) is None
    assert kind_to_ask(FakeVerdict("concern", 0.5, kinds), "ja, i morgen efter skole", "none", None) is None


def test_never_asked_twice_never_when_urgent_and_never_for_none() -> None:
    verdict = FakeVerdict("concern", 0.6, ['lexicon: "hurt myself" (concern, en)'])
    assert kind_to_ask(verdict, "i hurt myself sometimes", "none", Asked(pending=False)) is None
    assert kind_to_ask(verdict, "i hurt myself sometimes", "urgent", None) is None
    assert kind_to_ask(FakeVerdict("urgent", 0.9), "i hurt myself", "none", None) is None
    assert kind_to_ask(FakeVerdict("none", 0.1), "what is the deadline", "none", None) is None


def test_the_verdicts_own_flag_wins_once_triage_sets_it() -> None:
    plain = "jeg har det bare dårligt for tiden"
    assert kind_to_ask(FlaggedVerdict("concern", 0.4, [], ask_safety_question=True), plain, "none", None) == "danger"
    flagged_off = FlaggedVerdict("concern", 0.6, ['lexicon: "hurt myself" (concern, en)'], ask_safety_question=False)
    assert kind_to_ask(flagged_off, "i hurt myself", "none", None) is None
