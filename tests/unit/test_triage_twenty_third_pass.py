"""Twenty-third pass (docs/TRIAGE.md): a lower urgent bar for the semantic layer when the message states that it
is about now, a higher concern bar, urgent floors written as kinds, and a concern floor for urges resisted.
Sentences here are written for the test, not taken from a hold-out; each kind is checked in a form that differs
from the example in the lexicon."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.triage import calibration, semantic
from knowledge.triage.judge import _imminent
from knowledge.triage.semantic import SemanticVerdict
from tests.unit.test_triage_support import triage

BARS = calibration.Calibration(
    mean=(0.0,) * 5,
    scale=(1.0,) * 5,
    coef=((0.0,) * 5,) * 3,
    intercept=(0.0, 0.0, 0.0),
    urgent_bar=0.86,
    concern_bar=0.52,
    near_urgent_bar=0.37,
    adapter="test",
    imminent_urgent_bar=0.74,
)


def _verdict(p_none: float, p_concern: float, p_urgent: float) -> SemanticVerdict:
    """A verdict whose calibrated probabilities are the given ones."""
    p = {"none": p_none, "concern": p_concern, "urgent": p_urgent}
    return SemanticVerdict(p, np.zeros(0), calibrated=p)  # type: ignore[arg-type]


def test_the_imminent_bar_applies_only_with_a_sign_that_it_is_about_now() -> None:
    between = _verdict(0.1, 0.1, 0.8)
    assert semantic.raise_level("concern", between, 9, BARS, imminent=True) == "urgent"
    assert semantic.raise_level("concern", between, 9, BARS, imminent=False) == "concern"
    below = _verdict(0.2, 0.1, 0.7)
    assert semantic.raise_level("concern", below, 9, BARS, imminent=True) == "concern"
    # never above the plain bar, whatever the file says
    odd = dataclasses.replace(BARS, imminent_urgent_bar=0.95)
    assert odd.urgent_bar_for(True) == odd.urgent_bar


def test_a_calibration_without_an_imminent_bar_uses_the_urgent_bar(tmp_path: Path) -> None:
    data = BARS.to_json()
    data.pop("imminent_urgent_bar")
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = calibration.load(path)
    assert loaded.imminent_urgent_bar is None
    assert loaded.urgent_bar_for(True) == loaded.urgent_bar == 0.86
    data["imminent_urgent_bar"] = 0.74
    path.write_text(json.dumps(data), encoding="utf-8")
    assert calibration.load(path).urgent_bar_for(True) == 0.74


def test_the_production_calibration_states_its_bars() -> None:
    bars = calibration.load()
    assert bars.imminent_urgent_bar is not None and bars.imminent_urgent_bar < bars.urgent_bar
    assert bars.concern_bar == 0.58  # twenty-sixth pass, docs/TRIAGE.md (0.52 from the twenty-third)
    assert "twenty-third pass" in bars.fitted_on and "twenty-sixth pass" in bars.fitted_on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jeg står ved kanalen lige nu og har det mærkeligt", True),
        ("taking the train home tonight after practice", True),
        ("har pillerne ved siden af mig", True),
        ("vi ses i morgen i skolen", False),
        ("now that i think about it the film was good", False),
    ],
)
def test_a_stated_sign_that_it_is_about_now(text: str, expected: bool) -> None:
    t = triage()
    norm = t.normaliser.normalise(text)
    assert _imminent(norm, t.matcher.match(norm)) is expected


@pytest.mark.parametrize(
    "text",
    [
        # a parent violent when drinking, and drinking now
        "far tæsker mig når han drikker og han drikker lige nu nede i stuen",
        "my mum hits me when shes drunk and shes drinking again tonight",
        # the abuser is home now and coming up
        "min stedbror rører ved mig om natten og han er hjemme nu og skriver han kommer ind om lidt",
        "my stepdad comes into my room at night and he just texted hes coming home in a few minutes",
        # a trip one does not come back from
        "tager en køretur ud til klinten i aften, en tur jeg ikke kommer tilbage fra",
        "going for a walk into the sea later, one i wont come back from",
        # "someone" who is the writer
        "hvad gør man hvis nogen planlægger at hoppe fra en bro i nat? det er faktisk mig",
        "what do you do if someone is planning to overdose tonight? its literally me",
        # a question about dying before doing it
        "hvor længe tager det at dø af en overdosis, skal vide det før jeg gør det",
        "is it fatal to take all of them, asking before i actually do it",
        # someone else after a hanging or an overdose, barely breathing
        "min lillebror har prøvet at hænge sig og han ånder knap",
        "she overdosed and is barely breathing on the floor",
        # a noose in a place
        "har bundet en løkke fra bjælken på loftet",
        # make it look like an accident
        "det skal se ud som et uheld når jeg kører ind i muren",
        "how do i make the crash look like an accident",
        # many taken hours ago
        "har taget 25 panodil for tre timer siden og er svimmel",
        "took 30 ibuprofen 2 hours ago, i feel weird",
        # the last day, and a hypothetical means on oneself
        "det her bliver den sidste dag, tak for alt",
        "hypothetically if someone had a knife in their room right now and wanted to use it on themselves",
    ],
)
def test_situations_of_the_twenty_third_pass_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)
    assert result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "det er ved at slå mig ihjel at vente på eksamensresultatet",
        "min far drikker en øl nu og ser fodbold",
        "my brother hits me in fortnite every time, hes playing now",
        "det bliver den sidste dag i skolen før sommerferien",
        "vi tager en tur ud på havnen i aften, kommer hjem kl 10",
        "the kind of movie you never come back from the same, so good",
        "dad said he is coming home in a bit with pizza",
        "hvis man dør i spillet før jeg gør det, taber vi",
        "det ligner et uheld med maling på væggen, mor bliver sur",
        # a known false urgent of the head until the thirtieth pass's retrain (it XPASSed there)
        "my nan is home now, she says shes coming up with tea",
    ],
)
def test_everyday_sentences_near_these_kinds_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)


@pytest.mark.xfail(strict=True, reason="known gap: the semantic head's own p(urgent) >= 0.86, no rule involved")
@pytest.mark.parametrize(
    "text",
    [
        "har lige spist 300 g slik og har ondt i maven",
        "on my way to the shop, not coming back till dinner",
        "someone broke into our car last night, the window is smashed",
    ],
)
def test_known_false_urgents_of_the_semantic_head(text: str) -> None:
    assert triage().judge(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "var så tæt på at skære mig igen i går, men jeg gik en tur i stedet",
        "i was really close to hurting myself again this week but i called my friend",
    ],
)
def test_urges_resisted_are_concern(text: str) -> None:
    assert triage().judge(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        # second batch: "tonight is the night", a permanent nap, a pet handed over with a goodbye
        "tonight is the night i finally end it, nobody will notice till morning",
        "gonna take an eternal nap once my mum is asleep",
        "gave my rabbit to my cousin today, i wont be around to look after him",
        # cut, and wanting to go deeper
        "har skåret mig for lidt siden og vil skære dybere",
        # a cleaning fluid or poison drunk
        "drak noget klorin for ti minutter siden, ved ikke hvad der sker nu",
        "i drank some bleach, is that going to kill me",
        # choked tonight
        "han tog kvælertag på mig i nat og sover nu ved siden af",
        "he strangled me today until i almost passed out",
        # a noose hanging, and not to be talked out of it
        "der hænger en løkke fra bjælken i garagen",
        "rebet er klar, jeg gider ikke blive talt fra det",
        # someone's goodbye after talk of suicide, and no answer
        "min ven har snakket om at tage sit liv og skrev farvel, nu tager han ikke telefonen",
        "my friend kept talking about suicide and texted goodbye, now she wont pick up",
        # "i nat gør jeg en ende på det"
        "i aften gør jeg en ende på det",
    ],
)
def test_situations_of_the_second_batch_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "what do you do if someone is choking on food? we had first aid today",
        "jeg blev næsten kvalt af grin i dag",
        "vi gør en ende på det med min kæreste i aften, det er bedst for os begge",
        "took a long nap today lol, the final nap before exams",
        "gave my dog to my grandma for the weekend while we are on holiday",
        "til mit speciale undersøger jeg selvmord blandt unge, har i nogle tal",
        "drank some milk that was past its date, will i be okay",
        "når min mor kommer hjem så er jeg død, jeg har smadret hendes vase",
        "when my dad gets home im dead, i scratched his car",
    ],
)
def test_everyday_sentences_near_the_second_batch_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "han siger han sender mine billeder til min mor hvis jeg går til festen",
        "nogle gange vil jeg bare holde op med at eksistere",
    ],
)
def test_threats_with_images_and_a_wish_to_stop_existing_are_concern(text: str) -> None:
    assert triage().judge(text).level != "none"


@pytest.mark.parametrize(
    "text",
    [
        # third batch: all of them already taken
        "jeg har allerede taget dem alle, hvad sker der nu",
        "just took the whole box, feeling weird",
        # hit on the head, and a symptom now
        "stedfar slog mig i hovedet med en flaske og nu kaster jeg op",
        "my mum hit me in the head with a pan and now i cant see properly",
        # on the way, and not coming back
        "tager afsted ned til broen nu, jeg kommer ikke tilbage",
        "walking out to the tracks now, im not coming back",
        # poison kept ready, and a time
        "har en flaske afløbsrens gemt på værelset, drikker den i nat",
    ],
)
def test_situations_of_the_third_batch_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "min storebror er ved at slå mig ihjel, han har slettet mit save i fifa",
        "en random i valorant skrev jeg skulle hoppe ud af vinduet lol",
        "tager afsted til oma nu, kommer ikke tilbage før søndag",
        "vi tog dem alle sammen med i biografen i går",
    ],
)
def test_everyday_sentences_near_the_third_batch_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)


def test_an_adult_who_calls_a_child_mature_and_wants_secrecy_is_concern() -> None:
    assert triage().judge("the man from the bus stop said im very mature and our texts should stay private").level != (
        "none"
    )


@pytest.mark.parametrize(
    "text",
    [
        # fourth batch: gone, and already decided how
        "giver min cykel til min bror, jeg er væk efter fredag og har bestemt mig for hvordan",
        "my stuff goes to my sister, i wont be around after friday and ive decided how",
        # a break-in now, hiding
        "nogen bryder ind hos os lige nu og jeg gemmer mig under sengen",
        "someone is in our house right now, im hiding behind the sofa",
        # this time it should go too far
        "jeg vil cutte i nat og det skal gå for langt",
        "cutting again later and i want it to go too far",
        # a goodbye that tells them not to think it is their fault
        "farvel alle sammen, i må ik tænke at det var jeres skyld",
        "goodbye guys, dont ever think its your fault",
        # everything in the medicine cabinet
        "har slugt alt hvad der var i skabet på badeværelset",
    ],
)
def test_situations_of_the_fourth_batch_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "thanks for everything coach, dont think its your fault we lost",
        "vi har besluttet hvordan vi skal fejre mormors fødselsdag",
    ],
)
def test_everyday_sentences_near_the_fourth_batch_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)
