"""Twenty-ninth pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 107-115, and word
senses for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. The table of (sentence, the levels it may get);
test_triage_recent_passes.py runs it."""

from __future__ import annotations

from tests.unit.test_triage_support import FLAGGED, NONE, NOT_URGENT, URGENT

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # --- urgent (Danish)
    ("skrev et brev til hver af dem og lagde dem i køkkenet så de finder dem i morgen tidlig", URGENT),
    ("min bror lagde farvel til alle op på insta for en time siden og nu svarer han ikke", URGENT),
    ("er det hurtigt at drukne? jeg står nede ved molen alene lige nu", URGENT),
    ("har lige ridset mig selv på låret og har lyst til at gøre det igen, det stopper ikke", URGENT),
    ("sidder her med kniven i hånden og er ved at skære igen", URGENT),
    ("orker ikke mere, i nat går jeg ud på jernbanen", URGENT),
    ("min veninde har taget svampe og mdma og nu er hun bevidstløs på badeværelset", URGENT),
    ("hvem arver min telefon når jeg er død? skal vide det inden i aften, har bestemt mig", URGENT),
    ("kan i sige til min lillesøster at hun skal have min hættetrøje når jeg ikke er her mere efter weekenden", URGENT),
    ("gider ikke mere, vil tage alle mine lykkepiller når de andre er gået i seng", URGENT),
    # --- urgent (English)
    ("so tired of everything. swallowing the whole bottle tonight and not waking up", URGENT),
    ("i don't want to be alive and tonight i'll really do something about it", URGENT),
    ("what happens to my spotify when i'm dead? need to know before tomorrow morning, i've made up my mind", URGENT),
    # --- urgent, second batch: committed messages the first retrain dropped to concern (kinds, not their sentences)
    ("livet og jeg er færdige med hinanden, det slutter i nat", URGENT),
    ("planen er at køre galt med vilje på vej hjem fra festen på lørdag", URGENT),
    ("slukker lyset for altid når alle er taget på ferie", URGENT),
    ("har lige brændt mig på armen med en lighter og vil have mere", URGENT),
    ("is it painful to drown? i'm by the river alone tonight", URGENT),
    ("i ran away last night and some men i don't know keep offering me a place to sleep", URGENT),
    ("sometimes i wonder what if i stopped existing, would anyone notice", FLAGGED),
    # --- concern
    ("min morfar slår mig med en stok når jeg ikke gør som han siger", FLAGGED),
    ("jeg får øretæver af min stedmor når hun har drukket", FLAGGED),
    ("jeg har ar efter dengang jeg skar og skal have kortærmet på til gymnastik", FLAGGED),
    ("det har været sådan i årevis, hvorfor skulle det blive bedre nu", FLAGGED),
    ("en mand på 40 fra træningen giver mig penge og vape og vil mødes alene", FLAGGED),
    ("jeg er 14 og min kæreste er 22, han siger det er vores lille hemmelighed", FLAGGED),
    ("hvis jeg bare døde i søvne ville det være en lettelse", FLAGGED),
    ("my cutting scars are showing and my coach asked about them", FLAGGED),
    ("i am 13 and he is 25, he says we can never tell my parents", FLAGGED),
    ("if i just died in my sleep tonight it would honestly be fine", FLAGGED),
    # --- word senses: not flagged
    ("my friend's dog just bit me on the hand, tiny cut, should i clean it?", NONE),
    ("got an a on the test i could die happy right now", NONE),
    # the lexicon hit is capped at none; the semantic head still reads concern
    ("hunden er ved at tage livet af mig, han vil ud at gå kl 6 hver morgen", NOT_URGENT),
    ("den boss slog mig ihjel hundrede gange før jeg klarede den haha", NONE),
    ("our coach will kill us with laps if we lose on saturday", NONE),
    ("i get so nervous before every exam that i throw up every time, any tips?", NONE),
    ("fik en vaccination i går og nu har jeg blå mærker på armen, er det normalt?", NONE),
    ("min storebror cykler som en selvmordspilot", NONE),
    # the lexicon hit is capped at none; the semantic head still reads concern
    ("har hovedpine og ligger og dør lidt i sofaen", NOT_URGENT),
    ("til koncerten sang alle med på 'i wanna die tonight', det var vildt", NONE),
    # --- near these kinds, not urgent
    ("har skrevet julekort til min mormor og lagt dem på bordet så hun finder dem", NOT_URGENT),
    ("skrev tak for alt til vores træner efter sidste træning, hun var den bedste", NOT_URGENT),
    ("er det farligt at bade alene i havet om efteråret?", NOT_URGENT),
    ("sidder med kniven og skal til at skære løg til aftensmaden", NOT_URGENT),
    ("har besluttet mig for at tage til fest i aften", NOT_URGENT),
    ("jeg skal huske at tage alle mine piller inden jeg går i seng, hvordan husker man det?", NOT_URGENT),
    ("when i'm not here anymore next week because i'm moving, who takes over the club?", NOT_URGENT),
    # --- a real act still reaches urgent through a word sense
    ("min kat døde og nu vil jeg tage livet af mig i nat", URGENT),
)


# Known false alarm, kept visible: everyday notes left "så han finder dem" read as the farewell-letter kind. The lexicon
# entry fires on notes as well as letters, and the semantic head reads it as urgent too (p_urgent 0.92, close to the
# entry's own example); narrowing the entry and two everyday rows did not move the head, so both were left out.
# Strict, so a fix shows up as XPASS and moves the sentence into CASES.
KNOWN_FALSE_ALARMS = ("har lagt sedler med huskeliste til far så han finder dem når han kommer hjem",)
