"""Twenty-fourth pass (docs/TRIAGE.md): urgent floors written as kinds from the misses of fresh hold-outs 50-61 (six
batches), concern floors, and narrowings for false urgents (idioms, food, games, reported speech, a song's line, and a
documented negation list that caps at concern). One table per expected outcome, one test each. Sentences here are
written for the test, not taken from a hold-out; each kind is checked in a form that differs from the example in the
lexicon."""

from __future__ import annotations

import pytest

from tests.unit.test_triage_support import triage, triage_without_semantic

URGENT = (
    # --- first batch (holdout50/51's kinds)
    # someone else harming themselves now, far away, "until dead"
    "min kammerat skriver at han ikke holder op før han er død, han er i sommerhus med sin familie",
    "my cousin texted that she wont stop till shes dead and now she isnt answering",
    "han sender mig video af sine håndled lige nu, det ser dybt ud",
    "she keeps sending me photos of her cuts right now and i live two hours away",
    # someone who has come to the room at night says they will come in when the others sleep
    "min stedbror siger han vil komme ind på mit værelse når mine forældre sover, jeg tør ikke sove",
    "the guy renting our basement said he will come in once my mum is asleep and i have no lock",
    # a farewell with its preparations
    "ses aldrig igen. har slettet alle mine profiler og givet mine ting væk",
    "see u never. gave all my stuff to my sister and deleted my insta",
    # pills collected for tonight
    "jeg har sparet på mine piller hele måneden og sluger dem alle i aften",
    "i have been saving my mums painkillers and i will take them all tonight",
    # on the way to the railway tracks
    "jeg cykler ud til jernbanen nu",
    "walking to the train tracks, dont try to find me",
    # a rope and a time
    "rebet ligger klar i kælderen til i nat",
    "i hid a rope in my wardrobe, tonight when my family is asleep",
    # a goodbye planned so that no one suspects
    "hvordan kan jeg sige farvel til min mor uden at hun får mistanke? det bliver på lørdag",
    "how can i say bye to my parents without them getting suspicious, it has to be this weekend",
    # --- second batch (holdout52/53's kinds)
    # someone who abused before sleeps with me tonight
    "han rørte ved mig sidste gang og nu skal han sove hos mig i aften fordi der mangler senge",
    # a pet handed over "if I die", with a deadline
    "hvis jeg er død hvem skal så passe min kanin? skal finde en til at tage den inden søndag",
    "if im gone who looks after my dog? need someone to take him by tomorrow",
    # doing it, with a time, said before going
    "gør det i weekenden alligevel. ville bare have at én vidste det inden jeg forsvinder",
    "im doing it tomorrow anyway, telling you before i disappear",
    # writing farewell letters
    "writing my farewell notes now, not sure who gets my guitar",
    # --- third batch (holdout54's kinds)
    # a last post announced for tonight
    "kig på min tiktok senere i aften, det bliver den sidste jeg laver. mener det",
    "check my snap story at midnight, it will be my last",
    # self-harm going on again now, deeper
    "cuttede i går, nu er det igen og dybere",
    "cut last night, it wasnt enough and im doing it again now",
    # a gun at hand
    "min fars riffel ligger på min seng og jeg kan ikke lade være med at holde den",
    "im holding my dads pistol, everyone is out",
    # on a bridge, thinking of jumping
    "har stået på jernbanebroen længe nu og tror jeg springer",
    # --- fourth batch (holdout55's kinds): a friend's goodbye with a place or an earlier attempt
    "min kusine skrev farvel i vores gruppechat og lagde et billede fra havnen. hun har forsøgt før",
    "my bestie posted goodbye with a pic of the bridge, she tried before, what do i do",
    # --- fifth batch (holdout56's kinds)
    # going up somewhere high, now, to jump
    "jeg løber op på broen nu og springer ud",
    "taking the lift up to the top floor and jumping, bye",
    # the train already chosen
    "jeg har valgt hvilket tog jeg vil træde ud foran",
    "i have picked the train, tomorrow i step in front of it",
    # things given away "when I am gone", with a time
    "min bror skal have mine spil når jeg er død, det sker i aften",
    "my cousin can have my bike when im not here, happening this weekend",
    # "logging off" for good, with a time
    "har besluttet at logge ud for godt i nat",
    "logging off permanently tonight. thanks for trying",
    # --- sixth batch (holdout57-61's kinds)
    "min mors kæreste er på vej hjem og skriver at han slår mig ihjel, han slog mig sidste uge",
    "sidder nede ved jernbaneoverkørslen, toget kommer om lidt",
    "i already downed them all, sorry mum",
    "har allerede slugt dem alle, vil ikke reddes",
    "tog en håndfuld for lidt siden, skal jeg tage flere",
    "ved nu hvordan og gør det i morgen før skole",
    "vil ikke leve mere. i aften sker det",
    "jeg planlægger at være død inden jul",
    "hentede seks pakker på apoteket, tager dem nu",
    "jeg kan ikke trække vejret ordentligt og er svimmel efter jeg tog pillerne",
    "im shaking and throwing up since i took them all an hour ago",
    "my friend says she drank a lot of vodka and pills and now she cant wake up properly, she is barely awake",
    "he posted see you all on the other side and he isnt answering",
    "hun har fundet sin fars pistol og siger hun gør det nu",
    "jeg springer ud foran bussen i morgen, har besluttet det",
    # fourth batch: driving off the road on purpose
    "gonna crash my moped into a wall on the way back, done with all of it",
)

