"""Dev-set targets (tests/data/triage_dev.jsonl) and the shape of the dev set itself."""

from __future__ import annotations

from collections import Counter

from knowledge.triage.evaluation import dev_report, read_dev_set
from knowledge.triage.paths import dev_set_path
from tests.unit.test_triage_support import dev_rows, triage


def test_dev_set_shape() -> None:
    rows = dev_rows()
    levels = Counter(row["level"] for row in rows)
    assert len(rows) >= 300
    assert levels["urgent"] >= 80 and levels["concern"] >= 80 and levels["none"] >= 130
    assert sum(1 for row in rows if row["level"] == "none" and row["tricky"]) >= 60
    assert {row["lang"] for row in rows} == {"da", "en"}
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["text"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "text", "lang", "level", "tricky"}


def test_dev_set_targets() -> None:
    report = dev_report(triage(), read_dev_set(dev_set_path()))
    assert report.urgent_as_none == [], report.urgent_as_none
    assert report.recall["urgent"] >= 0.98, report.recall
    assert report.concern_flagged >= 0.95, report.concern_flagged
    assert report.none_as_urgent_rate <= 0.02, report.none_as_urgent
    assert report.tricky_not_none == [], report.tricky_not_none
