"""Measure how openings route into the guided flows (issue 17), on the bot's real first turn.

Two kinds of labelled lines (JSONL), read by `read_lines`:

- **Openings** `{"id", "text", "lang", "expect": "flow:<name>" | "article:<topic>", "slots": {...}}`. Flow and
  slot names are the evaluation's own and are mapped to the repo's here (`FLOWS`, `SLOTS`, `VALUES`).
- **Knowledge questions** `{"id", "text", "lang", "topic", "situation"?, "articles"?}`; `topic` may be
  `out_of_scope`. `articles`: acceptable article slugs (`nude-shared-without-consent`), best first.

`score_openings` takes one `FirstTurn` per opening: what the bot did on its first turn, read from a running
Rasa (api/cli/cards.py sends the text through the REST channel as the gateway does and reads the tracker).
Only aggregate figures are returned: never a message's text.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.card_answers import FLOW_SLOTS

# Evaluation names -> the repo's flow ids (knowledge/card_answers.FLOW_SLOTS, bot/domain/cards_flows.yml).
FLOWS = {
    "nude-images": "nude_images",
    "sextortion": "sextortion",
    "hacked-account": "hacked_account",
    "cyberbullying-evidence": "cyberbullying",
    "cyberbullying": "cyberbullying",
    "grooming": "grooming",
    "scam": "scam",
    "scams": "scam",
}
SLOTS = {
    "age_band": "card_age",
    "status": "card_image_status",
    "platform": "card_platform",
    "contact_changed": "card_contact_changed",
    "meeting": "card_meeting",
    "given": "card_given",
}
VALUES = {
    "card_age": {"under18": "under_18", "adult": "over_18", "over18": "over_18"},
    "card_meeting": {"planned_later": "later"},
    "card_platform": {"messenger": "facebook", "roblox": "other"},
}
OUT_OF_SCOPE = frozenset({"", "none", "null", "out_of_scope", "out-of-scope", "oos"})
MAX_TURNS = 4  # the bar: the right card in at most four turns


@dataclass(frozen=True)
class Opening:
    id: str
    text: str
    lang: str
    kind: str  # "flow" | "article"
    target: str  # repo flow id, or topic id
    slots: dict[str, str]  # repo slot name -> repo value id


@dataclass(frozen=True)
class FirstTurn:
    """What the bot did with an opening: the flow it started (its form or its card), the answers it read from
    the message, whether the card came at once, and the topic of an article answer (or the reply kind)."""

    flow: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    card_shown: bool = False
    article_topic: str | None = None
    article_id: str | None = None
    reply: str = "other"  # "flow" | "article" | "clarify" | "decline" | "other"


MAIN_PLATFORMS = frozenset({"instagram", "snapchat", "tiktok", "discord", "facebook"})


def _repo_value(slot: str, value: str) -> str:
    value = str(value).strip().lower()
    return VALUES.get(slot, {}).get(value, value)


def comparable(slot: str, value: str | None) -> str | None:
    """The repo's value as the evaluation names it: a platform the evaluation does not name is "other"."""
    if value is None or slot != "card_platform":
        return value
    return value if value in MAIN_PLATFORMS or value == "unknown" else "other"


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_opening(raw: dict[str, Any]) -> bool:
    return "expect" in raw


def opening(raw: dict[str, Any]) -> Opening:
    kind, _, name = str(raw["expect"]).partition(":")
    if kind == "flow":
        if name not in FLOWS:
            raise ValueError(f"{raw.get('id')}: unknown flow {name!r}")
        target = FLOWS[name]
    elif kind == "article":
        target = name
    else:
        raise ValueError(f"{raw.get('id')}: expect must be flow:<name> or article:<topic>")
    slots = {SLOTS[k]: _repo_value(SLOTS[k], v) for k, v in (raw.get("slots") or {}).items() if k in SLOTS}
    return Opening(str(raw.get("id")), str(raw["text"]), str(raw.get("lang") or "da"), kind, target, slots)


def turns_to_card(turn: FirstTurn) -> int:
    """Turns until the card: 1 when the first message said it all, else one more per question the form asks."""
    if turn.flow is None:
        return 0
    if turn.card_shown:
        return 1
    return 1 + sum(1 for slot in FLOW_SLOTS[turn.flow] if slot not in turn.answers)


