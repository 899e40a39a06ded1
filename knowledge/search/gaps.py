"""Content gaps for curators: the questions the bot could not answer, and the answers rated unhelpful.

The gateway records them in Redis (api/redis_keys.py):
  lyt:kb:gaps      zset  "{ms}:{nonce}:{scrubbed, lower-cased unanswered question}" -> ms (clarify or
                         decline); one member per time asked, so that each expires on its own (30 days)
  lyt:kb:feedback  hash  "{article id}:{yes|no}" -> count
`gaps_report()` reads both with any redis-py style client (`zrevrange`, `hgetall`) and, when given a
knowledge base, adds the closest topic to each question so curators see where an article is missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from knowledge.search.knowledge_base import KnowledgeBase

GAPS_KEY = "lyt:kb:gaps"
FEEDBACK_KEY = "lyt:kb:feedback"


@dataclass(frozen=True)
class Gap:
    question: str
    count: int
    nearest_topic: str | None


@dataclass(frozen=True)
class ArticleFeedback:
    article_id: str
    helpful: int
    unhelpful: int


@dataclass
class GapsReport:
    gaps: list[Gap] = field(default_factory=list)
    feedback: list[ArticleFeedback] = field(default_factory=list)

    def gaps_per_topic(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for gap in self.gaps:
            totals[gap.nearest_topic or "(none)"] += gap.count
        return totals


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def gaps_report(redis_client: Any, limit: int = 50, kb: KnowledgeBase | None = None) -> GapsReport:
    """The `limit` most frequent unanswered questions, and per-article feedback (most unhelpful first)."""
    report = GapsReport()
    asked: Counter[str] = Counter()
    for member in redis_client.zrange(GAPS_KEY, 0, -1):
        parts = _text(member).split(":", 2)
        if len(parts) == 3:
            asked[parts[2]] += 1
    for question, count in asked.most_common(max(limit, 0)):
        topic = None
        if kb is not None:
            candidates = kb.answer(question).candidates
            topic = candidates[0].topic if candidates else None
        report.gaps.append(Gap(question, count, topic))
    counts: dict[str, dict[str, int]] = {}
    for field_name, value in (redis_client.hgetall(FEEDBACK_KEY) or {}).items():
        article, _, verdict = _text(field_name).rpartition(":")
        if article and verdict in ("yes", "no"):
            counts.setdefault(article, {"yes": 0, "no": 0})[verdict] += int(_text(value))
    report.feedback = sorted(
        (ArticleFeedback(article, c["yes"], c["no"]) for article, c in counts.items()),
        key=lambda f: (-f.unhelpful, f.article_id),
    )
    return report


def format_gaps(report: GapsReport) -> str:
    lines = [f"Unanswered questions (top {len(report.gaps)}):"]
    lines += [f"  {gap.count:4d}  [{gap.nearest_topic or '-'}] {gap.question}" for gap in report.gaps] or ["  (none)"]
    lines += ["", "Article feedback (unhelpful / helpful):"]
    lines += [f"  {f.unhelpful:4d} / {f.helpful:<4d} {f.article_id}" for f in report.feedback] or ["  (none)"]
    return "\n".join(lines)
