"""Twenty-second pass (docs/TRIAGE.md): urgent floors by situation written as kinds, a veto that matched no risk
word no longer caps the semantic layer, and three false urgents of the lexicon closed by an idiom, a negation and a
conditional. Sentences here are written for the test, not taken from a hold-out; each kind is checked in a form that
differs from the example in the lexicon."""

from __future__ import annotations

import pytest

from knowledge.triage.judge import _covered_by_idiom
from tests.unit.test_triage_support import triage


@pytest.mark.parametrize(
    "text",
    [
        # cut, and the body is failing now
        "skar mig i armen for en halv time siden og den bløder stadig igennem håndklædet",
        "been cutting my thighs and im so lightheaded i can barely stand",
        # many taken so as not to wake
        "slugte en masse af mormors piller så jeg ikke skal vågne i morgen",
        "swallowed loads of my mums tablets so i wont wake up",
        # insulin on purpose
        "hvis jeg tager hele pennen insulin med vilje, hvor lang tid går der",
        "can you die from insulin if you inject all of it on purpose",
        # a plan and the means ready
        "har skaffet alt det jeg skal bruge og har bestemt mig for søndag",
        "got everything i need, goodbye is easier on a friday",
        # a blade against the body
        "har barberbladet presset mod håndleddet lige nu",
        "scissors to my wrist, just counting",
        # someone met online picking the child up now, or outside
        "en på 24 fra snap står udenfor min skole nu og siger jeg skal komme med ham",
        "a guy from tiktok who is 26 is waiting for me outside my school right now",
        # swallowed everything
        "har slugt alle pillerne, undskyld",
        "swallowed the whole bottle of pills, getting drowsy",
        # a farewell in "not your fault"
        "det er ikke nogens skyld, pas godt på jer selv",
        "it was not anyones fault, love you all",
        # gone for good, with a time
        "jeg slukker for godt i aften, tak for alt",
        "logging off for good tonight x",
        # someone else unresponsive after something
        "min veninde har drukket en hel flaske og nu er hun bevidstløs på badeværelset",
        "my dad took his pills with vodka and now he wont wake up",
        # hiding from violence now
        "stedfar er fuld og smadrer ting, har gemt mig i skabet",
        "my brother is drunk and banging on the door, im hiding in the bathroom",
        # he comes into the room tonight
        "min stedfar kommer ind til mig igen i nat når mor har nattevagt",
        "my stepbrother always comes into my room when mum works nights, and she works tonight",
        # second half of the pass: pills with alcohol, a count already taken, a dose question to not wake
        "har drukket en hel flaske vin og taget en halv plade sovepiller oveni",
        "had loads of beers and already took half a pack of paracetamol",
        "har lige slugt 20, hvor længe tager det",
        "how many painkillers would you need to take to never wake up",
        # someone else's farewell and they cannot be reached
        "min fætter skrev tak for alt i vores chat og nu tager han ikke telefonen",
        "my best mate texted thanks for everything and now hes not answering",
        # a place and "I can't go on"
        "orker ikke mere, står ved kanten af broen",
        "im done, standing on the bridge right now",
        # image blackmail with a deadline in minutes
        "hvis jeg ikke sender flere, deler han mine billeder med min klasse om en halv time",
        "she says my pics go to my family in an hour unless i pay",
        # a farewell: never see each other again, a pet given away, not here when they wake
        "kan ikke mere. vi ses aldrig igen, tak for alt",
        "har givet min hund til min moster og ryddet op, føler mig rolig",
        "jeg er her ikke når du vågner i morgen",
        "i wont be around to see my birthday",
        # abuse or violence now
        "min storesøster er inde hos ham lige nu og han rører ved hende",
        "dad is screaming and smashing plates in the kitchen right now",
        "fire drenge venter på mig ved porten med baseballbat",
        "she said shell hurt me when dad leaves for work",
        # third batch: a crash on purpose, a rope tied or a knot that holds a person, a plan with a day and a
        # decision, insulin "to get it over with", someone else's gun today, a roof and "before i go", a gaping cut
        "vil bare køre ind i et træ i aften, så er det slut",
        "planning to crash into a wall when i drive home later",
        "har bundet rebet i loftsbjælken",
        "whats a knot that will hold a person, asking for real",
        "har bestemt mig. planlagt det til på lørdag når de er til fest hos naboen",
        "min bror har insulin, hvor meget skal man tage for at få det overstået",
        "min ven skriver at han vil skyde sig selv med sin onkels riffel i aften",
        "on the rooftop of the car park, wanted someone to know",
        "cut my arm and its gaping, i can see the fat",
    ],
)
def test_situations_of_the_twenty_second_pass_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)
    assert result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "slugte hele pizzaen på fem minutter haha",
        "not your fault bro, gg, we go again next match",
        "my cousin is sleeping over tonight again, cant wait",
        "vi gemte os for læreren efter frikvarteret, han råbte lidt lol",
        "har købt alt det jeg skal bruge til min fødselsdag i weekenden",
        "skar mig på en kniv da jeg skrællede kartofler, det bløder stadig lidt, plaster?",
        "min mor kommer ind til mig i nat hvis jeg får mareridt igen",
        "sletter tiktok for altid i aften, den stjæler min tid",
        "how much insulin does my diabetic cat need, the vet said twice a day",
        "en fra discord på 19 vil mødes til en lan party på biblioteket i dag sammen med hele klanen",
        "kan man drikke en øl når man har taget en panodil?",
        "he said if i dont send my homework in 10 min he will post the video of our project",
        "i wont be around to see the match, im at my grans",
        "har ikk tænkt mig at være her til jul, vi skal til thailand",
        "we jump into the harbour every summer its freezing",
        "min mor skriger af grin over den video, hvad gør jeg med hende lol",
        "farvel til alle i klassen, vi flytter til aarhus i sommerferien",
        "im ending it with my girlfriend tonight, how do i break up nicely",
        "min far kørte ind i en mur med bilen i går, han er okay",
        "tied the rope to the boat before the storm",
        "vi har planlagt det til fredag, det bliver en fed fest",
        "jeg er så rolig, vi har planlagt det til lørdag, festen bliver vild",
        "hvis en ven en dag fortalte at hun var ked af det, hvad skal man så sige",
    ],
)
def test_everyday_sentences_near_these_kinds_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "endelig fik jeg billetter til koncerten, nu kan jeg dø lykkelig",
        "got the last card for my collection, i can die happy now",
    ],
)
def test_dying_happy_is_an_idiom(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "none", (text, result.reasons)


def test_not_killing_oneself_or_anything_is_a_denial_at_concern() -> None:
    result = triage().judge("i wish i could sleep for a year, not kill myself or anything, just rest")
    assert result.level == "concern", result.reasons
    assert any(r.startswith("negation:") for r in result.reasons), result.reasons


def test_a_conditional_wish_to_sleep_and_not_wake_is_concern_but_a_plain_one_is_urgent() -> None:
    wish = triage().judge("hvis jeg bare kunne sove og aldrig vågne op igen, så ville alt være fint")
    assert wish.level == "concern", wish.reasons
    assert any(r.startswith("conditional:") for r in wish.reasons), wish.reasons
    plain = triage().judge("jeg vil bare sove og aldrig vågne igen, orker det ikke")
    assert plain.level == "urgent", plain.reasons


def test_a_veto_that_capped_no_risk_word_does_not_cap_the_semantic_layer() -> None:
    t = triage()
    text = "lol jeg vil bare dø for real, har ik lyst til at være her mere"
    match = t.matcher.match(t.normaliser(text))
    assert not _covered_by_idiom(match)
    assert t.judge(text).level == "urgent", t.judge(text).reasons
    # the idiom still caps the words it covers
    idiom = t.matcher.match(t.normaliser("jeg ville dø for de sko"))
    assert idiom.level == "none"


@pytest.mark.parametrize(
    "text",
    [
        "we read about suicide in english class for an essay on a poem",
        "why do people self harm? we had it in health class today",
        "vi har projektopgave om selvskade og spiseforstyrrelser blandt unge",
        "i could sleep forever after this tournament weekend",
    ],
)
def test_school_topics_and_tiredness_are_not_flagged_by_the_lexicon(text: str) -> None:
    t = triage()
    match = t.matcher.match(t.normaliser(text))
    assert match.level == "none", [(h.entry.id, h.level) for h in match.hits]


def test_a_school_topic_does_not_cap_a_first_person_wish() -> None:
    result = triage().judge("i have an essay about suicide due tomorrow and i want to kill myself")
    assert result.level == "urgent", result.reasons


def test_a_passive_wish_to_be_run_over_is_concern() -> None:
    result = triage().judge("hvis jeg blev kørt ned i morgen ville det ærligt talt være fint")
    assert result.level in ("concern", "urgent"), result.reasons
    t = triage()
    assert t.matcher.match(t.normaliser("hvis jeg blev kørt ned i morgen ville det ærligt talt være fint")).level == (
        "concern"
    )