@dataclass
class OpeningsReport:
    total: int = 0
    flows: int = 0
    articles: int = 0
    right_flow: int = 0
    right_article_topic: int = 0
    flow_for_general: int = 0  # a general question that started a flow
    slot_total: Counter[str] = field(default_factory=Counter)
    slot_right: Counter[str] = field(default_factory=Counter)
    slot_total_extractor: Counter[str] = field(default_factory=Counter)
    slot_right_extractor: Counter[str] = field(default_factory=Counter)
    slot_total_right_flow: int = 0  # the flow's slots in openings whose flow the stack started
    slot_right_right_flow: int = 0
    slots_lost_by_stack: int = 0  # right flow, the extractor reads the value, the stack did not keep it
    slots_outside_the_flow: int = 0  # labelled, but the flow neither asks nor uses them: not scored
    turns: list[int] = field(default_factory=list)
    flow_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_lang: dict[str, list[int]] = field(default_factory=dict)  # lang -> [right, total]

    def as_dict(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        right = self.right_flow + self.right_article_topic
        reached = sum(1 for t in self.turns if 0 < t <= MAX_TURNS)
        return {
            "openings": self.total,
            "right_in_one_turn": rate(right, self.total),
            "right_in_one_turn_by_lang": {k: rate(v[0], v[1]) for k, v in sorted(self.by_lang.items())},
            "flow_openings": self.flows,
            "right_flow": rate(self.right_flow, self.flows),
            "general_questions": self.articles,
            "right_topic_article": rate(self.right_article_topic, self.articles),
            "general_started_a_flow": rate(self.flow_for_general, self.articles),
            "slot_accuracy_stack": {s: rate(self.slot_right[s], n) for s, n in sorted(self.slot_total.items())},
            "slot_accuracy_stack_all": rate(sum(self.slot_right.values()), sum(self.slot_total.values())),
            "slot_accuracy_extractor": {
                s: rate(self.slot_right_extractor[s], n) for s, n in sorted(self.slot_total_extractor.items())
            },
            "slot_accuracy_extractor_all": rate(
                sum(self.slot_right_extractor.values()), sum(self.slot_total_extractor.values())
            ),
            "slot_accuracy_stack_right_flow_all": rate(self.slot_right_right_flow, self.slot_total_right_flow),
            "slots_lost_by_stack": self.slots_lost_by_stack,
            "slots_outside_the_flow": self.slots_outside_the_flow,
            "turns_to_card_mean_right_flow": round(statistics.mean(self.turns), 2) if self.turns else None,
            "turns_to_card_max_right_flow": max(self.turns) if self.turns else None,
            "card_within_4_turns": rate(reached, self.flows),
            "flow_confusion": {f"{e}->{p}": n for (e, p), n in sorted(self.flow_confusion.items()) if e != p},
        }


def score_openings(items: Sequence[Opening], turns: Sequence[FirstTurn]) -> OpeningsReport:
    """Slots: only the expected flow's own slots (FLOW_SLOTS) are scored, for the stack and the extractor alike
    (a labelled slot the flow neither asks nor uses is counted in `slots_outside_the_flow`). On the stack a slot
    is right only when the right flow started; `slot_accuracy_stack_right_flow_all` and `slots_lost_by_stack`
    separate what the stack loses from what the routing loses."""
    from knowledge.card_answers import extract_answers

    report = OpeningsReport()
    for item, turn in zip(items, turns, strict=True):
        report.total += 1
        lang = report.by_lang.setdefault(item.lang, [0, 0])
        lang[1] += 1
        if item.kind == "article":
            report.articles += 1
            right = turn.reply == "article" and turn.article_topic == item.target
            report.right_article_topic += right
            report.flow_for_general += turn.flow is not None
            lang[0] += right
            continue
        report.flows += 1
        predicted = turn.flow or f"{turn.reply}:{turn.article_topic or '-'}"
        report.flow_confusion[(item.target, predicted if turn.flow else turn.reply)] += 1
        right = turn.flow == item.target
        report.right_flow += right
        lang[0] += right
        if right:
            report.turns.append(turns_to_card(turn))
        extracted = extract_answers(item.text)  # the extractor alone, as it reads a first message
        for slot, value in item.slots.items():
            if slot not in FLOW_SLOTS[item.target]:
                report.slots_outside_the_flow += 1  # e.g. the platform of a scam: never asked, the card has no use
                continue
            value = comparable(slot, value) or value
            kept = right and comparable(slot, turn.answers.get(slot)) == value
            read = comparable(slot, extracted.get(slot)) == value
            report.slot_total[slot] += 1
            report.slot_right[slot] += kept
            report.slot_total_extractor[slot] += 1
            report.slot_right_extractor[slot] += read
            if right:
                report.slot_total_right_flow += 1
                report.slot_right_right_flow += kept
                report.slots_lost_by_stack += read and not kept
    return report


@dataclass(frozen=True)
class KbQuestion:
    id: str
    text: str
    lang: str | None
    topic: str | None  # None: out of scope
    articles: tuple[str, ...]


def kb_question(raw: dict[str, Any]) -> KbQuestion:
    topic = raw.get("topic")
    topic = None if topic is None or str(topic).strip().lower() in OUT_OF_SCOPE else str(topic)
    lang = raw.get("lang")
    return KbQuestion(
        str(raw.get("id")),
        str(raw["text"]),
        str(lang) if lang else None,
        topic,
        tuple(str(a) for a in raw.get("articles") or ()),
    )


def article_slug(article_id: str) -> str:
    """`nude-image-removal-da` -> `nude-image-removal` (ids are `<slug>-<lang>`)."""
    head, _, tail = article_id.rpartition("-")
    return head if tail in ("da", "en") and head else article_id
