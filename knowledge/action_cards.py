"""Action cards (issue 17): ordered "what to do now" steps per guided flow, from knowledge/cards/*.yml.

`build_card(flow, answers, lang)` returns the `action_card` event body of docs/ARCHITECTURE.md:
`{"type": "action_card", "from": "bot", "topic", "title", "steps": [{"text", "link", "helpline"}], "lang"}`.
A step with a `when` is shown only when every condition holds for the answers (slot values); an answer
that is missing never matches, so the card says less rather than guessing. `check_cards()` lists every
problem with the data (unsourced step, bad date, unknown helpline, article or slot value); the unit tests
require it to be empty. Files are read on first use, never at import time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CARDS_DIR = Path(__file__).resolve().parent / "cards"
ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
HELPLINES_FILE = Path(__file__).resolve().parent / "helplines.yml"
PLATFORMS_FILE = Path(__file__).resolve().parent / "platforms.yml"
PLATFORM_PATHS = ("report", "recover")
LANGS = ("da", "en")
ARTICLE_LINK = "article:"

# Every answer a flow can hold, and the words a counsellor reads for it (handover summary).
SLOT_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "card_age": {
        "under_18": {"da": "under 18 på billedet", "en": "under 18 in the image"},
        "over_18": {"da": "18 eller ældre på billedet", "en": "18 or older in the image"},
    },
    "card_image_status": {
        "online": {"da": "billedet er allerede delt", "en": "the image is already shared"},
        "threatened": {"da": "nogen truer med at dele det", "en": "someone threatens to share it"},
    },
    "card_platform": {
        "instagram": {"da": "Instagram", "en": "Instagram"},
        "snapchat": {"da": "Snapchat", "en": "Snapchat"},
        "tiktok": {"da": "TikTok", "en": "TikTok"},
        "discord": {"da": "Discord", "en": "Discord"},
        "facebook": {"da": "Facebook/Messenger", "en": "Facebook/Messenger"},
        "roblox": {"da": "Roblox", "en": "Roblox"},
        "youtube": {"da": "YouTube", "en": "YouTube"},
        "x": {"da": "X (Twitter)", "en": "X (Twitter)"},
        "other": {"da": "en anden app", "en": "another app"},
    },
    "card_contact_changed": {
        "yes": {"da": "mail eller nummer er ændret", "en": "email or phone was changed"},
        "no": {"da": "mail og nummer er ikke ændret", "en": "email and phone not changed"},
    },
    "card_school": {
        "yes": {"da": "folk fra skolen", "en": "people from school"},
        "no": {"da": "ikke folk fra skolen", "en": "not people from school"},
    },
    "card_meeting": {
        "soon": {"da": "et møde er aftalt snart", "en": "a meeting is planned soon"},
        "later": {"da": "et møde er på tale", "en": "a meeting is being talked about"},
        "no": {"da": "intet møde aftalt", "en": "no meeting planned"},
    },
    "card_given": {
        "money": {"da": "penge", "en": "money"},
        "mitid": {"da": "MitID", "en": "MitID"},
        "codes": {"da": "koder", "en": "codes"},
        "card": {"da": "kortoplysninger", "en": "card details"},
        "nothing": {"da": "intet endnu", "en": "nothing yet"},
    },
}


# The question each answer replies to, as the counsellor reads it (handover summary).
SLOT_QUESTIONS: dict[str, dict[str, str]] = {
    "card_age": {"da": "Alder på billedet", "en": "Age in the image"},
    "card_image_status": {"da": "Billedet", "en": "The image"},
    "card_platform": {"da": "App", "en": "App"},
    "card_contact_changed": {"da": "Mail eller nummer ændret", "en": "Email or phone changed"},
    "card_school": {"da": "Fra skolen", "en": "From school"},
    "card_meeting": {"da": "Møde aftalt", "en": "Meeting planned"},
    "card_given": {"da": "Hvad der blev givet", "en": "What was given"},
}


@dataclass(frozen=True)
class CardStep:
    text: dict[str, str]
    when: dict[str, tuple[str, ...]]
    link: str | None
    helpline: str | None
    source: str
    checked: str
    platform: str | None = None  # "report" | "recover": the platform's own path (platforms.yml), this text otherwise

    def applies(self, answers: dict[str, Any]) -> bool:
        return all(str(answers.get(slot) or "") in allowed for slot, allowed in self.when.items())


@dataclass(frozen=True)
class CardTemplate:
    flow: str
    topic: str
    title: dict[str, str]
    steps: tuple[CardStep, ...]


UNKNOWN_WORDS = {"da": "ved ikke", "en": "does not know"}
for _values in SLOT_VALUES.values():
    _values["unknown"] = UNKNOWN_WORDS  # an answer the bot could not read, or "ved ikke"


def _step(raw: dict[str, Any]) -> CardStep:
    when = {str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in (raw.get("when") or {}).items()}
    return CardStep(
        text={str(k): str(v) for k, v in (raw.get("text") or {}).items()},
        when=when,
        link=str(raw["link"]) if raw.get("link") else None,
        helpline=str(raw["helpline"]) if raw.get("helpline") else None,
        source=str(raw.get("source") or ""),
        checked=str(raw.get("checked") or ""),
        platform=str(raw["platform"]) if raw.get("platform") else None,
    )


@dataclass(frozen=True)
class PlatformPath:
    """One platform's report or recovery path, from its own help page (knowledge/platforms.yml)."""

    text: dict[str, str]
    link: str | None
    source: str
    checked: str


