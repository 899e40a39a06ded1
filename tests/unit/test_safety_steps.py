"""knowledge/safety_steps.yml: sourced, numbers only from the helpline data, the right steps for what was said."""

from __future__ import annotations

import re

import pytest

from knowledge.helplines import load_helplines
from knowledge.safety_steps import LANGS, load_situations, placeholders, safety_steps, situation_for


def test_every_situation_is_sourced_in_both_languages_and_names_only_its_helplines() -> None:
    helplines = load_helplines()
    situations = load_situations()
    assert {s.id for s in situations} >= {"overdose", "violence", "self_harm", "generic"}
    for situation in situations:
        assert re.match(r"https?://\S+$", situation.source), situation.id
        assert situation.helplines and set(situation.helplines) <= set(helplines), situation.id
        for lang in LANGS:
            assert situation.title[lang] and len(situation.steps[lang]) >= 2, (situation.id, lang)
            for template in situation.steps[lang]:
                outside = re.sub(r"\{[^}]*\}", "", template)
                assert not re.search(r"\d", outside), f"a number typed into {situation.id}: {template}"
                for helpline_id, _ in placeholders(template):
                    assert helpline_id in situation.helplines, (situation.id, helpline_id)


@pytest.mark.parametrize("lang", LANGS)
def test_every_urgent_card_says_112_and_the_24_7_line_comes_from_the_helpline_data(lang: str) -> None:
    child = load_helplines()["bornetelefonen"].display_phone()
    assert child is not None
    for situation in load_situations():
        card = safety_steps(situation.id, lang)
        text = card.as_text()
        assert "112" in text and "{" not in text, (situation.id, text)
        assert card.steps[0].text and card.source == situation.source
        numbers = set(re.findall(r"\d[\d ]*\d", text)) - {"112", child}
        assert not {n for n in numbers if not re.fullmatch(r"\d", n)}, numbers


def test_a_step_whose_number_may_not_be_shown_is_left_out_not_guessed() -> None:
    lines = dict(load_helplines())
    low = lines["bornetelefonen"]
    lines["bornetelefonen"] = type(low)(**{**low.__dict__, "confidence": "low"})
    card = safety_steps("generic", "da", helplines=lines)
    assert all("116" not in step.text for step in card.steps)
    assert any("112" in step.text for step in card.steps)


@pytest.mark.parametrize(
    ("marked", "message", "expected"),
    [
        ("taget alle mine piller", "jeg kan ikke mere. jeg har taget alle mine piller", "overdose"),
        ("", "took like 40 tablets an hour ago", "overdose"),
        ("slugt en hel pakke panodiler", "har lige slugt en hel pakke panodiler", "overdose"),
        ("slår mig", "min far slår mig lige nu hjælp", "violence"),
        ("", "han står udenfor min dør og råber han vil slå mig ihjel", "violence"),
        ("", "my dad is hitting me right now please help", "violence"),
        ("skærer i mig selv", "skærer i mig selv lige nu", "self_harm"),
        ("", "i cut too deep and it wont stop bleeding", "self_harm"),
        ("slå mig selv ihjel", "jeg vil slå mig selv ihjel i aften", "generic"),
        ("", "jeg slår mig ihjel i nat", "generic"),
        ("", "i want to kill myself", "generic"),
    ],
)
def test_the_steps_fit_what_they_said(marked: str, message: str, expected: str) -> None:
    assert situation_for([marked, message]) == expected
