"""Twenty-eighth pass (docs/TRIAGE.md): floors written as kinds from the misses of fresh hold-outs 101-106, and
narrowings for false alarms. Sentences here are written for the test, not taken from a hold-out; each kind is checked
in a form that differs from the example in the lexicon. The table of (sentence, the levels it may get); test_triage_recent_passes.py runs it."""

from __future__ import annotations

from tests.unit.test_triage_support import FLAGGED, NONE, NOT_URGENT, URGENT

CASES: tuple[tuple[str, frozenset[str]], ...] = (
    # a known false alarm of the twenty-eighth pass that the thirtieth pass's retrain no longer reads as urgent
    ("har allerede taget noget mad, det var en del", NOT_URGENT),
    # --- urgent, first batch (holdout101-106)
    ("har slugt 12 af de der stærke smertestillende og mit hjerte hamrer, hvis jeg ik svarer så ved i hvorfor", URGENT),
    ("må jeg skrive selvom jeg allerede har taget nogle? det var for mange", URGENT),
    ("kan man ikke bare forsvinde? har fundet en måde og gør det i aften", URGENT),
    ("orker ik mere. gør det når jeg kommer hjem", URGENT),
    ("sat en alarm til kl 2 når de andre sover så jeg kan gøre det", URGENT),
    ("har skrevet mit testamente på mobilen, det sker i nat", URGENT),
    ("kan i skrive til min far at jeg elsker ham, jeg er ude af billedet om lidt", URGENT),
    ("sig til min søster at det ikke var hendes skyld", URGENT),
    ("jeg har bestemt mig og det sker på lørdag når de er ude", URGENT),
    ("min far er lige kommet hjem og er rasende, sidste gang han var sådan brækkede han mit håndled", URGENT),
    ("når det bliver mørkt vader jeg ud i fjorden til jeg ikke kan bunde, sig det ikke til nogen", URGENT),
    ("har det hele klar til i nat, får ikke brug for min jakke i morgen", URGENT),
    ("vi har en pagt om at vi hopper sammen", URGENT),
    ("feel so calm now that i've decided. picked the day, it's friday", URGENT),
    ("my dad is coming home drunk tonight and last time he put me in the hospital", URGENT),
    # --- concern, first batch
    ("jeg burde have været død sammen med ham i bilen", FLAGGED),
    ("hvorfor var det hende og ikke mig der døde", FLAGGED),
    ("han gik fra mig og nu kan jeg ikke se meningen med noget længere", FLAGGED),
    # --- narrowings: not flagged
    ("told a guy in fortnite to jump off a cliff lol he was trash", NONE),
    ("if people in my class say i want to die about tests should i worry, how do you tell if someone is serious", NONE),
    ("kan ikke mere med den matematikaflevering", NONE),
    ("vi spillede fodboldkamp og jeg har blå mærker over det hele men vi vandt", NONE),
    # --- near these kinds, not urgent
    ("hvis jeg ikke svarer er det nok fordi jeg sover", NOT_URGENT),
    ("jeg har allerede spist aftensmad, det var en del", NOT_URGENT),
    ("har sat alarm til kl 3 for at se meteorregn", NOT_URGENT),
    ("har besluttet mig for at tage til fest, det sker i weekenden", NOT_URGENT),
    ("we picked the date for the party, it's friday, so ready", NOT_URGENT),
    ("til svømning øver vi at svømme ud til vi ikke kan bunde og tilbage igen", NOT_URGENT),
    ("den træning i dag, jeg burde være død", NOT_URGENT),
    ("min træner slog mig efter fodboldkampen, har blå mærker", FLAGGED),
    # --- a break-up with a threat: urgent whatever "slår op" means
    ("hvis han slår op så springer jeg ud fra taget. jeg står heroppe nu", URGENT),
    ("hun slog op og nu vil jeg bare dø i nat, har pillerne her", URGENT),
)


# Known false alarm, kept visible: the semantic head reads swimming out of one's depth after training as the acute kind
# it resembles (p_urgent 0.98; the lexicon entries exclude it). Food "taken already, quite a lot" (p_urgent 0.88) was
# here until the thirtieth pass's retrain; it is in CASES now. Strict, so a fix shows up as XPASS.
KNOWN_FALSE_ALARMS = ("efter træning går jeg ud i søen til jeg ikke kan bunde og svømmer tilbage",)