@lru_cache(maxsize=1)
def platform_paths(path: Path = PLATFORMS_FILE) -> dict[str, dict[str, PlatformPath]]:
    """platform (a card_platform value) -> "report" / "recover" -> its path."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["platforms"]
    return {
        str(name): {
            str(kind): PlatformPath(
                text={lang: str(entry[lang]) for lang in LANGS if entry.get(lang)},
                link=str(entry["link"]) if entry.get("link") else None,
                source=str(entry.get("source") or ""),
                checked=str(entry.get("checked") or ""),
            )
            for kind, entry in (paths or {}).items()
        }
        for name, paths in raw.items()
    }


@lru_cache(maxsize=1)
def card_templates(directory: Path = CARDS_DIR) -> dict[str, CardTemplate]:
    templates: dict[str, CardTemplate] = {}
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        templates[str(raw["flow"])] = CardTemplate(
            flow=str(raw["flow"]),
            topic=str(raw["topic"]),
            title={str(k): str(v) for k, v in raw["title"].items()},
            steps=tuple(_step(s) for s in raw["steps"]),
        )
    return templates


@lru_cache(maxsize=1)
def _article_ids() -> frozenset[str]:
    ids = set()
    for path in ARTICLES_DIR.rglob("*.md"):
        match = re.search(r"^id:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            ids.add(match.group(1).strip("\"'"))
    return frozenset(ids)


@lru_cache(maxsize=1)
def _helpline_ids() -> frozenset[str]:
    raw = yaml.safe_load(HELPLINES_FILE.read_text(encoding="utf-8"))
    return frozenset(str(h["id"]) for h in raw["helplines"])


def resolve_link(link: str | None, lang: str) -> str | None:
    """`article:<base id>` -> our own article in `lang` (`/articles/<base>-<lang>`); a URL as it is."""
    if not link:
        return None
    if link.startswith(ARTICLE_LINK):
        return f"/articles/{link[len(ARTICLE_LINK):]}-{lang}"
    return link


def build_card(flow: str, answers: dict[str, Any], lang: str) -> dict[str, Any]:
    """The action_card event for `flow` and the young person's answers, in `lang` ("da" or "en")."""
    lang = lang if lang in LANGS else "da"
    template = card_templates()[flow]
    steps = []
    for step in template.steps:
        if not step.applies(answers):
            continue
        text, link = step.text.get(lang, ""), step.link
        own = platform_paths().get(str(answers.get("card_platform") or ""), {}) if step.platform else {}
        if step.platform and step.platform in own:  # the platform's own path instead of the generic step
            text, link = own[step.platform].text[lang], own[step.platform].link
        if not text:
            continue
        steps.append({"text": text, "link": resolve_link(link, lang), "helpline": step.helpline})
    return {"type": "action_card", "from": "bot", "topic": template.topic, "title": template.title[lang],
            "steps": steps, "lang": lang}


def answers_in_words(answers: dict[str, Any], lang: str) -> dict[str, str]:
    """Slot values as words for the counsellor (unknown values as they are; empty ones left out)."""
    words: dict[str, str] = {}
    for slot, value in answers.items():
        if value in (None, ""):
            continue
        named = SLOT_VALUES.get(slot, {}).get(str(value))
        words[slot] = named.get(lang, named["da"]) if named else str(value)
    return words


