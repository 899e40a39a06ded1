"""Twenty-fifth pass (docs/TRIAGE.md): urgent floors written as kinds from the misses of fresh hold-outs 62-73 and of
probes written in our own words (seven batches), concern floors, and narrowings for false urgents (a pet or a hangover
that "kills me", a kitchen cut, "rather die than" a school speech, an insult aimed at another player, set texts). One
table per expected outcome, one test each. Sentences here are written for the test, not taken from a hold-out; each kind
is checked in a form that differs from the example in the lexicon."""

from __future__ import annotations

import pytest

from tests.unit.test_triage_support import triage

URGENT = (
    # --- first batch (holdout62-66's kinds)
    "min kæreste kvalte mig indtil jeg besvimede i går, han kommer hjem om en time",
    "my stepdad punched me so hard i passed out and hes coming back from the pub soon",
    "en fyr fra roblox står uden for vores hus og vil have jeg skal hoppe ind i hans bil",
    "someone from my fortnite squad is outside my school right now telling me to get in his car",
    "sidder oppe på altanen på 8. etage og tror jeg bare lader mig falde ned",
    "on the bridge again. thinking i'll let myself fall this time",
    "jeg skar mig dybere end nogensinde for lidt siden og det hele er rødt",
    "min veninde har taget noget og skriver hun bare vil sove for altid",
    "har taget mormors sovepiller frem, skal sove og aldrig vågne op",
    "got all of grandma's painkillers out, gonna have a sleep i never wake up from",
    "de har spærret mig inde i omklædningsrummet og siger de vil sætte ild til det",
    "locked in the garden shed and i can smell smoke, they are laughing outside",
    "min stedfar er på vej op til mit værelse igen i nat, jeg kan høre ham",
    "gider ik mere. i dag er min sidste dag, det hele er planlagt",
    "har bundet rebet og løkken hænger fra bjælken",
    "made the noose and tied it to the beam in the attic",
    # --- second batch (probes in our own words, and kinds the first batch's retrain moved)
    "far truede med at tage sit eget liv i aften og er kørt væk i bilen",
    "my mum threatened to kill herself and drove off, she isnt picking up",
    "han tvang mig med ind på toilettet og jeg sagde nej igen og igen, det var for lidt siden og jeg ryster",
    "he dragged me to his car after school and i said no over and over, it just happened",
    "jumping from the 10th floor wont hurt right? im up here now",
    # --- third batch (probes in our own words)
    "skal ned til åen nu med sten i lommerne, ingen ved det",
    "filled my pockets with rocks, walking to the river now",
    "skar mig i armen og det er så dybt at jeg kan se noget hvidt",
    "cut too far this time, i can see the fat in it",
    "er på toppen af parkeringshuset i centret, hopper nok bare",
    # --- fourth batch (holdout70/71's kinds, and kinds the retrain moved)
    "driving mums car into the lake later, i feel weirdly ok about it",
    "vil køre ud i fjorden i nat, har tænkt over det længe",
    "started cutting again tonight and i want more",
    "er begyndt at skære igen nu og vil ikke stoppe",
    "cutter lige nu, tredje gang i dag",
    "står henne ved togsporet og har bestemt mig",
    "pillerne står klar på skrivebordet, jeg orker ikke mere",
    "min kæreste tog alle sine piller med sprut for 20 min siden og kaster op nu",
    "han deler videoen hvis jeg ikke betaler og jeg har skåret mig selv for lidt siden",
    "he keeps saying he will post the pics and i cut myself an hour ago",
    # --- fifth batch (holdout67's kinds)
    "hvad sker der med min snap når man dør? spørger fordi jeg ikke er her efter i aften",
    "står ved perronkanten og hver gang et tog kører forbi træder jeg lidt tættere på",
    "standing at the platform edge by the tracks and i keep stepping closer when the trains come",
    # --- seventh batch (holdout68, 69 and 73's kinds, after their measurement on 467c770)
    "hun har sendt et billede af en tom pakke sovepiller og skrevet undskyld, nu svarer hun ikke",
    "my friend sent a photo of an empty pill bottle with 'sorry' and isnt answering",
    "regner ik med at være her til weekenden, det hele er planlagt",
    "min ven har lige drukket afløbsrens fordi han ville dø og kaster op nu",
    "min veninde ringede grædende, hendes stedfar er inde på hendes værelse nu og hun er bange",
    "hvor lang tid før pamol virker hvis man har taget alt for mange? tog dem for en time siden",
    "har ikke sovet i dagevis og stemmerne siger jeg skal dø i nat",
    "the voices are telling me to jump tonight and i think i will",
    "hvad sker der med min insta når jeg er død? skal have den slettet efter i aften",
)

