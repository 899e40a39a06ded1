"""The conversation language and the short texts the knowledge action writes itself."""

from __future__ import annotations

from typing import Literal

from rasa_sdk import Tracker

Lang = Literal["da", "en"]
DEFAULT_LANG: Lang = "da"

# Texts keyed by name, then language. Warm, short, plain.
TEXTS: dict[str, dict[Lang, str]] = {
    "unavailable": {
        "da": "Undskyld, jeg kan ikke slå svar op lige nu. Du kan prøve igen om lidt – eller skrive med en rådgiver.",
        "en": "Sorry, I can't look up answers right now. You can try again in a bit – or chat with a counsellor.",
    },
    "clarify": {
        "da": "Jeg vil gerne forstå dig rigtigt. Handler det om en af de her ting? Du må også gerne skrive lidt mere.",
        "en": "I want to get this right. Is it about one of these? You're also welcome to tell me a bit more.",
    },
    "decline": {
        "da": "Det har jeg desværre ikke et godt svar på. Du kan spørge om noget andet – eller skrive med en rådgiver.",
        "en": "Sorry, I don't have a good answer to that. You can ask something else – or chat with a counsellor.",
    },
    "was_it_helpful": {"da": "Hjalp svaret dig?", "en": "Did this help?"},
    "helpful_yes": {"da": "👍 Ja", "en": "👍 Yes"},
    "helpful_no": {"da": "👎 Nej", "en": "👎 No"},
    "talk_to_counsellor": {"da": "Tal med en rådgiver", "en": "Talk to a counsellor"},
}


def as_lang(value: object) -> Lang:
    """Map a slot value (or anything) to a supported language, Danish by default."""
    return "en" if value == "en" else DEFAULT_LANG


def conversation_lang(tracker: Tracker) -> Lang:
    """The language the gateway set with /set_lang (slot `lang`)."""
    return as_lang(tracker.get_slot("lang"))


def text(name: str, lang: Lang) -> str:
    return TEXTS[name][lang]
