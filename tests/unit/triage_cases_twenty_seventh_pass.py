"""Twenty-seventh pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 89-100 and of committed sets, and
narrowings for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. The table of (sentence, the levels it may get); test_triage_recent_passes.py runs it."""

from __future__ import annotations

from tests.unit.test_triage_support import FLAGGED, NONE, NOT_URGENT, URGENT

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
    # --- urgent, second batch (holdout92-94)
    ("nogle fyre til festen låste mig inde på badeværelset, skriver fra mit ur", URGENT),
    ("some guys from the party locked me in their car and i'm scared", URGENT),
    ("han sagde i telefonen at han har taget nok til at det er nok, og så lagde han på", URGENT),
    ("she said she took enough for it to work and now she's not answering", URGENT),
    ("jeg har planlagt det i månedsvis og dagen er på lørdag", URGENT),
    ("har gjort det hele klar på loftet og går op når mor og far sover", URGENT),
    ("hvor langt skal man falde før man dør? spørger for mig selv", URGENT),
    ("ligger og venter på at pillerne virker, vil bare have selskab", URGENT),
    ("waiting for the pills to kick in, can someone just talk to me", URGENT),
    ("i'm at the tube station and thinking of stepping in front of the next train", URGENT),
    ("min ven har taget noget og vi kan ikke vække ham, han er helt bleg", URGENT),
    ("i morgen er der en mindre at bekymre sig om. tak for alt", URGENT),
    ("tomorrow there will be one less person for them to worry about", URGENT),
    ("var fuld i går og tog en håndfuld af min mors sovepiller, nu er alt sløret", URGENT),
    ("skal til lægen på torsdag men tror ikke jeg når derhen, gør det inden", URGENT),
    ("hvor mange panodiler skal der til? spørger fordi jeg har dem i hånden", URGENT),
    ("how many would it take, asking because i have them in my hand", URGENT),
    ("jeg lover at jeg er væk inden påske", URGENT),
    ("står på broen ved havnen lige nu og kigger ned, vil ikke hjem", URGENT),
    ("far er på vej hjem og så får jeg tæsk, han er rasende", URGENT),
    # --- urgent, third batch (holdout95-97)
    ("lol so i took like half a bottle of my sleeping tablets and i'm really drowsy now", URGENT),
    ("orker ikke mere, fandt et reb i garagen i dag", URGENT),
    ("i can't go on like this, bought a rope on the way home", URGENT),
    ("far er stiv og har slået min bror, nu banker han løs på min dør og jeg har låst", URGENT),
    ("har taget et helt glas panodil for en halv time siden, er det for sent", URGENT),
    ("hvor skarp skal kniven være, det skal lykkes den her gang", URGENT),
    ("fandt min fars haglgevær og ved hvor patronerne ligger", URGENT),
    ("found my dad's pistol, it's loaded", URGENT),
    ("jeg flyver fra 10. etage i nat, ingen savner mig", URGENT),
    # --- urgent, fourth batch (holdout98-100)
    ("står ved klinten og kanten er lige her, ved godt hvad jeg skal nu", URGENT),
    ("har bestemt mig for torsdag og ved præcis hvordan, sig det ikke til nogen", URGENT),
    ("tror ikke jeg når at fejre min fødselsdag i næste uge", URGENT),
    ("har drukket vin og taget alt for mange af begge dele med lykkepillerne", URGENT),
    ("if my friend took 3 packs of paracetamol would she be ok? it's me, an hour ago", URGENT),
    ("have them all counted out on my desk, will you stay with me while i take them", URGENT),
    ("at the station and i'm not getting on the train if you know what i mean", URGENT),
    ("rebet hænger i garagen, venter til de andre er gået i seng", URGENT),
    ("min ven skrev farvel i gruppen og har slukket sin telefon, han har talt om selvmord", URGENT),
    ("for the essay i wrote that my weekend plan is to be dead by saturday, and i meant it", URGENT),
    # --- concern, first batch
    ("hvis jeg blev kørt over af et tog ville jeg nok være lettet", FLAGGED),
    ("hvordan skjuler man arene på låret, jeg skar mig i fredags", FLAGGED),
    ("min onkel siger han smider mig ud hvis jeg fortæller hvad der sker", FLAGGED),
    ("mum says she'll kick me out if i tell anyone what he does", FLAGGED),
    ("vores far låser køleskabet om aftenen og vi går sultne i seng", FLAGGED),
    ("they lock the kitchen at night and we only get food if we behave", FLAGGED),
    ("my girlfriend keeps locking me in her flat when she goes to work", FLAGGED),
    ("en fyr fra discord siger han kun sletter videoen hvis jeg sender mere", FLAGGED),
    ("jeg drømmer om min egen død hver nat, og det føles fredeligt", FLAGGED),
    ("i often think about my own funeral and who would come", FLAGGED),
    ("har ar på håndleddene og skal i svømmehallen med klassen, hvad siger jeg", FLAGGED),
    # --- none, first batch
    ("do i need to tell my parents before i sign up for the trip", NONE),
    ("if i miss the bus again i swear i'm moving to the moon", NONE),
    ("min mormor ville myrde for en kop kaffe om morgenen", NONE),
    ("my little sister says she'll end me at mario kart tonight", NOT_URGENT),  # the head still says concern
    # --- none, second batch
    ("han tog livet af mig med den opgave, 12 sider til i morgen", NONE),
    ("min bror sagde jeg skulle gå ud og drukne mig selv fordi jeg tabte i ludo haha", NOT_URGENT),
    ("får altid blå mærker af at spille volleyball, er det normalt", NONE),
    ("min kusine på 7 spørger hvad selvmord er, hvordan forklarer man det til et barn", NONE),
    ("træneren var helt død indeni efter vi tabte finalen", NONE),
    ("min farmor er meget syg og skal snart dø, hvad siger man til hende", NOT_URGENT),
    # --- none, third batch
    ("min mælketand faldt ud og det bløder så meget, er det normalt", NONE),
    ("den lagkage var til at dø for, tak mormor", NONE),
    ("vi har et projekt om selvmord i samfundsfag, hvad er forskellen på tanker og forsøg", NONE),
    ("fik et blå mærke på benet, stødte ind i sofabordet i mørket", NOT_URGENT),  # the head says concern
    ("min kusine smadrede mig 5-1 i fifa, nu vil jeg have revanche", NONE),
    ("what do i do if a friend tells me they self harm? our teacher said to ask just in case", NONE),
    # --- none, fourth batch
    ("forgot to lock the door and mum is going to kill me lol", NONE),
    ("løb 10 km i dag og benene kan ikke mere, hvordan undgår man ømhed", NONE),
    ("terminsprøve på fredag og jeg skal bare dø, nogen tips til at huske formlerne", NONE),
    # --- near these kinds, not urgent
    ("jeg ved godt hvordan kampen ender i aften, vi taber igen", NOT_URGENT),
    ("tak for alt, pas på min cykel mens jeg er på ferie", NOT_URGENT),
    ("thanks for everything, take care of my plants while i'm on holiday", NOT_URGENT),
    ("i won't be around tomorrow, it's the class trip. sorted my homework already", NOT_URGENT),
    ("logger ud af tiktok for altid i aften, det stjæler min tid", NOT_URGENT),
    ("har planlagt det i ugevis, festen er på lørdag", NOT_URGENT),
    ("var fuld i går og tog to panodiler mod hovedpinen i morges", NOT_URGENT),
    ("de låste mig inde i omklædningsrummet igen efter idræt og grinede", NOT_URGENT),
    ("sometimes i think what if i stepped in front of the train, i never would though", NOT_URGENT),
    ("mor er på vej hjem og så får jeg en omgang kram og boller", NOT_URGENT),
    ("købte reb i bauhaus til vores klatretur i weekenden", NOT_URGENT),
    ("min mor banker på min dør hver morgen for at vække mig", NOT_URGENT),
    ("jeg vil ikke fejle igen til eksamen, hvordan læser man bedst op", NOT_URGENT),
    ("har ridser på armene fra vores kat, hvad siger jeg til idræt", NOT_URGENT),
    ("har bestemt mig for fredag til festen, ved ikke hvordan jeg kommer hjem", NOT_URGENT),
)


# Known false alarms, kept visible: the semantic head reads "... klar ... når de andre sover" as a plan for the night
# even when it is presents, a father's hunting rifle and a gym rope as a means at hand (p_urgent above its bars; everyday examples
# did not move them). Strict, so a fix shows up as XPASS and moves the sentence into CASES.
KNOWN_FALSE_ALARMS = (
    "har lagt gaverne klar og pakker dem ud når de andre sover",
    "min far har et jagtgevær og tager mig med på jagt, patronerne er låst inde",
    "rebet hænger i gymnastiksalen og jeg kan ikke klatre op ad det",
)
