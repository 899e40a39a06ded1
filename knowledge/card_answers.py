"""Read a guided flow's answers from what a young person writes (issue 17), Danish and English.

`extract_answers(text, requested)` returns slot name -> value id for every card slot the text clearly
states ("nogen har lagt mit nøgenbillede på insta, jeg er 15" -> platform instagram, age under_18, image
online). A plain yes/no/don't-know only counts for the slot being asked (`requested`). Buttons send
short words that these patterns read, so buttons and free text go the same way. A current age of 18 or
more is not read as the age in the image (the image may be older): the form then asks.
"""

from __future__ import annotations

import re

FLOW_SLOTS: dict[str, tuple[str, ...]] = {
    "nude_images": ("card_age", "card_image_status", "card_platform"),
    "sextortion": ("card_platform",),
    "hacked_account": ("card_platform", "card_contact_changed"),
    "cyberbullying": ("card_platform", "card_school"),
    "grooming": ("card_meeting",),
    "scam": ("card_given",),
}
FORM_OF_FLOW = {flow: f"{flow}_form" for flow in FLOW_SLOTS}
FLOW_OF_FORM = {form: flow for flow, form in FORM_OF_FLOW.items()}

_I = re.IGNORECASE
PLATFORMS = (
    ("instagram", re.compile(r"\b(insta(gram)?s?|ig)\b", _I)),
    ("snapchat", re.compile(r"\b(snap(chat)?\w*|sc)\b", _I)),  # snapgruppe, snapkortet
    ("tiktok", re.compile(r"\b(tik ?toks?|tt)\b", _I)),
    ("discord", re.compile(r"\b(discord\w*|dc)\b", _I)),  # "dc" only as a word (not in "adc", "dcs")
    ("facebook", re.compile(r"\b(facebook|fb|messenger)\b", _I)),
    ("roblox", re.compile(r"\broblox\b", _I)),
    ("youtube", re.compile(r"\b(youtube|yt)\b", _I)),
    ("x", re.compile(r"\b(twitter|x\.com|(på|on|i|in) x|x \(twitter\))(?!\w)|^x$", _I)),
    ("other", re.compile(r"\b(andet|anden app|en anden|other|another app|whatsapp|telegram|reddit|steam|"
                         r"fortnite|bereal|kik|omegle|forum|et forum|a forum|porn ?site|pornoside)\b", _I)),
)
UNDER_18 = re.compile(r"\b(under 18|u18|yngre end 18|younger than 18|var (kun |bare )?(1[0-7]|[5-9])( år)?|"
                      r"was (only |just )?(1[0-7]|[5-9]))\b", _I)
OVER_18 = re.compile(r"\b(over 18|18 eller (over|ældre)|18 or (over|older)|voksen|adult)\b", _I)
CURRENT_AGE = re.compile(r"\b(?:jeg er|i'?m|i am|er|age)\s+(?:kun\s+|bare\s+|only\s+|just\s+)?(\d{1,2})\b|"
                         r"\b(\d{1,2})\s*(?:år|years? old|yo|y/o)\b", _I)
# When the image was taken, against the age now: "im 19 and i took them last year" -> 18 then.
PAST_AGE = re.compile(r"\b(?:da jeg var|dengang jeg var|when i was|back when i was)\s+(?:kun\s+|bare\s+|only\s+|just\s+)?"
                      r"(\d{1,2})\b", _I)
YEARS_AGO = re.compile(r"\b(?:(i år|this year|fra i år)|(sidste år|last year|sidste sommer|last summer)|"
                       r"for (et|\d+|to|tre) år siden|(a|one|\d+|two|three) years? ago)\b", _I)
_NUMBER_WORDS = {"et": 1, "a": 1, "one": 1, "to": 2, "two": 2, "tre": 3, "three": 3}
THREATENED = re.compile(r"\b(true[rt]?|trussel|truet|threat\w*|afpress\w*|blackmail\w*)|"
                        # a modal before sharing: "vil sende det rundt", "he's gonna show everyone"
                        r"\b(vil|skal|kommer til at|will|'ll|gonna|going to|wants? to)\s+(\w+\s+){0,3}?"
                        r"(dele|sende|poste|lægge|vise|lække|share|send|post|show|leak|upload)\b|"
                        # the bare infinitive only with where it would go: "sende det rundt", "dele den med alle"
                        r"\b(dele|sende|poste|vise|share|send|post|show)\s+(\w+\s+){0,2}?"
                        r"(rundt|til alle|med alle|ud|around|to everyone|with everyone|everyone)\b|"
                        r"\b(hvis jeg ikke|medmindre jeg|unless i|if i don'?t)\s+(betaler|sender|giver|svarer|gør|pay|send|give|reply|answer|do)\b",
                        _I)
