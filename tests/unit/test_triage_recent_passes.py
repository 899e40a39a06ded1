"""Recent passes (docs/TRIAGE.md): each pass's floors, written as kinds from the misses of fresh hold-outs, and its
word senses for false alarms, as one table of (sentence, the levels it may get) per pass in `triage_cases_*_pass.py`.
One test runs every table; one strict xfail keeps each pass's known false alarms visible (a fix shows up as XPASS and
moves the sentence into its table)."""

from __future__ import annotations

import pytest

from tests.unit import (
    triage_cases_thirtieth_pass,
    triage_cases_thirty_first_pass,
    triage_cases_twenty_eighth_pass,
    triage_cases_twenty_ninth_pass,
    triage_cases_twenty_seventh_pass,
    triage_cases_twenty_sixth_pass,
)
from tests.unit.test_triage_support import triage

PASSES = {
    "twenty-sixth": triage_cases_twenty_sixth_pass,
    "twenty-seventh": triage_cases_twenty_seventh_pass,
    "twenty-eighth": triage_cases_twenty_eighth_pass,
    "twenty-ninth": triage_cases_twenty_ninth_pass,
    "thirtieth": triage_cases_thirtieth_pass,
    "thirty-first": triage_cases_thirty_first_pass,
}


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        pytest.param(text, allowed, id=f"{name}-{i}")
        for name, module in PASSES.items()
        for i, (text, allowed) in enumerate(module.CASES)
    ],
)
def test_kinds_of_recent_passes_get_their_level(text: str, allowed: frozenset[str]) -> None:
    result = triage().judge(text)
    assert result.level in allowed, (text, result.level, result.reasons)


@pytest.mark.xfail(strict=True, reason="judged urgent; each pass's section of docs/TRIAGE.md says by what")
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(text, id=f"{name}-{i}")
        for name, module in PASSES.items()
        for i, text in enumerate(getattr(module, "KNOWN_FALSE_ALARMS", ()))
    ],
)
def test_known_false_alarms_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", result.reasons
