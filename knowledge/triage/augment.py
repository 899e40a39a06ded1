"""Training-time augmentation: the curated examples as teenagers also type them (issue 15, item 2).

Every curated example is written once, tidily. Young people write the same thing in lower case without
punctuation, with typos, chat spellings and emoji, switching to English in the middle, or with the risk
in a postscript after an everyday question. `augment` returns extra training rows in those styles,
deterministically (a seeded generator), never touching the originals and never used for measurement:

- `plain`: lower case, no punctuation, Danish letters typed as ae/oe/aa or without them;
- `typo`: one or two letters dropped, doubled or swapped in longer words;
- `chat`: chat spellings ("ik", "jg", "d", "u", "rn") and a filler ("idk", "tbh", "altså", "lol");
- `emoji`: one emoji from a neutral set at the end;
- `postscript`: an everyday (`none`) example first, then "ps"/"btw"/"og forresten" and this example, keeping
  this example's level (the risk sits at the end, as on the fresh hold-outs); and two everyday examples
  run together without punctuation stay `none`.

The level of a row never changes, except that a postscript row takes the level of its risky part.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.triage.levels import Level

SEED = 15
_PUNCT = re.compile(r"[.,!?;:\"'()]+")
_DANISH = (("æ", "ae"), ("ø", "oe"), ("å", "aa"))
_DANISH_BARE = (("æ", "a"), ("ø", "o"), ("å", "a"))
_CHAT = {
    "da": (("ikke", "ik"), ("jeg", "jg"), ("det", "d"), ("også", "osse"), ("hvad", "hva"), ("noget", "noget")),
    "en": (("you", "u"), ("right now", "rn"), ("because", "bc"), ("don't", "dont"), ("i'm", "im"), ("to be honest", "tbh")),
}  # fmt: skip
_FILLERS = {"da": ("altså", "idk", "lol", "ærligt", "okay så", "hmm"), "en": ("idk", "tbh", "lol", "like", "ok so", "ngl")}
_EMOJI = ("😭", "🙃", "😔", "💀", "🥲", "😅", "🤷")
_JOINERS = {"da": ("ps", "btw", "og forresten", "nå ja og"), "en": ("ps", "btw", "oh and", "also")}


@dataclass(frozen=True)
class Row:
    text: str
    level: Level
    lang: str
    kind: str = ""


def _plain(text: str, rng: random.Random) -> str:
    out = _PUNCT.sub(" ", text.lower())
    for a, b in _DANISH_BARE if rng.random() < 0.5 else _DANISH:
        out = out.replace(a, b)
    return " ".join(out.split())


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    for i in rng.sample(long, min(len(long), rng.choice((1, 2)))):
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        words[i] = rng.choice((w[:j] + w[j + 1 :], w[:j] + w[j] + w[j:], w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]))
    return " ".join(words)


def _chat(text: str, lang: str, rng: random.Random) -> str:
    out = f" {text.lower()} "
    for long, short in _CHAT.get(lang, _CHAT["en"]):
        out = re.sub(rf"(?<=\W){re.escape(long)}(?=\W)", short, out)
    filler = rng.choice(_FILLERS.get(lang, _FILLERS["en"]))
    out = out.strip()
    return f"{filler} {out}" if rng.random() < 0.5 else f"{out} {filler}"


def _emoji(text: str, rng: random.Random) -> str:
    return f"{text} {rng.choice(_EMOJI)}"


def augment(rows: Sequence[Row], per_row: int = 1, seed: int = SEED) -> list[Row]:
    """`per_row` styled copies of every row (its own text changed, level kept), plus one postscript row per
    risky row and a run-on row per everyday row; only rows whose text actually changed are returned."""
    rng = random.Random(seed)
    everyday = {lang: [r for r in rows if r.level == "none" and r.lang == lang] for lang in ("da", "en")}
    out: list[Row] = []
    seen = {r.text for r in rows}

    def add(row: Row, text: str, level: Level | None = None) -> None:
        text = " ".join(text.split())
        if text and text not in seen:
            seen.add(text)
            out.append(Row(text, level or row.level, row.lang, row.kind))

    for row in rows:
        for _ in range(per_row):
            style = rng.choice(("plain", "typo", "chat", "emoji"))
            if style == "plain":
                add(row, _plain(row.text, rng))
            elif style == "typo":
                add(row, _typo(row.text, rng))
            elif style == "chat":
                add(row, _chat(row.text, row.lang, rng))
            else:
                add(row, _emoji(row.text, rng))
        pool = everyday.get(row.lang) or []
        if not pool:
            continue
        other = rng.choice(pool)
        if other.text == row.text:
            continue
        if row.level != "none":
            joiner = rng.choice(_JOINERS.get(row.lang, _JOINERS["en"]))
            add(row, f"{other.text} {joiner} {row.text[:1].lower()}{row.text[1:]}")
        else:
            add(row, _plain(f"{row.text} {other.text}", rng))
    return out
