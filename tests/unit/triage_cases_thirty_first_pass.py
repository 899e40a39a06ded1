"""Thirty-first pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 126-135, and word
senses for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. The table of (sentence, the levels it may get);
test_triage_recent_passes.py runs it."""

from __future__ import annotations

from tests.unit.test_triage_support import FLAGGED, NONE, NOT_URGENT, URGENT

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # --- urgent (Danish)
    ("alt er en joke, så jeg lukker det hele ned i nat. har givet mine spil væk til min fætter", URGENT),
    ("har tænkt mig at kvittere... nej kvitte livet på lørdag", URGENT),
    ("skulle bare lige have skrevet det til nogen før jeg gør det, det er ik jeres skyld", URGENT),
    ("har prøvet tre gange i aften og det virkede ik, fjerde gang skal det lykkes", URGENT),
    ("jeg har ik lyst til at vågne og har ordnet det nu", URGENT),
    ("gør det ikke ondt? vil gøre det i nat når mor sover", URGENT),
    ("min far har lige sparket mig og han er stadig fuld og siger han kommer ind igen", URGENT),
    ("min bedste ven har taget et gevær fra sin onkel og skriver farvel i chatten", URGENT),
    ("en mand venter udenfor hallen i en bil og siger han deler mine billeder hvis jeg ikke sætter mig ind", URGENT),
    ("min kammerat sidder på kanten af taget og skriver at han hopper nu", URGENT),
    ("hvor mange sovepiller er nok til at jeg ikke vågner igen", URGENT),
    ("hvordan dør man smertefrit? det er ik til en opgave, det er til mig", URGENT),
    ("kan du hjælpe mig med at finde et nyt hjem til min hund? kommer ikke tilbage efter i morgen", URGENT),
    ("playlisten til min begravelse er klar og skal bruges i weekenden", URGENT),
    ("logger af for good i aften, har ikke mere at give", URGENT),
    # --- urgent (English)
    ("i found my dads handgun and i know exactly what i am going to do with it tonight", URGENT),
    ("need to get enough of these so that i dont wake up", URGENT),
    ("a little unaliving after school today, all planned out", URGENT),
    ("quickest way to kill myself? not for an essay", URGENT),
    ("my cousin took the shotgun from the shed and now hes not answering", URGENT),
    ("a guy is waiting outside the gym in a car, he says get in or he sends my nudes to my school", URGENT),
    ("my friend is standing on the ledge of the car park saying she is going to jump", URGENT),
    ("the songs for my funeral are picked and need it this weekend", URGENT),
    ("can someone take my cat, want her in a safe home when im gone. not moving house", URGENT),
    # --- urgent kinds the first retrain of this pass dropped to concern (from committed sets, in other words)
    ("i'm going to cut myself as soon as my dad goes to work, the razor is ready", URGENT),
    ("gave most of my games and stuff away this week, i will be gone by friday", URGENT),
    ("going on a long walk off a short pier right now and no joke", URGENT),
    ("is it dangerous to take 20 ibuprofen? and i took them half an hour ago", URGENT),
    ("er det farligt at drikke afløbsrens? jeg drak lige noget for fem min siden", URGENT),
    ("hvad er en overdosis af pamol? tog dem for lidt siden og har det underligt", URGENT),
    ("vil have det hele overstået på lørdag, hvor mange sovepiller skal man tage", URGENT),
    ("han er rasende og smadrer alt, jeg har låst mig inde på badeværelset", URGENT),
    ("lol jeg vil bare dø seriøst, vil ik være her mere", URGENT),
    ("hvad sker der med min tiktok hvis jeg dør? spørger fordi efter i nat er jeg væk", URGENT),
    # --- concern
    ("min kæreste holdt mig om halsen i går fordi jeg skrev med en anden", FLAGGED),
    ("en mand fra min fars arbejde giver mig gaver og siger jeg ik må fortælle det", FLAGGED),
    ("mor er fuld igen og der er ikke noget mad, jeg er alene med min lillesøster", FLAGGED),
    ("ser ikke noget mening med noget mere efter vi mistede ham", FLAGGED),
    ("he grabbed me by the neck when i said i wanted to break up", FLAGGED),
    ("jeg laver en liste med sange til min begravelse, er det mærkeligt", FLAGGED),
    # --- word senses: not flagged
    ("tror min bærbare begår selvmord, den bliver så varm", NONE),
    ("matematiksættet i dag er virkelig ved at tage livet af mig", NONE),
    ("boss fighten tog livet af mig 12 gange i går", NONE),
    ("vi øver på stykket og min karakter siger jeg vil ikke leve mere, hvordan siger jeg det", NOT_URGENT),
    ("skar mig på en konservesdåse i går, fingeren er lidt hævet", NOT_URGENT),
    # --- near these kinds, not urgent
    ("vi flytter og må ikke have hund, hvordan finder vi et godt hjem til ham?", NOT_URGENT),
    ("min far tog jagtgeværet med på jagt og er væk hele weekenden", NOT_URGENT),
    ("vores show slutter i aften, tak for alt til publikum", NOT_URGENT),
    ("we're moving to a flat and can't keep the rabbit, how do we find it a good home for good?", NOT_URGENT),
    ("bought a nerf gun for my brother, what i'm going to do with it this weekend is an epic battle", NOT_URGENT),
    # --- a real act still reaches urgent through a word sense
    ("vi øver stykket. men jeg vil dø i nat, det er ikke skuespil", URGENT),
)


# Known false alarms, kept visible: the lexicon leaves both alone (the new entries exclude them), but the semantic head
# reads a second failed try at the wifi tonight as a plan carried out (p_urgent 0.86) and a question whether ear
# piercing hurts, "vil gøre det i aften", as a farewell with a time (p_urgent 0.78). Both were judged urgent on the
# thirtieth pass's final rule already; everyday rows of their kinds did not move the head.
KNOWN_FALSE_ALARMS = (
    "har prøvet to gange i aften at få wifi til at virke og det virkede ik",
    "gør det ondt at få hul i ørerne? vil gøre det i aften",
)
