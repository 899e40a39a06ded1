"""Conversation-level context rules (knowledge/triage/conversation.py, knowledge/risk/conversation/rules.yml):
a farewell after earlier distress, and a third-party emergency told over two or three messages, are urgent;
the same messages without that history keep their single-message level. Conversations written by situation."""

from __future__ import annotations

import pytest

from knowledge.triage import Triage
from tests.unit.test_triage_support import triage


def _last(conversation: list[str]) -> tuple[str, list[str]]:
    return conversation[-1], conversation[:-1]


def _judge(t: Triage, conversation: list[str]) -> tuple[str, str, list[str]]:
    """(level with history, level of the last message alone, reasons with history)."""
    text, history = _last(conversation)
    with_history = t.judge(text, history)
    return with_history.level, t.judge(text).level, with_history.reasons


FAREWELL_AFTER_DISTRESS = [
    ["jeg orker ikke mere, det hele er bare håbløst", "nå men farvel"],
    ["jeg har skåret i mig selv igen i aftes", "tak for alt"],
    ["ved ikke om jeg gider være her mere", "sig til min mor at jeg elsker hende"],
    ["alle ville have det bedre uden mig", "ok. det er sidste gang i hører fra mig"],
    ["jeg har lyst til at dø", "hej hej"],
    ["i cant do this anymore, whats the point", "i love you all"],
    ["i keep hurting myself and nobody notices", "thanks for everything"],
    ["i wish i could just disappear, everyone would be better off without me", "goodnight forever"],
    ["i dont want to be alive anymore", "tell my mom i love her"],
]


@pytest.mark.parametrize("conversation", FAREWELL_AFTER_DISTRESS)
def test_farewell_after_distress_is_urgent(conversation: list[str]) -> None:
    level, alone, reasons = _judge(triage(), conversation)
    assert level == "urgent", (conversation, reasons)
    assert alone != "urgent" or reasons, conversation  # the rule only matters where the message alone is lower
    if alone != "urgent":
        assert reasons[0].startswith("context:"), reasons


FAREWELL_WITHOUT_DISTRESS = [
    ["gemmer I det jeg skriver her?", "farvel og tak for hjælpen"],
    ["hvordan sletter jeg min snap konto", "ok tak for alt"],
    ["min lærer er så irriterende haha", "hej hej"],
    ["do you save my chats?", "bye"],
    ["what are the opening hours of the chat", "thanks for everything, goodnight"],
    ["my little brother keeps taking my charger lol", "i love you all haha"],
]


@pytest.mark.parametrize("conversation", FAREWELL_WITHOUT_DISTRESS)
def test_farewell_without_distress_stays_as_alone(conversation: list[str]) -> None:
    level, alone, reasons = _judge(triage(), conversation)
    assert level == alone, (conversation, reasons)
    assert level != "urgent", (conversation, reasons)
    assert not any("farewell" in r for r in reasons), reasons


THIRD_PARTY_EMERGENCY = [
    ["min veninde skrev at hun har taget en masse piller", "hun svarer ikke"],
    ["min ven skrev farvel til alle i gruppechatten", "han tager ikke sin telefon og hans mor er ikke hjemme"],
    ["min bror sagde han vil slå sig selv ihjel", "nu kan jeg ikke få fat i ham"],
    ["hej", "min kæreste sendte mig en afskedsbesked", "hun svarer ikke på noget"],
    ["my friend said goodbye in the group chat", "he's not answering and his mum isn't home"],
    ["my best friend texted me that she swallowed a lot of pills", "she stopped replying"],
    ["hi", "my girlfriend says shes on the bridge", "i cant reach her"],
]


@pytest.mark.parametrize("conversation", THIRD_PARTY_EMERGENCY)
def test_third_party_emergency_over_messages_is_urgent(conversation: list[str]) -> None:
    level, _alone, reasons = _judge(triage(), conversation)
    assert level == "urgent", (conversation, reasons)


def test_third_party_pieces_alone_are_not_raised_by_the_rule() -> None:
    t = triage()
    for text in ["hun svarer ikke", "he's not answering", "min veninde skrev at hun har taget en masse piller"]:
        assert not any("third-party" in r for r in t.judge(text).reasons), text


THIRD_PARTY_HARMLESS = [
    ["min ven er død træt efter fodbold", "han svarer ikke, sover nok"],
    ["my friend is dead tired after the party", "he's not answering, probably asleep"],
    ["min veninde skal til tandlæge", "hun svarer ikke lige nu"],
    ["my brother borrowed my headphones", "he's not answering his phone"],
    ["min søster låner altid min oplader", "hun svarer ikke"],
]


@pytest.mark.parametrize("conversation", THIRD_PARTY_HARMLESS)
def test_third_party_without_danger_sign_is_not_raised(conversation: list[str]) -> None:
    level, alone, reasons = _judge(triage(), conversation)
    assert level == alone, (conversation, reasons)
    assert level != "urgent", (conversation, reasons)
    assert not any("third-party" in r for r in reasons), reasons


def test_third_party_window_is_the_last_three_messages() -> None:
    t = triage()
    history = ["min veninde skrev at hun har taget en masse piller", "ok", "nå", "hvad laver i"]
    result = t.judge("hun svarer ikke", history)
    assert not any("third-party" in r for r in result.reasons), result.reasons


def test_rules_need_history_and_never_lower() -> None:
    t = triage()
    urgent = "jeg har taget alle mine sovepiller nu"
    assert t.judge(urgent).level == "urgent"
    assert t.judge(urgent, ["hej", "farvel"]).level == "urgent"
    assert t.judge("farvel").level == t.judge("farvel", []).level
