"""Build-time augmentation of the triage model's training examples: how teenagers really type.

Every curated example gets `VARIANTS` seeded variants that keep its level:
- typos: a dropped, doubled or swapped letter, æ/ø/å typed as ae/oe/aa or a/o/a, punctuation dropped;
- lowercase, and an emoji added (😭 💀 🙃 ...);
- English code-switching in Danish text ("ngl", "fr", "lowkey", "idk", a few word swaps) and chat fillers in
  English;
- run-on text: the example joined without punctuation to an everyday sentence of the same language, before
  or after it, so risk buried in a long message or in a postscript looks like training data.

Deterministic (one `random.Random(seed)`), no I/O; only `lyt triage build` calls it (the judge never does).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

VARIANTS = 1  # per curated example (two cost 3x the training time and measured no better, docs/TRIAGE.md)
EMOJI = ("😭", "💀", "🙃", "😔", "🥲", "😅", "❤️", "🫠", "😞", "lol", "xd", "haha")
DA_FILLERS = ("ngl", "fr", "lowkey", "bro", "tbh", "like", "idk", "wallah", "seriøst", "altså")
EN_FILLERS = ("ngl", "fr", "lowkey", "tbh", "like", "idk", "bro", "literally")
# Danish word -> what a code-switching teen writes instead (meaning kept).
DA_SWITCH = {
    "virkelig": "really",
    "seriøst": "seriously",
    "måske": "maybe",
    "ærligt": "honestly",
    "lige nu": "rn",
    "ved ikke": "idk",
    "ved ik": "idk",
    "i aften": "tonight",
    "i nat": "tonight",
    "færdig": "done",
    "bare": "just",
    "hjælp": "help",
    "undskyld": "sorry",
}
OPENERS_DA = ("okay så", "hej", "ej", "altså", "ved ik lige hvordan jeg skal sige det men", "hmm", "okay")
OPENERS_EN = ("ok so", "hey", "idk how to say this but", "um", "so yeah", "okay")
_FOLD = {"æ": ("ae", "a", "e"), "ø": ("oe", "o"), "å": ("aa", "a")}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def typos(text: str, rng: random.Random) -> str:
    out = []
    for word in text.lower().split():
        if rng.random() < 0.15:
            word = _typo(word, rng)
        for letter, options in _FOLD.items():
            if letter in word and rng.random() < 0.5:
                word = word.replace(letter, rng.choice(options))
        out.append(word)
    joined = " ".join(out)
    return re.sub(r"[.,!?;:]", "", joined) if rng.random() < 0.6 else joined


def emoji(text: str, rng: random.Random) -> str:
    mark = rng.choice(EMOJI)
    return f"{mark} {text}" if rng.random() < 0.25 else f"{text} {mark}"


def code_switch(text: str, lang: str, rng: random.Random) -> str:
    words = text.split()
    fillers: tuple[str, ...] = EN_FILLERS
    if lang == "da":
        lowered = f" {text.lower()} "
        swaps = [k for k in DA_SWITCH if f" {k} " in lowered]
        if swaps:
            key = rng.choice(swaps)
            lowered = lowered.replace(f" {key} ", f" {DA_SWITCH[key]} ", 1)
            words = lowered.split()
        fillers = DA_FILLERS
    words.insert(rng.randrange(len(words) + 1), rng.choice(fillers))
    return " ".join(words)


def run_on(text: str, lang: str, everyday: Sequence[str], rng: random.Random) -> str:
    """The example and an everyday sentence (or an opener) as one unpunctuated line."""
    other = rng.choice(everyday) if everyday and rng.random() < 0.7 else None
    opener = rng.choice(OPENERS_DA if lang == "da" else OPENERS_EN)
    if other is None:
        joined = f"{opener} {text}"
    elif rng.random() < 0.7:
        joined = f"{other} {'og' if lang == 'da' else 'and'} {text}"  # the risk after everyday chat
    else:
        joined = f"{text} {'men' if lang == 'da' else 'but'} {other}"
    return re.sub(r"[.!?]+", "", joined.lower())


def variants(text: str, lang: str, everyday: Sequence[str], rng: random.Random, count: int = VARIANTS) -> list[str]:
    """`count` distinct variants of `text` (fewer when they coincide with it)."""
    makers: list[Callable[[str], str]] = [
        lambda t: emoji(typos(t, rng), rng),
        lambda t: code_switch(t.lower(), lang, rng),
        lambda t: run_on(t, lang, everyday, rng),
        lambda t: run_on(typos(t, rng), lang, everyday, rng),
    ]
    chosen = rng.sample(makers, k=min(count, len(makers)))
    out: list[str] = []
    for make in chosen:
        variant = make(text).strip()
        if variant and variant != text and variant not in out:
            out.append(variant)
    return out


def augment(rows: Sequence[tuple[str, str, str]], seed: int = 0, count: int = VARIANTS) -> list[tuple[int, str]]:
    """For rows (text, level, lang): [(index of the source row, variant text)], seeded.

    Run-on partners are everyday (`none`) texts of the same language, never another risky one."""
    rng = random.Random(seed)
    everyday: dict[str, list[str]] = {"da": [], "en": []}
    for text, level, lang in rows:
        if level == "none" and lang in everyday and len(text.split()) >= 3:
            everyday[lang].append(text)
    out: list[tuple[int, str]] = []
    for index, (text, _level, lang) in enumerate(rows):
        pool = [t for t in everyday.get(lang, []) if t != text]
        out += [(index, v) for v in variants(text, lang, pool, rng, count)]
    return out
