"""Retrieval metrics on a labelled question set (tests/data/kb_dev.jsonl, or the external set).

A question line is {"id", "text", "lang"?, "topic"}; `topic` null (or "out_of_scope") marks a question the
bot should decline. Metrics: top-1 and top-3 topic accuracy over in-scope questions (from the hits,
whatever the decision), how often in-scope questions were answered / clarified / declined, the share of
out-of-scope questions not answered, and a confusion table of expected -> top-1 topic.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.content import REPO_ROOT
from knowledge.search.knowledge_base import Decision, KnowledgeBase

DEV_SET = REPO_ROOT / "tests" / "data" / "kb_dev.jsonl"
EXTERNAL_DIR = REPO_ROOT.parent / "shared" / "eval" / "external"
OUT_OF_SCOPE_LABELS = frozenset({"", "none", "null", "out_of_scope", "out-of-scope", "oos"})
TOPIC_KEYS = ("topic", "expected_topic", "label")


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    text: str
    lang: str | None
    topic: str | None  # None: out of scope


@dataclass
class EvalReport:
    name: str
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered: int = 0
    clarified: int = 0
    declined: int = 0
    out_of_scope: int = 0
    out_of_scope_not_answered: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[LabelledQuestion, Decision]] = field(default_factory=list)

    def rate(self, count: int, total: int) -> float:
        return count / total if total else 0.0

    @property
    def top1_accuracy(self) -> float:
        return self.rate(self.top1, self.in_scope)

    @property
    def top3_accuracy(self) -> float:
        return self.rate(self.top3, self.in_scope)

    @property
    def decline_rate(self) -> float:
        return self.rate(self.out_of_scope_not_answered, self.out_of_scope)

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "set": self.name,
            "in_scope": self.in_scope,
            "top1": round(self.top1_accuracy, 4),
            "top3": round(self.top3_accuracy, 4),
            "in_scope_answered": round(self.rate(self.answered, self.in_scope), 4),
            "in_scope_clarified": round(self.rate(self.clarified, self.in_scope), 4),
            "in_scope_declined": round(self.rate(self.declined, self.in_scope), 4),
            "out_of_scope": self.out_of_scope,
            "out_of_scope_declined": round(self.decline_rate, 4),
        }


def _topic(raw: dict[str, object]) -> str | None:
    for key in TOPIC_KEYS:
        if key in raw:
            value = raw[key]
            if value is None or str(value).strip().lower() in OUT_OF_SCOPE_LABELS:
                return None
            return str(value)
    return None


def read_questions(path: Path) -> list[LabelledQuestion]:
    questions: list[LabelledQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        lang = raw.get("lang")
        questions.append(
            LabelledQuestion(str(raw.get("id", number)), str(raw["text"]), str(lang) if lang else None, _topic(raw))
        )
    return questions


def external_question_files(directory: Path = EXTERNAL_DIR) -> list[Path]:
    """Labelled knowledge question files in the external set: JSONL whose lines carry a topic key."""
    found: list[Path] = []
    for path in sorted(directory.rglob("*.jsonl")) if directory.is_dir() else []:
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
        try:
            raw = json.loads(first)
        except json.JSONDecodeError:
            continue
        if isinstance(raw, dict) and "text" in raw and any(key in raw for key in TOPIC_KEYS):
            found.append(path)
    return found


def evaluate(kb: KnowledgeBase, questions: Sequence[LabelledQuestion], name: str = "dev") -> EvalReport:
    report = EvalReport(name)
    decisions = kb.answer_many([q.text for q in questions], [q.lang for q in questions])
    for question, decision in zip(questions, decisions, strict=True):
        topics = [hit.topic for hit in decision.candidates or decision.hits]
        if question.topic is None:
            report.out_of_scope += 1
            report.out_of_scope_not_answered += not decision.answered
            if decision.answered:
                report.misses.append((question, decision))
            continue
        report.in_scope += 1
        report.top1 += bool(topics) and topics[0] == question.topic
        report.top3 += question.topic in topics[:3]
        report.answered += decision.kind == "answer"
        report.clarified += decision.kind == "clarify"
        report.declined += decision.kind == "decline"
        predicted = topics[0] if topics else "-"
        report.confusion[(question.topic, predicted)] += 1
        if predicted != question.topic:
            report.misses.append((question, decision))
    return report


def format_report(report: EvalReport, show_misses: bool = True) -> str:
    lines = [
        f"== {report.name}: {report.in_scope} in-scope, {report.out_of_scope} out-of-scope questions",
        f"top-1 topic accuracy   {report.top1_accuracy:.3f}",
        f"top-3 topic accuracy   {report.top3_accuracy:.3f}",
        f"out-of-scope declined  {report.decline_rate:.3f}",
        f"in-scope answered / clarified / declined  {report.rate(report.answered, report.in_scope):.3f} / "
        f"{report.rate(report.clarified, report.in_scope):.3f} / {report.rate(report.declined, report.in_scope):.3f}",
        "",
        "confusion (expected -> top-1, errors only):",
    ]
    errors = sorted(((e, p, n) for (e, p), n in report.confusion.items() if e != p), key=lambda row: (-row[2], row[0]))
    lines += [f"  {expected:24s} -> {predicted:24s} {count}" for expected, predicted, count in errors] or ["  (none)"]
    if show_misses and report.misses:
        lines += ["", "misses:"]
        lines += [_miss_line(question, decision) for question, decision in report.misses]
    return "\n".join(lines)


def _miss_line(question: LabelledQuestion, decision: Decision) -> str:
    topics = ",".join(hit.topic for hit in decision.candidates or decision.hits)
    return f"  [{question.id}] {question.topic or 'out-of-scope'} -> {decision.kind}:{topics} | {question.text}"


def per_topic_accuracy(report: EvalReport) -> dict[str, float]:
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (expected, predicted), count in report.confusion.items():
        totals[expected] += count
        right[expected] += count if expected == predicted else 0
    return {topic: right[topic] / totals[topic] for topic in sorted(totals)}


def topics_in(questions: Iterable[LabelledQuestion]) -> set[str]:
    return {q.topic for q in questions if q.topic}
