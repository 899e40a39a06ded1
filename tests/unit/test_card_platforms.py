"""Platform report and recovery paths on the action cards (issue 17, knowledge/platforms.yml): every path is
sourced from an official page with a date, a card uses the young person's platform, and the counsellor reads
the answers as words."""

from __future__ import annotations

import pytest

from knowledge.action_cards import (
    SLOT_VALUES,
    answers_for_counsellor,
    build_card,
    card_templates,
    check_cards,
    check_platform_paths,
    platform_paths,
)
from knowledge.card_answers import extract_answers

REPORTED = ["instagram", "snapchat", "tiktok", "discord", "facebook", "roblox", "youtube", "x"]
RECOVERED = ["instagram", "snapchat", "tiktok", "x"]


def test_every_platform_path_is_sourced_and_dated() -> None:
    assert check_platform_paths() == []
    assert check_cards() == []
    paths = platform_paths()
    assert sorted(p for p in paths if "report" in paths[p]) == sorted(REPORTED)
    assert sorted(p for p in paths if "recover" in paths[p]) == sorted(RECOVERED)
    for kinds in paths.values():
        for entry in kinds.values():
            assert entry.source.startswith("https://") and entry.checked >= "2026-12-01"


def test_every_step_on_every_card_has_a_source_for_every_platform() -> None:
    """Each step shown, for every platform answer, comes either from a sourced card step or a sourced path."""
    paths = platform_paths()
    for flow, template in card_templates().items():
        for step in template.steps:
            if step.text:
                assert step.source and step.checked, (flow, step.text["da"])
            else:  # a platform-only step: shown only when the platform has a sourced path
                assert step.platform in ("report", "recover")
        for platform in [*SLOT_VALUES["card_platform"], None]:
            card = build_card(flow, {"card_platform": platform} if platform else {}, "da")
            own = paths.get(str(platform), {})
            sourced_texts = {s.text["da"] for s in template.steps if s.text} | {p.text["da"] for p in own.values()}
            assert all(step["text"] in sourced_texts for step in card["steps"]), (flow, platform)


@pytest.mark.parametrize("platform", REPORTED)
@pytest.mark.parametrize("flow", ["nude_images", "sextortion", "cyberbullying"])
def test_the_card_gives_the_platforms_own_report_path(flow: str, platform: str) -> None:
    for lang in ("da", "en"):
        texts = [s["text"] for s in build_card(flow, {"card_platform": platform}, lang)["steps"]]
        assert platform_paths()[platform]["report"].text[lang] in texts
        generic = [s for s in card_templates()[flow].steps if s.platform == "report"][0].text[lang]
        assert generic not in texts


def test_an_unsourced_platform_gets_the_generic_step_and_says_less() -> None:
    texts = [s["text"] for s in build_card("sextortion", {"card_platform": "other"}, "en")["steps"]]
    assert "Report the profile with the app's own report function." in texts
    hacked = build_card("hacked_account", {"card_platform": "discord"}, "en")["steps"]
    assert not any("Discord" in s["text"] for s in hacked)  # no recovery page read for Discord: nothing said


@pytest.mark.parametrize("platform", RECOVERED)
def test_the_hacked_account_card_gives_the_platforms_recovery_path(platform: str) -> None:
    steps = build_card("hacked_account", {"card_platform": platform, "card_contact_changed": "yes"}, "en")["steps"]
    path = platform_paths()[platform]["recover"]
    mine = [s for s in steps if s["text"] == path.text["en"]]
    assert len(mine) == 1 and mine[0]["link"] == path.link
    assert any("2FA" in s["text"] for s in steps) and any("friends" in s["text"] for s in steps)


@pytest.mark.parametrize(
    ("text", "platform"),
    [("nogen på roblox skriver grimme ting", "roblox"), ("han lagde videoen på youtube", "youtube"),
     ("someone posted it on twitter", "x"), ("det ligger på x", "x"), ("discord", "discord"),
     ("min messenger", "facebook")],
)
def test_the_platform_is_read_from_own_words(text: str, platform: str) -> None:
    assert extract_answers(text, "card_platform")["card_platform"] == platform


def test_answers_for_the_counsellor_are_words_never_codes() -> None:
    rows = answers_for_counsellor({"card_platform": "x", "card_contact_changed": "yes", "card_bogus": "1"})
    assert rows == [
        {"slot": "card_platform", "question": {"da": "App", "en": "App"},
         "answer": {"da": "X (Twitter)", "en": "X (Twitter)"}},
        {"slot": "card_contact_changed", "question": {"da": "Mail eller nummer ændret", "en": "Email or phone changed"},
         "answer": {"da": "mail eller nummer er ændret", "en": "email or phone was changed"}},
    ]
    for slot, values in SLOT_VALUES.items():
        for value in values:
            (row,) = answers_for_counsellor({slot: value})
            assert "_" not in row["answer"]["da"] and "_" not in row["answer"]["en"], (slot, value)
