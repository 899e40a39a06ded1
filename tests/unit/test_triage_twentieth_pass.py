"""Twentieth and twenty-first passes (docs/TRIAGE.md): urgent floors by situation written as kinds, and three false alarms of the
signal rules and the first-person lexicon closed. Sentences here are written for the test, not taken from a
hold-out; each kind is checked in a form that differs from the example in the lexicon."""

from __future__ import annotations

import pytest

from tests.unit.test_triage_support import triage


@pytest.mark.parametrize(
    "text",
    [
        # means named by drug, with a count or "is it enough"
        "har sparet 30 sobril op, tror det er nok til i nat",
        # a rope taken along or hung up, also with a dialect article
        "har taget rebet med op på loftet, ingen er hjemme",
        "æ har hængt æ reb op i æ lade",
        # slang jump in front of a bus, with "mig selv"
        "yeeter mig selv foran toget efter skole, orker ikke mere",
        # a dose question with the means at hand
        "hvor mange pamol dør man af? har fire pakker liggende",
        # carbon monoxide with sealing
        "kulilte virker vel hvis jeg tætner døren med tape",
        "bought charcoal, the windows are taped, carbon monoxide is supposed to be quiet",
        # a friend's photo of the means and a goodbye
        "min ven har sendt en video af et reb og skrevet farvel, han svarer ikke",
        "my bestie sent a pic of a blade and said this is it, shes not replying",
        # farewell letters written, with a time
        "har skrevet afskedsbrev til mor og far, det sker i nat",
        # cutting right now
        "har lige nu skåret mig og kan ikke stoppe",
        # hit just now, and a threat for when he comes back
        "fik lige en flad af min far og han truer med at jeg får tæsk når han kommer hjem igen",
        # a gun in the lap, pills counted out, water tonight
        "dads rifle is in my lap and i cant stop thinking",
        "counted out all my sleeping pills on the bed",
        "gonna walk into the sea tonight, done with everything",
        # a lethal dose with access at home
        "hvad er en dødelig dosis insulin, vi har masser i køleskabet",
        # twenty-first pass: many pills at hand asked about as a question, a gun taken out with "can't go on",
        # too much taken with symptoms now
        "kan man dø af 50 pamol? de ligger i hånden nu",
        "is 40 sleeping pills enough? theyre in front of me",
        "kan ikke mere. har taget riflen med op på loftet",
        "goodbye everyone. got my grandpas pistol from the safe",
        "har slugt for mange af mine piller og nu kaster jeg op og ser dobbelt",
        "took too many tablets an hour ago and my heart is pounding so hard",
    ],
)
def test_situations_of_the_twentieth_pass_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)
    assert result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "vi mødes ved broen i aften kl 8",
        "tager lige en panodil nu for min hovedpine",
        "my mom gave me a tablet for my fever tonight",
        "har lavet en plan for hvordan jeg klarer eksamensugen, mest kaffe",
        "were reading hamlet and i dont get why ophelia dies, is it on purpose?",
        "in class we are studying self-harm among teens, where do i find sources",
        "min kammerat skar sig på en dåse ved opvasken, det bløder lidt, skal det syes?",
        "working till midnight again, if they play that xmas song once more im gonna jump lol",
        "har taget fars jagtgevær med på jagt i weekenden, vi skød en rå",
        "drank too much coffee, heart is pounding lol",
    ],
)
def test_everyday_sentences_with_risk_words_stay_none(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "none", (text, result.reasons)


def test_someone_elses_suicidal_thoughts_are_concern_and_ones_own_are_urgent() -> None:
    other = triage().judge("min klassekammerat skrev at han har selvmordstanker, hvad siger man")
    mine = triage().judge("har selvmordstanker igen i aften")
    assert other.level == "concern", other.reasons
    assert mine.level == "urgent", mine.reasons


@pytest.mark.parametrize(
    "text",
    [
        # an urge resisted, and an adult's secret from the parents
        "got the urge to cut again tonight but i resisted, in bed now",
        "my coach says i shouldnt tell my parents that he drives me home",
        "min træner siger at jeg ikke må fortælle det til mine forældre at han giver mig gaver",
        # a Danish denial, and someone else's wish not to live
        "ikke på den måde, jeg vil ikke slå mig selv ihjel, jeg vil bare ikke eksistere mere",
        "kan godt forstå folk der ikke vil leve mere, jeg har det også sådan nogle gange",
    ],
)
def test_resisted_urges_adult_secrets_and_denials_are_concern(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "concern", (text, result.reasons)


def test_a_denial_does_not_cap_means_at_hand() -> None:
    result = triage().judge("jeg vil ikke slå mig selv ihjel, men pillerne ligger klar foran mig")
    assert result.level == "urgent", result.reasons


def test_a_cut_on_a_glass_doing_the_dishes_is_not_urgent() -> None:
    result = triage().judge("min søster skar sig på et glas i opvasken, skal hun have et plaster eller på skadestuen")
    assert result.level != "urgent", result.reasons


def test_a_threat_reported_with_a_speech_verb_is_not_the_idiom() -> None:
    """holdout35: the idiom veto for "min mor slår mig ihjel hvis ..." swallowed "han råber at han slår mig ihjel
    når han kommer ind" from a drunk stepfather at the door. The idiom stays none; the reported threat is urgent."""
    threat = triage().judge("far er fuld og sparker på døren, han skriger at han slår mig ihjel når han får den op")
    idiom = triage().judge("min far slår mig ihjel når han ser mit værelse lol")
    assert threat.level == "urgent", threat.reasons
    assert idiom.level == "none", idiom.reasons


def test_a_razor_blade_in_the_hand_is_means_at_hand() -> None:
    result = triage().judge("sidder med en barberklinge i hånden lige nu")
    assert result.level == "urgent", result.reasons
