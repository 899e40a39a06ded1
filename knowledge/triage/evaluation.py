"""Triage metrics on the project's dev set and on the external measurement sets.

External files (../shared/eval/external/*.jsonl) contain self-harm and abusive language: only ids
and counts ever leave this module, never their texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.triage.judge import Triage
from knowledge.triage.levels import LEVELS, RANK, Level, as_level

BATCH = 256
# file stem -> (what counts as a hit, goal, direction)
EXTERNAL_GOALS: dict[str, tuple[tuple[Level, ...], float, str]] = {
    "diasafety_risk_en": (("concern", "urgent"), 0.75, ">="),
    "diasafety_other_en": (("urgent",), 0.02, "<="),
    "dkhate_da": (("urgent",), 0.01, "<="),
}


@dataclass(frozen=True)
class LabelledMessage:
    id: str
    text: str
    level: Level
    lang: str = ""
    tricky: bool = False


@dataclass
class DevReport:
    total: int
    confusion: dict[str, dict[str, int]]  # expected -> predicted -> count
    recall: dict[str, float]
    precision: dict[str, float]
    urgent_as_none: list[str]  # ids
    none_as_urgent: list[str]  # ids
    concern_flagged: float  # share of concern judged concern or urgent
    none_as_urgent_rate: float
    tricky_not_none: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def read_dev_set(path: Path) -> list[LabelledMessage]:
    return [
        LabelledMessage(
            str(r["id"]), str(r["text"]), as_level(str(r["level"])), str(r.get("lang", "")), bool(r.get("tricky"))
        )
        for r in read_jsonl(path)
    ]


def judge_levels(triage: Triage, texts: Sequence[str]) -> list[Level]:
    levels: list[Level] = []
    for start in range(0, len(texts), BATCH):
        levels += [r.level for r in triage.judge_many(texts[start : start + BATCH])]
    return levels


def dev_report(triage: Triage, messages: Sequence[LabelledMessage]) -> DevReport:
    predicted = judge_levels(triage, [m.text for m in messages])
    confusion: dict[str, dict[str, int]] = {e: {p: 0 for p in LEVELS} for e in LEVELS}
    for message, level in zip(messages, predicted, strict=True):
        confusion[message.level][level] += 1
    recall: dict[str, float] = {lvl: _share(confusion[lvl][lvl], sum(confusion[lvl].values())) for lvl in LEVELS}
    precision: dict[str, float] = {
        lvl: _share(confusion[lvl][lvl], sum(confusion[e][lvl] for e in LEVELS)) for lvl in LEVELS
    }
    pairs = list(zip(messages, predicted, strict=True))
    concern_total = sum(confusion["concern"].values())
    none_total = sum(confusion["none"].values())
    return DevReport(
        total=len(messages),
        confusion=confusion,
        recall=recall,
        precision=precision,
        urgent_as_none=[m.id for m, p in pairs if m.level == "urgent" and p == "none"],
        none_as_urgent=[m.id for m, p in pairs if m.level == "none" and p == "urgent"],
        concern_flagged=_share(confusion["concern"]["concern"] + confusion["concern"]["urgent"], concern_total),
        none_as_urgent_rate=_share(confusion["none"]["urgent"], none_total),
        tricky_not_none=[m.id for m, p in pairs if m.tricky and p != "none"],
    )


@dataclass
class ExternalReport:
    name: str
    total: int
    counts: dict[str, int]
    share: float  # share of rows whose level is in `flagged`
    flagged: tuple[str, ...]
    goal: float
    direction: str
    met: bool
    example_ids: list[str]  # a few ids counted in `share` (never texts)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def external_report(triage: Triage, path: Path) -> ExternalReport:
    rows = read_jsonl(path)
    ids = [str(r.get("id", i)) for i, r in enumerate(rows)]
    levels = judge_levels(triage, [str(r.get("text", "")) for r in rows])
    flagged, goal, direction = EXTERNAL_GOALS.get(path.stem, (("urgent",), 0.0, "report"))
    counts: dict[str, int] = {lvl: levels.count(lvl) for lvl in LEVELS}
    hits = [i for i, lvl in zip(ids, levels, strict=True) if lvl in flagged]
    share = _share(len(hits), len(rows))
    met = share >= goal if direction == ">=" else share <= goal
    return ExternalReport(path.stem, len(rows), counts, share, flagged, goal, direction, met, hits[:20])


def external_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl")) if directory.is_dir() else []


def format_dev(report: DevReport) -> Iterable[str]:
    yield f"dev set: {report.total} messages"
    yield "confusion (rows = expected, columns = judged): " + " ".join(f"{p:>8}" for p in LEVELS)
    for expected in LEVELS:
        yield f"  {expected:>8} " + " ".join(f"{report.confusion[expected][p]:>8}" for p in LEVELS)
    for level in reversed(LEVELS):
        yield f"  {level:>8}: recall {report.recall[level]:.3f}  precision {report.precision[level]:.3f}"
    yield f"concern judged concern or urgent: {report.concern_flagged:.3f}"
    yield f"none judged urgent: {report.none_as_urgent_rate:.3f} ({len(report.none_as_urgent)})"
    yield f"urgent judged none: {len(report.urgent_as_none)} {report.urgent_as_none}"
    yield f"tricky negatives not none: {len(report.tricky_not_none)} {report.tricky_not_none}"


def format_external(report: ExternalReport) -> Iterable[str]:
    status = "ok" if report.met else "MISSED"
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items(), key=lambda kv: -RANK[kv[0]]))
    yield (
        f"{report.name}: {report.total} rows; {'/'.join(report.flagged)} share {report.share:.3f} "
        f"(goal {report.direction} {report.goal}) {status}; {counts}"
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
