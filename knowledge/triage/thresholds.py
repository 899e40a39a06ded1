"""The decision rule's two thresholds, derived from the model's out-of-fold probabilities (docs/TRIAGE.md).

- `urgent`: the highest p(urgent) bar at which the rule (the model's level, raised by the lexicon floors) keeps
  out-of-fold urgent recall >= `URGENT_RECALL` over the curated source sentences;
- `flag` (none -> concern): the highest bar on p(concern) + p(urgent) at which no urgent source sentence is
  judged none and concern sentences are flagged at >= `CONCERN_FLAGGED`.

Derived when the model is loaded (a sort over ~2,000 rows), so a change of target needs no retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from knowledge.triage.levels import RANK, Level

URGENT_RECALL = 0.98  # out-of-fold target for the urgent threshold
CONCERN_FLAGGED = 0.95  # out-of-fold target for the flag threshold (with no urgent judged none)


@dataclass(frozen=True)
class Thresholds:
    urgent: float  # p(urgent) at or above: urgent
    flag: float  # p(concern) + p(urgent) at or above: at least concern


def decide(p: Sequence[float], thresholds: Thresholds) -> Level:
    """The model's level from p(none), p(concern), p(urgent)."""
    if p[2] >= thresholds.urgent:
        return "urgent"
    if p[1] + p[2] >= thresholds.flag:
        return "concern"
    return "none"


def choose_thresholds(
    probs: NDArray[np.float64], levels: Sequence[Level], floors: Sequence[Level]
) -> tuple[Thresholds, dict[str, float]]:
    """The highest bars that reach the out-of-fold targets for the rule max(model level, floor)."""
    y = np.array([RANK[lv] for lv in levels])
    floor = np.array([RANK[f] for f in floors])
    urgent = y == 2
    urgent_bar = 0.0
    for bar in np.unique(np.round(probs[:, 2], 4))[::-1]:
        caught = (probs[:, 2] >= bar) | (floor == 2)
        if caught[urgent].mean() >= URGENT_RECALL:
            urgent_bar = float(bar)
            break
    flagged_score = probs[:, 1] + probs[:, 2]
    flag_bar = 0.0
    for bar in np.unique(np.round(flagged_score, 4))[::-1]:
        flagged = (flagged_score >= bar) | (probs[:, 2] >= urgent_bar) | (floor >= 1)
        if flagged[urgent].all() and flagged[y == 1].mean() >= CONCERN_FLAGGED:
            flag_bar = float(bar)
            break
    thresholds = Thresholds(urgent_bar, flag_bar)
    judged = np.array([max(RANK[decide(row, thresholds)], f) for row, f in zip(probs, floor, strict=True)])
    report = {
        "urgent_recall": float((judged[urgent] == 2).mean()),
        "urgent_as_none": float((judged[urgent] == 0).sum()),
        "concern_flagged": float((judged[y == 1] >= 1).mean()),
        "none_as_urgent": float((judged[y == 0] == 2).mean()),
        "none_flagged": float((judged[y == 0] >= 1).mean()),
    }
    return thresholds, report
