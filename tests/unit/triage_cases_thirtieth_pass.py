"""Thirtieth pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 116-125, and word
senses for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. The table of (sentence, the levels it may get);
test_triage_recent_passes.py runs it."""

from __future__ import annotations

from tests.unit.test_triage_support import FLAGGED, NONE, NOT_URGENT, URGENT

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # --- urgent (Danish)
    ("dagens to-do: give min kat til naboen og så ud foran bussen kl 15", URGENT),
    ("sidder ude på kanten af taget nu, det føles rigtigt denne gang", URGENT),
    ("har lagt min sidste besked til min søster i skuffen og har besluttet mig for hvornår", URGENT),
    ("tog en masse panodil for en halv time siden og nu ryster jeg og hjertet hamrer", URGENT),
    ("nu har jeg taget dem jeg har sparet op, så kan jeg sove og ikke vågne", URGENT),
    ("har drukket afløbsrens for ti minutter siden", URGENT),
    ("har skåret dybere i låret end nogensinde og blodet vil ikke stoppe", URGENT),
    ("undskyld til alle, det her er min sidste nat", URGENT),
    ("en type jeg mødte på insta har kørt mig hertil og vil ikke lade mig gå", URGENT),
    ("overvejer at køre ind i et træ på vej hjem i aften", URGENT),
    ("hils far og sig undskyld, jeg kommer aldrig hjem igen", URGENT),
    ("sedlerne til min familie ligger klar, det sker i nat", URGENT),
    ("hvordan føles det at dø? spørger fordi jeg har planlagt at gøre det i aften", URGENT),
    ("skar mere end sidst og det bliver ved med at bløde gennem plastret", URGENT),
    # --- urgent (English)
    ("picked up the pills from the shop, taking them once everyone is asleep", URGENT),
    ("a man i met on tiktok has my phone and we're driving somewhere i don't recognise", URGENT),
    ("thinking of steering off the bridge on the way home, no point anyway", URGENT),
    ("standing on the ledge of the tower block and i'm not scared any more", URGENT),
    ("the small cuts aren't enough, going to go deeper tonight", URGENT),
    ("left goodbye notes in my drawer, friday is the day", URGENT),
    ("rope is in my bag and i'm ending it tonight", URGENT),
    ("wrote letters to my mum and dad, it happens tonight", URGENT),
    ("tog 30 ibuprofen i aftes og har det skidt nu, hvad gør jeg", URGENT),
    ("hvor mange sovepiller skal der til? spørger ikke for sjov, de ligger klar", URGENT),
    ("cuttede dybere end normalt og nu kan jeg se fedt, stopper ikke", URGENT),
    ("i'm in my room with the scissors and i'm going to use them, please answer", URGENT),
    # --- concern
    ("det klør i fingrene for at skære når de skændes derhjemme", FLAGGED),
    ("har ikke gjort det i tre år men fik lyst til at skære i mig selv igen i dag", FLAGGED),
    ("min lærer kører mig hjem og giver mig gaver, han siger det er vores hemmelighed", FLAGGED),
    ("my stepdad locks me out when he's drunk and i sleep in the stairwell", FLAGGED),
    ("min far giver mig ingen mad hele weekenden som straf", FLAGGED),
    ("en voksen fra klubben vil betale mig for at sende billeder", FLAGGED),
    ("min kæreste er så jaloux at han tager hårdt fat i mit håndled", FLAGGED),
    ("someone on discord offered me gift cards to send him selfies", FLAGGED),
    ("i'm not allowed breakfast or dinner as punishment if i get bad grades", FLAGGED),
    ("my boyfriend gets jealous and shoves me against the wall", FLAGGED),
    # --- word senses: not flagged
    ("jeg vil hellere dø end at have den trøje på i skole", NONE),
    ("homework is killing me, two essays and a test this week", NONE),
    ("trafikken tager livet af mig, har holdt i kø i en time", NONE),
    ("farmors æblekage er til at dø for", NONE),
    ("we're doing hamlet in english class, why does ophelia die?", NOT_URGENT),
    ("vi skal spille selvmordsscenen i teaterstykket på fredag, jeg er nervøs", NOT_URGENT),
    # --- near these kinds, not urgent
    ("vi har tænkt os at gøre det i weekenden, altså male mit værelse", NOT_URGENT),
    ("har købt alt hvad jeg skal bruge til kagen og går i gang når mor er gået", NOT_URGENT),
    ("got everything i need for the party, going to do it after school", NOT_URGENT),
    ("min sidste dag på efterskolen er i morgen, tak for alt", NOT_URGENT),
    ("tog to panodil for en time siden og har stadig ondt i hovedet", NOT_URGENT),
    # a known false alarm until the thirty-first pass's retrain (it XPASSed there)
    ("kommer ikke hjem i aften, sover hos mormor, sig det til mor", NOT_URGENT),
    ("i need to use the scissors for my art project, where are they?", NOT_URGENT),
    # --- a real act still reaches urgent through a word sense
    ("essay on hamlet done. i want to die tonight", URGENT),
    ("jeg vil hellere dø end at tage hjem til ham igen", URGENT),
)


# Known false alarm, kept visible: the semantic head reads a kitchen cut that still bleeds as self-harm happening now
# (p_urgent 0.96); the lexicon caps it, and everyday rows did not move the head. (The sleepover told as "kommer ikke hjem
# i aften ... sig det til mor" was one too, until the thirty-first pass's retrain: it is in CASES now.)
KNOWN_FALSE_ALARMS = ("skar mig på en kniv i køkkenet og det bløder stadig",)
