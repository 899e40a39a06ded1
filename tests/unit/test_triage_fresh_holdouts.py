"""Every fresh hold-out at the level measured once on it (docs/TRIAGE.md): floors two messages below the figures.
Split from test_triage_semantic.py, whose hold-out paths and layer it shares; the figures live in
triage_fresh_holdouts_early.py (holdout6-56) and triage_fresh_holdouts_recent.py (holdout57 on)."""

from __future__ import annotations

import pytest

from knowledge.triage.evaluation import dev_report, read_dev_set
from tests.unit.test_triage_semantic import _layered
from tests.unit.test_triage_support import triage
from tests.unit.triage_fresh_holdouts_early import HOLDOUTS_6_TO_56
from tests.unit.triage_fresh_holdouts_recent import HOLDOUTS_FROM_57

FRESH_HOLDOUTS = {**HOLDOUTS_6_TO_56, **HOLDOUTS_FROM_57}


@pytest.mark.parametrize("name", sorted(FRESH_HOLDOUTS))
def test_fresh_holdout_at_the_measured_level(name: str) -> None:
    holdout = FRESH_HOLDOUTS[name]
    _layered()
    report = dev_report(triage(), read_dev_set(holdout.path))
    assert report.total == holdout.total
    assert report.recall["urgent"] >= holdout.min_urgent_recall, (holdout.measured, report.recall)
    assert len(report.urgent_as_none) <= holdout.max_urgent_as_none, (holdout.measured, report.urgent_as_none)
    assert len(report.none_as_urgent) <= holdout.max_none_as_urgent, (holdout.measured, report.none_as_urgent)
    assert report.concern_flagged >= holdout.min_concern_flagged, (holdout.measured, report.concern_flagged)
