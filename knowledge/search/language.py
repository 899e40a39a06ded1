"""The language to answer a question in: Danish or English.

First `knowledge.language.detect_language` (stop-word vote plus æ/ø/å). When that is undecided, weaker
cues break the tie: Danish and English spelling patterns and chat slang. When even those are silent
(for example "ok" or an emoji) the conversation's language hint wins, and Danish by default.
"""

from __future__ import annotations

import re
from typing import Literal

from knowledge.language import detect_language

Lang = Literal["da", "en"]
DEFAULT_LANG: Lang = "da"

_DA_CUES = re.compile(
    r"\b(?:hv\w+|\w+(?:hed|lig|ligt|skab|ning|erne|ene)|mig|dig|jeg|ikk?e?|nogen|kommentar\w*|racistisk\w*|sgu|fedt|nederen|mega)\b"
)
_EN_CUES = re.compile(r"\b(?:\w+(?:ing|tion|ness|ly)|th\w*|wh\w*|\w+ed|i|im|idk|tbh|ngl|lol|omg|pls|u|ur|bc|cuz|rn)\b")


_STOPWORDS = frozenset(
    """
    jeg du han hun vi de det den der er var har havde ikke ik og at en et til på med for om af fra hvad
    hvordan hvorfor hvem hvor hvis når men eller så også kan vil skal må mig dig sig min din mit dit mine
    dine vores jer dem noget nogen nogle meget mere bare lige helt godt gør gøre går få får fik ved være
    været blive bliver hele tiden altid aldrig sådan nu her hej okay ok ja nej tak hjælp hjælpe
    i you he she we they it is are was were be been am to of and or in on at for with my me your it's its
    this that these those do does did done what how why who when where if so can could will would should
    just like get got have has had them their our not no dont don't im i'm about from by as someone
    something anyone anything thing things really very much more all always never now here hi hey ok okay
    yes thanks help please pls what's whats
    """.split()
)
_TOKEN_RE = re.compile(r"[a-zæøåäöüé0-9']+")


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning: not stop words, at least three letters."""
    return [w for w in _TOKEN_RE.findall(text.lower()) if len(w) >= 3 and w not in _STOPWORDS]


def _cue_vote(text: str) -> Lang | None:
    lowered = text.lower()
    da = len(_DA_CUES.findall(lowered))
    en = len(_EN_CUES.findall(lowered))
    if da == en:
        return None
    return "da" if da > en else "en"


def detect(text: str) -> Lang | None:
    """ "da" or "en" when the text itself says so, else None."""
    return detect_language(text) or _cue_vote(text)


def answer_language(text: str, hint: str | None) -> Lang:
    """The text's language when clear; otherwise the conversation's (`hint`), else Danish."""
    detected = detect(text)
    if detected is not None:
        return detected
    if hint in ("da", "en"):
        return "da" if hint == "da" else "en"
    return DEFAULT_LANG
