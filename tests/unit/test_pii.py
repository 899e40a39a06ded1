"""PII scrubbing: every identifier kind is replaced before storage; ordinary numbers survive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.services.pii import scrub


@pytest.mark.parametrize(
    ("text", "placeholder", "secret"),
    [
        ("skriv til mig på anna.jensen99@gmail.com", "[email]", "anna.jensen99@gmail.com"),
        ("mit nummer er 22334455", "[telefon]", "22334455"),
        ("ring 22 33 44 55 i aften", "[telefon]", "22 33 44 55"),
        ("ring 2233 4455", "[telefon]", "2233 4455"),
        ("my number is +45 22 33 44 55", "[telefon]", "22 33 44 55"),
        ("call me on +44 20 7946 0958", "[telefon]", "7946 0958"),
        ("0045 22334455 er min mors", "[telefon]", "22334455"),
        ("mit cpr er 010203-1234", "[cpr]", "010203-1234"),
        ("cpr 0102031234", "[cpr]", "0102031234"),
        ("jeg bor på Søndergade 12, 2. th i Aarhus", "[adresse]", "Søndergade 12"),
        ("I live at 221 Baker Street", "[adresse]", "221 Baker Street"),
        ("jeg bor på Strandvejen 45", "[adresse]", "Strandvejen 45"),  # found by bench/bench_soak.py
        ("Åboulevard 12, 2. th", "[adresse]", "Åboulevard 12"),
        ("se https://example.com/reset?token=abc123def456", "[link]", "token=abc123def456"),
    ],
)
def test_identifiers_are_replaced(text: str, placeholder: str, secret: str) -> None:
    scrubbed = scrub(text)
    assert placeholder in scrubbed
    assert secret not in scrubbed


@pytest.mark.parametrize("text", ["jeg er 15 år", "ring 112 nu", "klokken 23:45", "i 2024 skete det", "116 111"])
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert scrub(text) == text


@given(st.text(max_size=300))
def test_scrub_never_crashes(text: str) -> None:
    assert isinstance(scrub(text), str)