def answers_for_counsellor(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each answer as `{"slot", "question": {da, en}, "answer": {da, en}}`, in the flow's order of questions;
    slots and values the data does not know are left out (never raw text)."""
    rows = []
    for slot, value in answers.items():
        named = SLOT_VALUES.get(slot, {}).get(str(value))
        if named is None or slot not in SLOT_QUESTIONS:
            continue
        rows.append({"slot": slot, "question": dict(SLOT_QUESTIONS[slot]), "answer": dict(named)})
    return rows


def check_cards(templates: dict[str, CardTemplate] | None = None) -> list[str]:
    """Every problem with the card data, as readable messages; empty when all is well."""
    problems: list[str] = []
    templates = card_templates() if templates is None else templates
    problems.extend(check_platform_paths())
    articles, helplines = _article_ids(), _helpline_ids()
    for flow, template in templates.items():
        for lang in LANGS:
            if not template.title.get(lang):
                problems.append(f"{flow}: title has no {lang}")
        for n, step in enumerate(template.steps, 1):
            where = f"{flow} step {n}"
            if step.platform and not step.text:  # shown only with a platform's own path, sourced in platforms.yml
                if step.platform not in PLATFORM_PATHS:
                    problems.append(f"{where}: platform must be one of {PLATFORM_PATHS}")
                continue
            problems.extend(f"{where}: text has no {lang}" for lang in LANGS if not step.text.get(lang))
            if not (step.source.startswith("https://") or step.source.startswith("http://")
                    or step.source.startswith(ARTICLE_LINK)):
                problems.append(f"{where}: no source URL or article")
            if step.source.startswith(ARTICLE_LINK) and f"{step.source[len(ARTICLE_LINK):]}-da" not in articles:
                problems.append(f"{where}: source article {step.source} not found")
            try:
                datetime.date.fromisoformat(step.checked)
            except ValueError:
                problems.append(f"{where}: checked is not an ISO date")
            if step.link and step.link.startswith(ARTICLE_LINK):
                base = step.link[len(ARTICLE_LINK):]
                problems.extend(f"{where}: no article {base}-{lang}" for lang in LANGS if f"{base}-{lang}" not in articles)
            elif step.link and not step.link.startswith("https://"):
                problems.append(f"{where}: link must be https:// or article:")
            if step.helpline and step.helpline not in helplines:
                problems.append(f"{where}: unknown helpline {step.helpline}")
            if re.search(r"(?<!§ )\b(\d{3,}|\d{2,3}(?: \d{2,3})+)\b", " ".join(step.text.values())):
                problems.append(f"{where}: a phone number in the text (use a helpline id)")
            if step.platform and step.platform not in PLATFORM_PATHS:
                problems.append(f"{where}: platform must be one of {PLATFORM_PATHS}")
            for slot, allowed in step.when.items():
                unknown = [v for v in allowed if v not in SLOT_VALUES.get(slot, {})]
                if unknown:
                    problems.append(f"{where}: unknown value(s) {unknown} for {slot}")
    return problems


def check_platform_paths(paths: dict[str, dict[str, PlatformPath]] | None = None) -> list[str]:
    """Every platform path has both languages, an official https source, an ISO date and no phone number."""
    problems: list[str] = []
    paths = platform_paths() if paths is None else paths
    for name, kinds in paths.items():
        if name not in SLOT_VALUES["card_platform"]:
            problems.append(f"platforms.yml {name}: not a card_platform value")
        for kind, entry in kinds.items():
            where = f"platforms.yml {name}.{kind}"
            if kind not in PLATFORM_PATHS:
                problems.append(f"{where}: unknown path (use {PLATFORM_PATHS})")
            problems.extend(f"{where}: text has no {lang}" for lang in LANGS if not entry.text.get(lang))
            if not entry.source.startswith("https://"):
                problems.append(f"{where}: no https source")
            try:
                datetime.date.fromisoformat(entry.checked)
            except ValueError:
                problems.append(f"{where}: checked is not an ISO date")
            if entry.link and not entry.link.startswith("https://"):
                problems.append(f"{where}: link must be https://")
            if re.search(r"\b(\d{3,}|\d{2,3}(?: \d{2,3})+)\b", " ".join(entry.text.values())):
                problems.append(f"{where}: a phone number in the text (use a helpline id)")
    return problems
