"""Twenty-seventh pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 89-94, and
narrowings for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. One table of (sentence, the levels it may get), one test."""

from __future__ import annotations

import pytest

from tests.unit.test_triage_support import triage

URGENT = frozenset({"urgent"})
CONCERN = frozenset({"concern"})
NONE = frozenset({"none"})
NOT_URGENT = frozenset({"none", "concern"})
FLAGGED = frozenset({"concern", "urgent"})

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # --- urgent, first batch (holdout89-91)
    ("har det så roligt nu, jeg ved godt hvordan det ender i nat", URGENT),
    ("min ven skrev tak for alt og pas på min hamster, nu tager han ikke telefonen", URGENT),
    ("my cousin messaged thanks for everything, please look after my dog. he won't pick up", URGENT),
    ("he's been talking about ending it and now he turned off his location", URGENT),
    ("bestilt en enkeltbillet til himlen, ses aldrig", URGENT),
    ("got a one way ticket to heaven booked for tonight", URGENT),
    ("min kæreste har lukket mig inde i lejligheden, han er ude og jeg er bange", URGENT),
    ("he locked me in the bedroom and took my phone, i'm using my old tablet", URGENT),
    ("i've got the razor in my hand right now and i can't stop", URGENT),
    ("har lige slugt en bunke af min mors sovepiller", URGENT),
    ("hun sendte et billede af sine arme og skrev at det er sidste gang jeg hører fra hende", URGENT),
    ("i decided, i won't be here after tonight. love you all", URGENT),
    ("har styr på det hele, logger af for altid i nat", URGENT),
    # --- concern, first batch
    ("hvis jeg blev kørt over af et tog ville jeg nok være lettet", FLAGGED),
    ("hvordan skjuler man arene på låret, jeg skar mig i fredags", FLAGGED),
    ("min onkel siger han smider mig ud hvis jeg fortæller hvad der sker", FLAGGED),
    ("mum says she'll kick me out if i tell anyone what he does", FLAGGED),
    ("vores far låser køleskabet om aftenen og vi går sultne i seng", FLAGGED),
    ("they lock the kitchen at night and we only get food if we behave", FLAGGED),
    ("my girlfriend keeps locking me in her flat when she goes to work", FLAGGED),
    ("en fyr fra discord siger han kun sletter videoen hvis jeg sender mere", FLAGGED),
    # --- none, first batch
    ("do i need to tell my parents before i sign up for the trip", NONE),
    ("if i miss the bus again i swear i'm moving to the moon", NONE),
    ("min mormor ville myrde for en kop kaffe om morgenen", NONE),
    ("my little sister says she'll end me at mario kart tonight", NOT_URGENT),  # the head still says concern
    # --- near these kinds, not urgent
    ("jeg ved godt hvordan kampen ender i aften, vi taber igen", NOT_URGENT),
    ("tak for alt, pas på min cykel mens jeg er på ferie", NOT_URGENT),
    ("thanks for everything, take care of my plants while i'm on holiday", NOT_URGENT),
    ("i won't be around tomorrow, it's the class trip. sorted my homework already", NOT_URGENT),
    ("logger ud af tiktok for altid i aften, det stjæler min tid", NOT_URGENT),
)


@pytest.mark.parametrize(("text", "allowed"), CASES)
def test_kinds_of_the_twenty_seventh_pass_get_their_level(text: str, allowed: frozenset[str]) -> None:
    result = triage().judge(text)
    assert result.level in allowed, (text, result.level, result.reasons)