NOT_URGENT = (
    # --- everyday sentences near these kinds are not urgent
    "vi står virkelig med kniven for struben med gruppeprojektet",
    "har lige spist halvdelen af en pose chips, er det usundt?",
    "my sister always says she will unalive me if i touch her makeup lol",
    "en i fortnite sagde til mig at jeg bare skulle kms, hvordan blokerer man?",
    "min lillebror sagde han kommer ind til mig når de andre sover, han er bange for tordenvejr",
    "so this is it, deleted my socials for a month of detox before exams",
    "vi ses aldrig mere i den her klasse, har givet mine ting til min lillesøster",
    "på vej ud til togbanen for at filme tog med min onkel",
    "vi skal bruge et reb i aften til spejder, hvor køber man det?",
    "i wanted to say goodbye to my class without them getting suspicious about the surprise party",
    "hvordan siger man farvel til sin træner uden at hun får mistanke om overraskelsen",
    # --- everyday sentences near the second batch are not urgent
    "den her tyskaflevering kommer til at tage livet af mig, hjælp",
    "vi spiller matador i aften, gør dig klar til at dø",
    "paintball i går og nu er jeg fuld af blå mærker haha",
    "i need to cut my own fringe, any tips",
    "we are going on vacation, if i die of boredom who will take my cat lol, need someone by friday",
    "writing goodbye notes for my class because we are moving in june",
    # --- everyday sentences near the third batch are not urgent
    "det bliver min sidste story før sommerferien, ses i august",
    "this is my last video of the season, thanks for watching",
    "jeg tror jeg hopper i havnen i sommer når det bliver varmt",
    # --- everyday sentences near the fifth batch are not urgent
    "vi går op på taget af hotellet og hopper i poolen bagefter",
    "we climbed up to the top of the diving tower and jumped into the pool",
    "logger af discord for altid, folk er for toxic",
    "my sister can have my old phone when i get the new one tomorrow",
    # --- everyday sentences near the sixth batch are not urgent
    "i fortnite blev jeg sniped igen, jeg vil dø haha",
    "my song has a line where she sings 'i wont survive the night', is that too dark for a school concert",
    "har taget en håndfuld nødder, er det sundt",
    "jeg skal foran i køen ved kassen, den går hurtigt",
)

AT_LEAST_CONCERN = (
    # --- a parent who hits is at least concern
    "min stedmor har slået mig i ansigtet i går",
    "mine forældre tæver mig hvis jeg kommer for sent hjem",
    "my grandma smacks me when i forget my chores",
    # --- an adult with secrecy or a secret phone is concern
    "min nabo på 40 giver mig gaver og siger at vores snaps skal blive mellem os",
    "my tutor bought me a secret sim and keeps telling me im mature for my age",
    # --- an adult asking if a child is alone or wanting secrecy is concern
    "min nabo spørger hele tiden om jeg er alene hjemme og hvad jeg har på",
    "my tutor says im so special and told me never to tell my parents about our calls",
    # something done to me before
    "min fætter har gjort ting ved mig i sommerferien",
)

CONCERN = (
    # --- a death wish said with a denial is concern
    "i dont want to kill myself but if i just didnt wake up one day i wouldnt mind",
    "jeg vil ikke slå mig selv ihjel men hvis jeg blev kørt ned ville det være fint",
    # --- a wish to disappear said with a denial is concern
    "i wish i could just not exist anymore, i would never do it though",
    "jeg ville ønske jeg bare kunne forsvinde, jeg vil aldrig gøre det, men tanken er der",
    # --- a dated past overdose is concern
    "i tried to overdose two years ago and i still think about it sometimes",
    "sidste måned tog jeg en masse piller, nu har jeg det lidt bedre men er stadig ked af det",
    # a passive wish said as not dramatic
    "kinda dont want to exist anymore, not in a dramatic way, i just wouldnt mind not waking up",
)


@pytest.mark.parametrize("text", URGENT)
def test_situations_of_the_twenty_fourth_pass_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)
    assert result.reasons


@pytest.mark.parametrize("text", NOT_URGENT)
def test_everyday_sentences_near_these_kinds_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)


@pytest.mark.parametrize("text", AT_LEAST_CONCERN)
def test_abuse_grooming_and_harm_disclosed_are_at_least_concern(text: str) -> None:
    assert triage().judge(text).level in {"concern", "urgent"}


@pytest.mark.parametrize("text", CONCERN)
def test_a_wish_said_with_a_denial_and_a_dated_past_overdose_are_concern(text: str) -> None:
    assert triage().judge(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "my brother got a nerf gun and it is loaded with foam darts lol",
        "min far renser sit jagtgevær i garagen efter jagtturen",
    ],
)
def test_the_gun_floors_leave_toys_and_hunting_alone(text: str) -> None:
    """The rules and the n-gram classifier alone: the semantic head's own view of guns is the next test."""
    result = triage_without_semantic().judge(text)
    assert result.level != "urgent", (text, result.reasons)


@pytest.mark.xfail(strict=True, reason="known gap: the semantic head's own p(urgent) >= 0.86 for any gun, no rule")
def test_known_false_urgent_of_the_semantic_head_for_guns() -> None:
    assert triage().judge("my dad took his rifle to the shooting club, it is in the car").level != "urgent"