ONLINE = re.compile(r"\b(delt|deler|lagt|lagde|postet|posted|shared|sharing|leaked|lækket|spredt|sendt rundt|"
                    r"sent around|online|ude på|er ude|ligger på|uploaded|uploadet|everyone has seen|alle har set|"
                    r"videresendt|sendt (\w+\s+){0,2}?rundt|dukket op|dukkede op|popped up|showed up|turned up|"
                    r"sendt (det|den|dem) videre|set (det|den|dem)|går\b[^.?!]{0,40}\brundt|going around|rundt på)\b", _I)
GIVEN = (
    ("mitid", re.compile(r"\b(mit ?id|nem ?id)\b", _I)),
    ("codes", re.compile(r"\b(kode[rn]?|koden|codes?|pin|password|adgangskode|engangskode)\b", _I)),
    ("card", re.compile(r"\b(kort\w*|card|cvv|kreditkort|dankort|visa)\b", _I)),
    ("money", re.compile(r"\b(penge\w*|kr|kroner|mobilepay|betalt|betalte|overført|money|paid|sent \$?\d+|dollars?|"
                         r"euro|\d+ ?kr)\b", _I)),
    ("nothing", re.compile(r"\b(intet|ingenting|ikke noget|nothing|none)\b", _I)),
)
SCHOOL = re.compile(r"\b(skole\w*|klasse\w*|school|class(mates?)?|årgang)\b", _I)
NOT_SCHOOL = re.compile(r"\b(ikke (fra|på) (min )?skole|not (from|at) (my )?school|fremmede|strangers)\b", _I)
MEETING_SOON = re.compile(r"\b(i dag|i morgen|i aften|i nat|weekend\w*|snart|på (mandag|tirsdag|onsdag|torsdag|"
                          r"fredag|lørdag|søndag)|today|tomorrow|tonight|this weekend|soon|on (monday|tuesday|"
                          r"wednesday|thursday|friday|saturday|sunday))\b", _I)
MEETING_LATER = re.compile(r"\b(senere|måske|engang|later|maybe|some ?day|at some point|"
                           r"(til|næste|i) (sommer|vinter|jul|påske|efterår|forår)\w*|"
                           r"(i|til|efter) (sommer|vinter|efterårs|jule|påske|vinter)ferien|"
                           r"næste (måned|år|sommer)|om (en|et|to|tre|\d+) (måned|måneder|år)|"
                           r"next (month|year|summer|winter|spring|fall|autumn)|this summer|"
                           r"(in|during) the (summer|holidays?|break)|in (a|one|two|three|\d+) (months?|years?))\b",
                           _I)
# No plan to meet: "han har ik spurgt om at mødes", "he never asked to meet", "we havent talked about meeting".
# A negation then asking/talking about it, so "om vi ikke skal mødes" (a proposal) is not read as "no".
MEETING_NONE = re.compile(r"\b(ikke|ik|ikk|aldrig|never|not|didn'?t|hasn'?t|haven'?t|havent|hasnt|didnt|"
                          r"doesn'?t|doesnt)\s+(\w+\s+){0,2}?(spurgt|snakket|talt|skrevet|nævnt|foreslået|aftalt|"
                          r"planlagt|ask\w*|talk\w*|spoke\w*|mention\w*|said anything|brought up|suggest\w*|"
                          r"plann?\w*)\b[^.?!]{0,30}?\b(mødes|møde[st]?|ses|meet\w*|hang ?out)\b", _I)
MEETING_WORD = re.compile(r"\b(mødes|møde[sr]?|ses|meet\w*|hang ?out|date)\b", _I)
CONTACT_CHANGED = re.compile(r"\b(ændret|skiftet|changed)\b.*\b(mail\w*|e-?mail\w*|\w*nummer\w*|number|phone)\b|"
                             r"\b(mail|e-?mail|nummer|number|phone)\b.*\b(ændret|skiftet|changed)\b", _I)
