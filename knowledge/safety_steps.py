"""Safety steps for an urgent conversation's waiting room, from knowledge/safety_steps.yml.

    situation = situation_for(["taget alle mine piller"], "jeg kan ikke mere. jeg har taget alle mine piller")
    card = safety_steps(situation, "da")      # -> SafetySteps(title, steps, source, helplines)

Helpline numbers come only from knowledge/helplines.yml: a step writes `{emergency_112.phone}` and a
step whose helpline may not be shown (low confidence, no number) is dropped, never guessed. Importing
this module does no I/O; the file is read on first use.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.helplines import Helpline, load_helplines

STEPS_FILE = Path(__file__).resolve().parent / "safety_steps.yml"
FALLBACK = "generic"
LANGS = ("da", "en")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "\u2019": "'"})
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\.(phone|name)\}")


@dataclass(frozen=True)
class Situation:
    id: str
    helplines: tuple[str, ...]
    source: str
    patterns: tuple[re.Pattern[str], ...]
    title: dict[str, str]
    steps: dict[str, tuple[str, ...]]  # templates with {helpline_id.phone|name}


@dataclass(frozen=True)
class SafetyStep:
    text: str
    helpline: str | None  # the first helpline the step names


@dataclass(frozen=True)
class SafetySteps:
    situation: str
    lang: str
    title: str
    steps: tuple[SafetyStep, ...]
    source: str
    helplines: tuple[str, ...]

    def as_text(self) -> str:
        return "\n".join([self.title, *(f"{n}. {step.text}" for n, step in enumerate(self.steps, start=1))])


def fold(text: str) -> str:
    """Lower case, æ/ø/å as ae/oe/aa, runs of white space as one space (what `match` is written for)."""
    return " ".join(text.lower().translate(_FOLD).split())


@lru_cache(maxsize=2)
def load_situations(path: Path = STEPS_FILE) -> tuple[Situation, ...]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Situation] = []
    for raw in data["situations"]:
        out.append(
            Situation(
                id=str(raw["id"]),
                helplines=tuple(str(h) for h in raw.get("helplines", [])),
                source=str(raw["source"]),
                patterns=tuple(re.compile(str(p)) for p in raw.get("match", [])),
                title={lang: str(raw["title"][lang]) for lang in LANGS},
                steps={lang: tuple(str(s) for s in raw["steps"][lang]) for lang in LANGS},
            )
        )
    if not any(s.id == FALLBACK for s in out):
        raise ValueError(f"{path}: no '{FALLBACK}' situation")
    return tuple(out)


def situation_for(texts: Iterable[str], situations: tuple[Situation, ...] | None = None) -> str:
    """The first situation (in file order) whose `match` finds something in the first text that has one
    (the words triage marked first, then the whole message); `generic` when none does."""
    ordered = situations if situations is not None else load_situations()
    for text in texts:
        folded = fold(text)
        if not folded:
            continue
        for situation in ordered:
            if any(p.search(folded) for p in situation.patterns):
                return situation.id
    return FALLBACK


def safety_steps(
    situation_id: str, lang: str, helplines: dict[str, Helpline] | None = None, path: Path = STEPS_FILE
) -> SafetySteps:
    situations = {s.id: s for s in load_situations(path)}
    situation = situations.get(situation_id) or situations[FALLBACK]
    lang = lang if lang in LANGS else "da"
    lines = helplines if helplines is not None else load_helplines()
    steps = tuple(step for step in (_render(t, lang, lines) for t in situation.steps[lang]) if step is not None)
    return SafetySteps(situation.id, lang, situation.title[lang], steps, situation.source, situation.helplines)


def placeholders(template: str) -> list[tuple[str, str]]:
    """(helpline id, field) for every `{id.field}` in a step template; any other `{...}` is an error."""
    fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    found = [(m.group(1), m.group(2)) for m in _PLACEHOLDER.finditer(template)]
    if len(found) != len(fields):
        raise ValueError(f"unknown placeholder in {template!r}: write {{helpline_id.phone}} or {{helpline_id.name}}")
    return found


def _render(template: str, lang: str, helplines: dict[str, Helpline]) -> SafetyStep | None:
    values: dict[str, str] = {}
    first: str | None = None
    for helpline_id, name in placeholders(template):
        line = helplines.get(helpline_id)
        if line is None:
            return None
        value = line.display_phone() if name == "phone" else line.name.get(lang) or line.name["da"]
        if not value:
            return None  # a number we may not show: leave the step out, never guess it
        values[f"{helpline_id}.{name}"] = value
        first = first or helpline_id
    text = _PLACEHOLDER.sub(lambda m: values[f"{m.group(1)}.{m.group(2)}"], template)
    return SafetyStep(text, first)
