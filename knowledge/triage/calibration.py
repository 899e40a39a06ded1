"""Calibrated level probabilities for the semantic layer (issue 15, item 1; docs/TRIAGE.md, eleventh pass).

Why: the head's probabilities are over-confident in the tuned encoder's space. The head is fitted on the very
rows the adapter was tuned on, so a new message that lands near them gets p(urgent) 0.99 whether it is urgent
or distress. The kNN votes say something the head smooths away. Neither alone is a probability one can set a
recall target on.

What: a small multinomial logistic regression, the calibrator, maps what the layer sees for a message (the
head's log-odds, the two kNN votes, the message's length) to p(none), p(concern), p(urgent). It is fitted on
OUT-OF-FOLD verdicts: five adapters, each tuned without one fifth of the curated rows, judge that fifth against
a head fitted on the rest in their own space, which is the situation of a new message against the production
adapter (bench/triage_pass11/). Its bars are chosen on those out-of-fold probabilities, not on a test set:
`urgent_bar`, `concern_bar` and `near_urgent_bar` in the file.

Stored in `knowledge/risk/encoder/semantic-calibration.json` with the digest of the adapter it was fitted for;
a test fails when the adapter changes without a new calibration. `python -m bench.triage_pass11.calibrate`
writes it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.triage.levels import LEVELS, Level

CALIBRATION = Path(__file__).resolve().parents[1] / "risk" / "encoder" / "semantic-calibration.json"
FEATURES = ("head_logit_concern", "head_logit_urgent", "knn", "knn_concern", "log_words")
_EPS = 1e-4


def features(probabilities: dict[Level, float], knn: float, knn_concern: float, words: int) -> list[float]:
    """The calibrator's inputs, in FEATURES order."""

    def logit(p: float) -> float:
        p = min(1.0 - _EPS, max(_EPS, p))
        return math.log(p / (1.0 - p))

    return [
        logit(probabilities["concern"]),
        logit(probabilities["urgent"]),
        knn,
        knn_concern,
        math.log(max(1, words)),
    ]


@dataclass(frozen=True)
class Calibration:
    """Standardise, then a multinomial regression over LEVELS; the bars the semantic layer compares with."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per level, LEVELS order
    intercept: tuple[float, ...]
    urgent_bar: float  # p(urgent) at which the layer raises to urgent
    concern_bar: float  # p(concern) + p(urgent) at which it raises none to concern
    near_urgent_bar: float  # p(urgent) from which a `concern` message is near urgent: the safety question is asked
    adapter: str  # digest of the adapter the out-of-fold verdicts were made for (tuned_encoder.adapter_digest)
    fitted_on: str = ""  # what it was fitted on, for people
    # p(urgent) at which the layer raises to urgent when the message states that it is about now (means at hand, a
    # goodbye, harm happening, tonight / right now; judge._imminent); the urgent bar when the file has none
    imminent_urgent_bar: float | None = None

    def urgent_bar_for(self, imminent: bool) -> float:
        if imminent and self.imminent_urgent_bar is not None:
            return min(self.urgent_bar, self.imminent_urgent_bar)
        return self.urgent_bar

    def probabilities(self, row: list[float]) -> dict[Level, float]:
        x = (np.asarray(row) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = np.asarray(self.coef) @ x + np.asarray(self.intercept)
        e = np.exp(z - z.max())
        p = e / e.sum()
        return {level: float(p[i]) for i, level in enumerate(LEVELS)}

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "levels": list(LEVELS),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": [list(r) for r in self.coef],
            "intercept": list(self.intercept),
            "urgent_bar": self.urgent_bar,
            "concern_bar": self.concern_bar,
            "near_urgent_bar": self.near_urgent_bar,
            **({"imminent_urgent_bar": self.imminent_urgent_bar} if self.imminent_urgent_bar is not None else {}),
            "adapter": self.adapter,
            "fitted_on": self.fitted_on,
        }


def load(path: Path | None = None) -> Calibration:
    data = json.loads((path or CALIBRATION).read_text(encoding="utf-8"))
    if data.get("features") != list(FEATURES) or data.get("levels") != list(LEVELS):
        raise ValueError(f"{path or CALIBRATION}: features or levels differ from this code's")
    return Calibration(
        mean=tuple(data["mean"]),
        scale=tuple(data["scale"]),
        coef=tuple(tuple(r) for r in data["coef"]),
        intercept=tuple(data["intercept"]),
        urgent_bar=float(data["urgent_bar"]),
        concern_bar=float(data["concern_bar"]),
        near_urgent_bar=float(data["near_urgent_bar"]),
        adapter=str(data["adapter"]),
        fitted_on=str(data.get("fitted_on", "")),
        imminent_urgent_bar=float(data["imminent_urgent_bar"]) if "imminent_urgent_bar" in data else None,
    )