CONTACT_SAME = re.compile(r"\b(ikke ændret|not changed|same|samme|kan stadig logge ind|can still log in|"
                          r"står stadig|still (get|gets|have|has|receive)\b[^.?!]{0,30}\b(mail|e-?mails?|texts?|sms)|"
                          r"(didn'?t|did not|haven'?t|hasn'?t|har ikke|har ik)\s+(\w+\s+)?(change[ds]?|ændret|skiftet)\s+"
                          r"(\w+\s+)?(mail|e-?mail|nummer|number|phone))\b", _I)
YES = re.compile(r"^\W*(ja|jah|jep|jo|ja da|yes|yeah|yep|ya|yup)\b", _I)
NO = re.compile(r"^\W*(nej|nope|næ|nah|no|ikke)\b", _I)
UNKNOWN = re.compile(r"\b(ved ikke|ved det ikke|aner det ikke|idk|i don'?t know|dunno|not sure|usikker|"
                     r"kan ikke huske|can'?t remember)\b", _I)


def _platform(text: str) -> str | None:
    return next((value for value, pattern in PLATFORMS if pattern.search(text)), None)


def _age(text: str) -> str | None:
    if UNDER_18.search(text):
        return "under_18"
    if OVER_18.search(text):
        return "over_18"
    past = PAST_AGE.search(text)
    if past and 5 <= int(past.group(1)) < 60:
        return "under_18" if int(past.group(1)) < 18 else "over_18"
    ago = _years_ago(text)
    for match in CURRENT_AGE.finditer(text):
        age = int(match.group(1) or match.group(2))
        if 8 <= age < 18:
            return "under_18"  # under 18 now: under 18 in the image too
        if 18 <= age < 60 and ago is not None:
            return "under_18" if age - ago < 18 else "over_18"
    return None


def _years_ago(text: str) -> int | None:
    """How many years ago the image was taken, when the text says it ("sidste år" 1, "for 3 år siden" 3)."""
    match = YEARS_AGO.search(text)
    if match is None:
        return None
    if match.group(1):
        return 0
    if match.group(2):
        return 1
    word = (match.group(3) or match.group(4)).lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def _image_status(text: str) -> str | None:
    if THREATENED.search(text):
        return "threatened"
    if ONLINE.search(text):
        return "online"
    return None


def _given(text: str) -> str | None:
    return next((value for value, pattern in GIVEN if pattern.search(text)), None)


def _school(text: str, asked: bool) -> str | None:
    if NOT_SCHOOL.search(text):
        return "no"
    if SCHOOL.search(text):
        return "yes"
    return _yes_no(text) if asked else None


def _meeting(text: str, asked: bool) -> str | None:
    if asked or MEETING_WORD.search(text):
        if MEETING_SOON.search(text):
            return "soon"
        if MEETING_LATER.search(text):
            return "later"
        if MEETING_NONE.search(text):
            return "no"
    if asked:
        answer = _yes_no(text)
        return {"yes": "soon", "no": "no"}.get(answer or "")  # "yes" without a when: treat as soon
    return None


def _contact_changed(text: str, asked: bool) -> str | None:
    if CONTACT_SAME.search(text):
        return "no"
    if CONTACT_CHANGED.search(text):
        return "yes"
    return _yes_no(text) if asked else None


def _yes_no(text: str) -> str | None:
    if YES.search(text):
        return "yes"
    if NO.search(text):
        return "no"
    return None


def extract_answers(text: str, requested: str | None = None) -> dict[str, str]:
    """Every card slot `text` states; `requested` is the slot the bot just asked for (or None)."""
    text = text or ""
    found: dict[str, str | None] = {
        "card_platform": _platform(text),
        "card_age": _age(text),
        "card_image_status": _image_status(text),
        "card_given": _given(text),
        "card_school": _school(text, requested == "card_school"),
        "card_meeting": _meeting(text, requested == "card_meeting"),
        "card_contact_changed": _contact_changed(text, requested == "card_contact_changed"),
    }
    if requested == "card_age" and found["card_age"] is None:
        found["card_age"] = {"yes": "under_18", "no": "over_18"}.get(_yes_no(text) or "")
    if requested and found.get(requested) is None and UNKNOWN.search(text):
        found[requested] = "unknown"
    return {slot: value for slot, value in found.items() if value is not None}
