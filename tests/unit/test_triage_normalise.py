"""Normalisation: case, æøå, repeated letters, leetspeak, misspellings, emoji, spans back to the text."""

from __future__ import annotations

import pytest

from knowledge.triage.normalise import Normaliser
from tests.unit.test_triage_support import content


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(content().emoji, content().words)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JEG VIL DØ", "jeg vil doe"),
        ("jeg vil doe", "jeg vil doe"),
        ("Jeg gider ik leve mere", "jeg gider ike leve mere"),
        ("jeg gider ikk leve mer", "jeg gider ike leve mere"),
        ("slå mig selv ihjel", "sla mig selv ihjel"),
        ("slaa mig selv ihjel", "sla mig selv ihjel"),
        ("være her", "vaere her"),
        ("vaere her", "vaere her"),
        ("i wanna diiiie", "i want to die"),
        ("killlll myselfff", "kil myself"),
        ("k1ll mys3lf", "kil myself"),
        ("$uicide", "suicide"),
        ("i'm so done", "i am so done"),
        ("he'll kill me", "he wil kil me"),
        ("i cant", "i can not"),
        ("k i l l myself", "kil myself"),
        ("sucide", "suicide"),
        ("selvmor", "selvmord"),
        ("Café", "cafe"),
    ],
)
def test_normalised_forms(norm: Normaliser, raw: str, expected: str) -> None:
    assert norm(raw).text == expected


def test_digits_outside_words_stay_digits(norm: Normaliser) -> None:
    text = norm("ring 112 eller 1813").text
    assert "112" in text and "1813" in text
    assert "24/7" in norm("24/7").text


def test_emoji_become_signal_words(norm: Normaliser) -> None:
    text = norm("i aften 🔪💊🪦").text
    assert "emjknife" in text and "emjpil" in text and "emjgrave" in text
    assert "emjskul" in norm("dead 💀").text
    assert norm("hej ❤️").text.strip() == "hej"  # other emoji are ignored


def test_spans_map_back_to_original_text(norm: Normaliser) -> None:
    raw = "Jeg vil ALDRIIIG dø 😭"
    normalised = norm(raw)
    start = normalised.text.index("aldrig")
    span = normalised.original_span(start, start + len("aldrig"))
    assert raw[span[0] : span[1]] == "ALDRIIIG"
    doe = normalised.text.index("doe")
    span = normalised.original_span(doe, doe + 3)
    assert raw[span[0] : span[1]] == "dø"


def test_empty_and_whitespace(norm: Normaliser) -> None:
    assert norm("").text == ""
    assert norm("   ").original_span(0, 0) == (0, 0)
