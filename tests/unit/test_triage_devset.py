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
    """The dev set was written with the rules and has been tuned on in every pass (docs/TRIAGE.md): these are
    regression targets at its measured level after the sixth pass, not a measure of generalisation."""
    report = dev_report(triage(), read_dev_set(dev_set_path()))
    assert report.urgent_as_none == [], report.urgent_as_none
    assert report.recall["urgent"] >= DEV_FLOORS["urgent_recall"], report.recall
    assert report.concern_flagged >= DEV_FLOORS["concern_flagged"], report.concern_flagged
    assert len(report.none_as_urgent) <= DEV_FLOORS["none_as_urgent"], report.none_as_urgent


def test_dev_tricky_negatives_have_no_lexicon_floor() -> None:
    """No tricky negative of the dev set reaches a lexicon floor (the vetoes cap every risky word in them)."""
    t = triage()
    tricky = [row for row in dev_rows() if row["tricky"]]
    floored = [row["id"] for row in tricky if t.matcher.match(t.normaliser(row["text"])).level != "none"]
    assert floored == [], floored


# Measured after the sixth pass: urgent recall 1.000, 0 urgent judged none, concern flagged 1.000, 18 of 141
# none judged urgent (the cost of the out-of-fold urgent recall target, docs/TRIAGE.md).
DEV_FLOORS: dict[str, float] = {"urgent_recall": 0.98, "concern_flagged": 0.98, "none_as_urgent": 20}
