"""Danish/English language detection for short, informal chat messages.

A stop-word vote with a bonus for æ/ø/å. Returns None when the message carries no clear signal
("ok", "?", an emoji), so callers can keep the conversation's current language.
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["da", "en"]

_DA_WORDS = frozenset(
    """
    jeg du han hun vi de det den der er var har havde ikke og at en et til på med for om af fra
    hvad hvordan hvorfor hvem hvor hvis når men eller så også kan vil skal må mig dig sig min din
    mit dit mine dine vores jer dem noget nogen nogle ingen alle meget mere mest godt går gør
    hej hejsa tak ja nej okay hjælp hjælpe snakke tale person rådgiver billede billeder mor far
    forældre ven venner kæreste skole lærer føler føle ked bange alene ensom sover sove tror
    ved bare lige helt rigtig sgu altså eller nogen nok også sådan hvordan kommer komme fik får
    mobbet mobning lort dårligt glad trist vred hvorfor sendt sende delt dele spiller spil
    """.split()
)
_EN_WORDS = frozenset(
    """
    you he she we they it is are was were have has had not and to on with for of from what how
    why who where when if but or so also can will would should must me my mine your yours our them
    something someone anyone nobody everyone very more most good does do doing did don't dont im
    i'm hi hey hello thanks thank yes no help talk person counsellor counselor picture pictures
    mom mum dad parents friend friends girlfriend boyfriend school teacher feel feeling sad scared
    alone lonely sleep think know just really the a an this that there my me about because been
    bullied bullying sent send shared share playing game games anymore want wanna gonna cant can't
    """.split()
)
_WORD_RE = re.compile(r"[a-zæøåäöü']+")
_DANISH_LETTERS_RE = re.compile(r"[æøå]")


def detect_language(text: str) -> Lang | None:
    """Return "da" or "en" when the text clearly leans one way, else None."""
    lowered = text.lower()
    words = _WORD_RE.findall(lowered)
    da = sum(1 for word in words if word in _DA_WORDS)
    en = sum(1 for word in words if word in _EN_WORDS)
    da += 2 * len(_DANISH_LETTERS_RE.findall(lowered))
    if da == en:
        return None
    if max(da, en) < 1:
        return None
    return "da" if da > en else "en"


def resolve_language(text: str, current: Lang) -> Lang:
    """The language to answer in: the detected one when clear, else the conversation's."""
    return detect_language(text) or current
