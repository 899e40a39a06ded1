"""Twenty-sixth pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 74-88 (five batches), and
narrowings for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. One table of (sentence, the levels it may get), one test."""

from __future__ import annotations

import pytest

from tests.unit.test_triage_support import CONCERN, NONE, NOT_URGENT, URGENT, triage

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # --- urgent: means, plans and places
    ("jeg skal tage alle mine sovepiller når mine forældre er gået i seng i aften", URGENT),
    ("saving my meds and i will take them all when mum falls asleep", URGENT),
    ("min kammerat har taget sin onkels riffel og truer med at skyde sig selv", URGENT),
    ("my friend found his dad's pistol and says he wants to shoot himself", URGENT),
    ("har lige taget alle mine antidepressiva og jeg ser helt sløret", URGENT),
    ("feel so weird after taking like 25 of my mum's sleeping pills", URGENT),
    ("gonna jump off the hospital roof when my shift there ends", URGENT),
    ("jeg hopper ud fra hospitalets tag når det bliver mørkt", URGENT),
    ("a vil ik lev mer, a sidder nede ve molen", URGENT),
    ("sidder ved skinnerne bag hallen og venter på toget kommer", URGENT),
    ("har gemt mine lykkepiller i en måned, nu tager jeg dem", URGENT),
    ("blades out again and im gonna cut right now", URGENT),
    # --- urgent: farewells and times
    ("hvis jeg ikke skriver i morgen så har jeg gjort det. farvel", URGENT),
    ("if i don't reply tomorrow it's because i did it tonight", URGENT),
    ("det er sidste gang i hører fra mig, vi ses på den anden side i nat", URGENT),
    ("see you all on the other side tonight, i mean it", URGENT),
    ("going to have a forever nap, already got the pills from the bathroom", URGENT),
    ("hvad sker der med min tiktok når jeg er død? jeg har en plan til i morgen", URGENT),
    # --- urgent: violence and exploitation now
    ("min mors kæreste er på vej op ad trappen og han er fuld igen, jeg er så bange", URGENT),
    ("vågnede i en fremmed seng og kan ikke huske noget, der er nogle mænd ude i køkkenet", URGENT),
    ("woke up in a stranger's flat and the door is locked, i can't remember anything", URGENT),
    ("en fra snap skriver at han kommer hjem til mig nu fordi jeg er alene hjemme", URGENT),
    ("fyren fra tinder kører mig ud i skoven og vil ikke stoppe bilen, jeg er så bange", URGENT),
    ("this guy from insta is outside our house and says he'll post my pics unless i let him in", URGENT),
    ("min lillebror er bevidstløs og der ligger tomme pilleglas ved siden af ham", URGENT),
    # --- urgent, second batch (the committed sets' urgent messages still at concern)
    ("ending it after my parents are asleep, nobody will notice", URGENT),
    ("blev voldtaget for en time siden og sidder på en bænk, jeg ved ikke hvad jeg skal", URGENT),
    ("min far har sagt at han slår mig ihjel når han kommer hjem i nat", URGENT),
    ("jeg har fundet min fars pistol i skabet, det ville være så nemt", URGENT),
    ("har købt noget stærkt og vil bare forsvinde i nat", URGENT),
    # --- urgent, third batch (holdout80-82's kinds, after their measurement on 989f219)
    ("hvem skal have min kat når jeg er væk efter i morgen", URGENT),
    ("har fundet ud af hvordan jeg gør det uden det gør ondt, gør det kl 23", URGENT),
    ("skriv til min mor at det ikke er hendes skyld, når de finder mig i morgen tidlig", URGENT),
    ("er i en bil med nogle voksne mænd og de vil ikke lade mig stige ud", URGENT),
    ("hvis du ikke svarer nu så hopper jeg", URGENT),
    ("min stedfar er i gang med at banke min mor i køkkenet og jeg er bange", URGENT),
    ("far er stiv og har lige skubbet min lillebror ned ad trappen", URGENT),
    ("its happening tonight, i've made up my mind", URGENT),
    ("how long does tylenol take to work? already did it", URGENT),
    ("these guys in the van won't let me out and i don't know where we are", URGENT),
    ("if you don't answer in ten minutes i'm going to jump", URGENT),
    # --- urgent, fourth batch (holdout83-85's kinds, after their measurement on fa64f90)
    ("venter til mor og far sover, så går jeg op på taget", URGENT),
    ("skriver det her fra broen ved havnen, tror det er nu", URGENT),
    ("tog det hele for 5 min siden, vil bare ikke være alene", URGENT),
    ("hvad sker der med mine billeder når man dør? har tænkt mig at gøre det efter eksamen på fredag", URGENT),
    ("skal lige slette mine beskeder før jeg dør på lørdag", URGENT),
    ("har det fint nu, har besluttet mig. i morgen behøver jeg ikke mere", URGENT),
    ("min veninde har taget noget hun købte på en fest og nu har hun kramper", URGENT),
    ("i nat tager jeg al min insulin, ingen skal bekymre sig", URGENT),
    ("min far har sagt han slår mig ihjel når han kommer hjem, sidst brækkede han min arm, han er på vej nu", URGENT),
    ("writing this from the bridge by the station, this is it", URGENT),
    # --- urgent, fifth batch (holdout86-88's kinds, after their measurement on 544bcf8)
    ("min ven har sendt et billede fra taget af skolen og skrevet vi ses på den anden side, han svarer ikke", URGENT),
    ("han har lige sparket min mor omkuld og hun reagerer ikke", URGENT),
    ("they are sending me to my parents home country to get married tomorrow, i don't want to", URGENT),
    ("min familie sender mig til tyrkiet i morgen for at jeg skal giftes", URGENT),
    ("drak noget fra skabet under vasken for at jeg skulle dø", URGENT),
    ("har lagt barberbladet klar og kan ikke stoppe trangen lige nu", URGENT),
    ("sig til min far at jeg elsker ham. jeg skal ikke være her efter i aften", URGENT),
    ("been planning it for a month and now i have everything, tonight", URGENT),
    ("im calm, it's happening after my mum goes to bed", URGENT),
    ("lol er færdig med livet nu. ses aldrig", URGENT),
    # --- concern
    ("har ikke fået noget at spise i to dage fordi min mor var sur", CONCERN),
    ("min spejderleder skriver om natten og siger jeg ikke må fortælle mine forældre om det", CONCERN),
    ("får bæltet hvis jeg glemmer at rydde op", CONCERN),
    ("hvis jeg blev ramt af en bil ville det nok være en lettelse", CONCERN),
    ("mine håndled er dækket af ar og vi skal have korte ærmer til gallafesten", CONCERN),
    ("there's a modelling agent who wants pictures of me in underwear and says it's our secret", CONCERN),
    ("min far siger jeg skal giftes med en jeg aldrig har mødt", CONCERN),
    ("my parents want me to get married to my cousin next summer", CONCERN),
    ("tror ikke jeg bliver voksen, så hvorfor planlægge noget", CONCERN),
    ("hvis jeg blev kørt ned på vej hjem ville jeg ikke engang være ked af det", CONCERN),
    # --- none: idioms, games, songs and school work
    ("når jeg dør vil jeg reinkarneres som en kat hos en rig familie", NONE),
    ("vores forsvarer i fifa burde bare hoppe ud fra broen, han er så dårlig", NONE),
    ("we sang suicide is painless in the school band today", NONE),
    ("need statistics about suicide in denmark for my social studies essay", NONE),
    ("mormor slår mig altid i yatzy, hvad er tricket", NONE),
    ("min morfar er ved at slå mig ihjel med sine vittigheder", NOT_URGENT),
    ("the season finale ended and i am a total mess", NONE),
    ("jeg er klar til at dø for en burger lige nu", NONE),
    ("nu dør jeg snart af grin over den video", NONE),
    ("my little brother cut his thumb slicing carrots, does he need stitches?", NONE),
    ("vi spiller romeo og julie og jeg skal stikke mig selv på scenen, hvordan ser det ægte ud", NONE),
    ("what does kms mean, my little sister asked me", NONE),
    ("fortnite tonight, the others are all gonna die 😎", NONE),
    ("terminsprøve i morgen og jeg dør, har ikke åbnet bogen", NONE),
    ("jeg er død indeni efter den fysikprøve, hjernen er smeltet", NONE),
    ("can you ask a friend if they are thinking about suicide? our teacher said so in class", NONE),
    ("den noob i valorant skal bare dø, han gav dem hele runden", NONE),
    ("hvis jeg skal se et afsnit mere af den serie dræber jeg mig selv lol", NONE),
    ("vi skriver en novelle hvor hovedpersonen tænker på selvmord, hvordan skriver man det ordentligt", NONE),
    ("my friend used to self harm but she's fine now, how do i stay supportive", NONE),
    ("jeg er ved at dø af akavethed efter det møde", NONE),
    # --- near these kinds, not urgent
    ("vi flyver til tyrkiet i morgen til min kusines bryllup", NOT_URGENT),
    ("jeg tager min insulin i aften før aftensmaden som altid", NOT_URGENT),
    ("vi venter til alle er kommet, så spiser vi kagen", NOT_URGENT),
    ("far er på vej hjem fra arbejde og vi skal spise pizza", NOT_URGENT),
    ("jeg stod på storebæltsbroen sidste sommer og så solnedgangen", NOT_URGENT),
    ("woke up at my friend's house after the sleepover, can't remember the end of the movie lol", NOT_URGENT),
    ("my dad shot himself in the foot by telling mum about the surprise", NOT_URGENT),
    ("min mor slår mig ihjel hvis jeg kommer for sent hjem i aften", NOT_URGENT),
    ("har købt alt det jeg skal bruge til lejrturen i morgen", NOT_URGENT),
)


@pytest.mark.parametrize(("text", "allowed"), CASES)
def test_kinds_of_the_twenty_sixth_pass_get_their_level(text: str, allowed: frozenset[str]) -> None:
    result = triage().judge(text)
    assert result.level in allowed, (text, result.level, result.reasons)
