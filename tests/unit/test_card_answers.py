"""The card slot extractor (knowledge/card_answers.py) on phrasings it used to miss (issue 17 follow-up), and
the sextortion card's single handoff offer (actions/action_cards.py). The sentences are our own, Danish and
English, not taken from tests/data."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.card_answers import extract_answers


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("en ældre fyr vil mødes med mig næste sommer", "later"),
        ("han siger vi skal ses om en måned når han kommer til aarhus", "later"),
        ("we're supposed to meet up next summer at a festival", "later"),
        ("he wants to meet in a few months, maybe in two months", "later"),
        ("han vil mødes til jul", "later"),
        ("han har ikke spurgt om at mødes, han vil bare ha billeder", "no"),
        ("en fyr på 30 skriver hele tiden men har aldrig nævnt at vi skal ses", "no"),
        ("he never asked to meet me, he only wants pics", "no"),
        ("this guy hasnt talked about meeting up but he sends weird stuff", "no"),
        # still soon, also next to the new words
        ("han vil mødes i dag efter skole", "soon"),
        ("vi skal mødes i morgen, han sagde det ikke var noget problem", "soon"),
        ("han vil mødes på lørdag, ikke til sommer", "soon"),
        ("he wants to meet tomorrow, he never asked my parents", "soon"),
    ],
)
def test_the_meeting_is_read_from_when_or_that_it_was_never_asked(text: str, meeting: str) -> None:
    assert extract_answers(text).get("card_meeting") == meeting


@pytest.mark.parametrize(
    "text",
    [
        "han bliver ved med at spørge om vi ikke skal mødes",  # a proposal, not a "no"
        "jeg ved ikke om han vil mødes",
        "he keeps asking if we can meet",
    ],
)
def test_a_meeting_proposal_without_a_when_is_left_for_the_form_to_ask(text: str) -> None:
    assert "card_meeting" not in extract_answers(text)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("min ex siger han vil sende billedet rundt på skolen", "threatened"),
        ("hun skriver at hun kommer til at dele den med alle i klassen", "threatened"),
        ("han skrev 'jeg sender det rundt' hvis jeg ikke svarer", "threatened"),
        ("he says he's going to send them to everyone on my team", "threatened"),
        ("she'll share it with everyone if i block her", "threatened"),
        ("some guy says he'll show everyone my pics", "threatened"),
        # already out stays online
        ("nogen har sendt det rundt på snap", "online"),
        ("de deler den med alle på insta lige nu", "online"),
        ("my pic has popped up on some forum", "online"),
    ],
)
def test_a_threat_to_spread_the_image_is_read_apart_from_an_image_already_out(text: str, status: str) -> None:
    assert extract_answers(text).get("card_image_status") == status


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("en på dc vil have flere billeder", "discord"),
        ("someone on DC is blackmailing me", "discord"),
        ("vores discordserver er fyldt med grimme beskeder", "discord"),
    ],
)
def test_dc_means_discord(text: str, platform: str) -> None:
    assert extract_answers(text).get("card_platform") == platform


@pytest.mark.parametrize("text", ["jeg har en adc-kabel", "han sendte mig dcs af alt muligt", "dcbilleder"])
def test_dc_inside_another_word_is_not_discord(text: str) -> None:
    assert extract_answers(text).get("card_platform") != "discord"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("i'm 20 and the pics are from last year", "over_18"),
        ("jeg er 21, billedet er fra for to år siden", "over_18"),
        ("jeg er 19 og billedet blev taget for 3 år siden", "under_18"),
        ("im 18 now but someone leaked a pic i took two years ago", "under_18"),
        ("billedet er fra da jeg var 16, nu er jeg 23", "under_18"),
        ("it's from when i was 19", "over_18"),
        ("jeg er 15 og nogen har lagt et billede op", "under_18"),
    ],
)
def test_the_age_in_the_image_is_read_from_the_age_then(text: str, age: str) -> None:
    assert extract_answers(text).get("card_age") == age


def test_an_adult_age_now_without_a_when_is_left_for_the_form_to_ask() -> None:
    assert "card_age" not in extract_answers("jeg er 24 og nogen har delt et billede af mig")


def test_the_sextortion_card_does_not_offer_a_counsellor_twice_in_one_turn() -> None:
    from actions.action_cards import _offered_this_turn

    class Tracker:
        def __init__(self, events: list[dict[str, Any]]) -> None:
            self.events = events

    user = {"event": "user", "text": "..."}
    offer = {"event": "bot", "text": "...", "data": {"custom": {"lyt": "handoff_offer"}}}
    plain = {"event": "bot", "text": "...", "data": {}}
    assert _offered_this_turn(Tracker([user, offer, {"event": "action", "name": "sextortion_form"}]))
    assert not _offered_this_turn(Tracker([offer, user, plain]))  # an offer in an earlier turn does not count
    assert not _offered_this_turn(Tracker([user, plain]))