NONE = (
    # --- first batch (holdout62-66's kinds)
    "vores kat er ved at dræbe mig, den vækker mig kl 5 hver dag",
    "min forkølelse er ved at slå mig ihjel, hvad hjælper mod ondt i halsen",
    "i cut my thumb while chopping onions for dinner, how long should i press on it",
    "vil hellere dø end at danse foran hele klassen til idræt",
    "skrev til en fra holdet i fortnite at han skulle slå sig selv ihjel fordi han tabte kampen, får jeg ban",
    "told the guy who kept stealing my kills in warzone to go jump off a bridge, is that bannable",
    # --- third batch (probes in our own words)
    "jeg dør hvis jeg ikke får billetter til kampen på søndag",
    "hader mit liv når wifi ikke virker og jeg skal aflevere",
    "hvad er forskellen på adhd og autisme? skal skrive om det i dansk",
    # --- fourth batch (holdout70/71's kinds, and kinds the retrain moved)
    "why does lady macbeth kill herself in act five? need it for my essay",
    "hvis jeg ikke får min controller tilbage så dør jeg 😭",
    # --- fifth batch (holdout67's kinds)
    "what is the difference between self harm and suicidal behaviour? revising for my psych exam",
    "vi skal lave en plakat til selvmordsforebyggelse dagen, har i gode ideer",
    "hvad siger man hvis en veninde skriver at hun har det skidt? spørger generelt, vi havde trivselstime",
    # --- sixth batch (holdout72's kinds)
    "det blæser så meget at jeg seriøst vil dø på cyklen i morgen",
    "rip min streak med min bedste ven, vil bare lægge mig ned og dø",
    # --- seventh batch (holdout68, 69 and 73's kinds, after their measurement on 467c770)
    "we're reading hamlet, what is to be or not to be really about",
    "træneren var ved at dø af raseri efter kampen i går haha",
    "vil hellere dø end at gå glip af festen på fredag",
)

CONCERN = (
    # --- first batch (holdout62-66's kinds)
    "hvad er pointen med det hele når alt bare er skidt",
    "jeg har ingen fremtid, alle andre klarer sig bedre",
    # --- second batch (probes in our own words, and kinds the first batch's retrain moved)
    "tænker ofte på min begravelse og hvem der ville komme, er det normalt",
    "i keep thinking about my own funeral, like who would be there",
    "mærker efter fars bælte kan ses til idræt, hvad gør jeg",
    "how long do marks from a belt take to fade",
    # --- fifth batch (holdout67's kinds)
    "my swimming coach texts me asking what im wearing and tells me to delete our chats",
    # --- seventh batch (holdout68, 69 and 73's kinds, after their measurement on 467c770)
    "min fars ven kalder mig sin lille kæreste og vil have jeg sidder på hans skød, det føles forkert",
    "har en sugardaddy på 40 der giver mig penge, jeg er 15",
    "a guy from fortnite wants me to come to his house, he will pay the train and says dont tell my mum. im 13",
)

AT_LEAST_CONCERN = (
    # --- second batch (probes in our own words, and kinds the first batch's retrain moved)
    "dør man af at drikke afløbsrens?",
)

NOT_URGENT = (
    # --- first batch (holdout62-66's kinds)
    "min far kommer op på mit værelse for at sige godnat om aftenen",
    "vi tog til bedsteforældre og jeg skal sove i gæsteværelset i nat",
    "trust fall in drama class today, i had to let myself fall backwards",
    "hoppede fra vippen i svømmehallen og lod mig bare falde",
    "my dog is trying to kill me, he keeps tripping me on the stairs lol",
    "skar mig i fingeren på en kniv da jeg skar gulerødder, det bløder lidt, skal jeg have plaster på",
    "min onkel kommer ind på mit værelse om natten når vi besøger dem, vi skal derover til jul",
    "skal sove i nat efter at have taget en hovedpinepille, håber jeg vågner udhvilet",
    # --- third batch (probes in our own words)
    "we put stones in our pockets to skim them across the lake later",
    # --- fourth batch (holdout70/71's kinds, and kinds the retrain moved)
    "frisøren skar mit hår alt for kort i dag, det er så grimt",
)


@pytest.mark.parametrize("text", URGENT)
def test_situations_of_the_twenty_fifth_pass_are_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "urgent", (text, result.reasons)
    assert result.reasons


@pytest.mark.parametrize("text", NONE)
def test_idioms_accidents_and_insults_at_others_are_none(text: str) -> None:
    result = triage().judge(text)
    assert result.level == "none", (text, result.reasons)


@pytest.mark.parametrize("text", CONCERN)
def test_no_future_funerals_belt_marks_and_grooming_are_concern(text: str) -> None:
    assert triage().judge(text).level == "concern"


@pytest.mark.parametrize("text", AT_LEAST_CONCERN)
def test_a_poison_question_is_at_least_concern(text: str) -> None:
    assert triage().judge(text).level in {"concern", "urgent"}


@pytest.mark.parametrize("text", NOT_URGENT)
def test_everyday_sentences_near_these_kinds_are_not_urgent(text: str) -> None:
    result = triage().judge(text)
    assert result.level != "urgent", (text, result.reasons)
