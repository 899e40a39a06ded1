"""Eleventh pass: fit the semantic layer's calibrator on out-of-fold verdicts and choose its bars on them.
Writes knowledge/risk/encoder/semantic-calibration.json (knowledge/triage/calibration.py).

    .venv/bin/python -m bench.triage_pass11.calibrate <oof.jsonl> [--write] [--none-urgent-max=F]
        [--urgent-bar=F --why="..."]

<oof.jsonl> comes from `oof_rules.py ... <oof.jsonl>`: one row per curated training row, judged by a fold
adapter and head that never saw it. The calibrator's own probabilities for the bars are out of fold too
(cross_val_predict over CV folds), so no figure below is in-sample.

The bars: `urgent_bar` is the lowest p(urgent) at which curated `none` rows judged urgent stay within
NONE_URGENT_MAX and `concern` rows within CONCERN_URGENT_MAX, out of fold; `concern_bar` the lowest p(concern)
+ p(urgent) at which `none` rows flagged stay within NONE_FLAGGED_MAX; `near_urgent_bar` the lowest p(urgent) at
which `none` and `concern` rows near urgent stay within NEAR_NONE_MAX and NEAR_CONCERN_MAX (the safety question
asks from there). These are the issue's limits for
text people write (<= 2% none judged urgent, <= 8% none flagged), applied to the curated rows, whose `none`
rows are mostly hard negatives (idioms, game slang, projects), so they bind harder here than in traffic.

`--urgent-bar=F` overrides the out-of-fold urgent bar (the thirteenth pass kept 0.86 over 0.78 because of the
external sets); `--why` is then required and goes into `fitted_on`, so the file says who chose the bar and why.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from knowledge.triage import calibration, tuned_encoder
from knowledge.triage.levels import LEVELS

NONE_URGENT_MAX = 0.02
CONCERN_URGENT_MAX = 0.15
NONE_FLAGGED_MAX = 0.08
# "Near urgent" asks the safety question: of at most 1 in 25 everyday and 1 in 10 concern rows. (A first choice,
# the bar at which urgent rows reach 0.98 recall, was 0.08: it asked "are you in danger?" after "yeah they go to
# my school" in a bullying card flow, and of 19% of everyday rows out of fold.)
NEAR_NONE_MAX = 0.04
NEAR_CONCERN_MAX = 0.10
C = 1.0
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def main(
    oof: Path,
    write: bool,
    none_urgent_max: float = NONE_URGENT_MAX,
    urgent_bar_override: float | None = None,
    why: str = "",
) -> calibration.Calibration:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = [json.loads(line) for line in oof.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if not r["near"] and r["words"] >= 3]
    x = np.array(
        [
            calibration.features(dict(zip(LEVELS, r["p"], strict=True)), r["knn"], r["knn_c"], r["words"])  # type: ignore[arg-type]
            for r in rows
        ]
    )
    y = np.array([LEVELS.index(r["level"]) for r in rows])
    lang = np.array([r["lang"] for r in rows])
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    p = cross_val_predict(model, x, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba")
    urgent, concern, none = y == 2, y == 1, y == 0

    print("bar   urgent recall da/en   concern->urgent   none->urgent   none flagged (p_c+p_u)")
    urgent_bar = concern_bar = None
    near_bar = None
    for bar in GRID:
        u = p[:, 2] >= bar
        f = p[:, 1] + p[:, 2] >= bar
        da, en = u[urgent & (lang == "da")].mean(), u[urgent & (lang == "en")].mean()
        cu, nu, nf = u[concern].mean(), u[none].mean(), f[none].mean()
        print(f"{bar:.2f}  {da:.3f}/{en:.3f}          {cu:.3f}             {nu:.3f}          {nf:.3f}")
        if near_bar is None and nu <= NEAR_NONE_MAX and cu <= NEAR_CONCERN_MAX:
            near_bar = float(bar)
        if urgent_bar is None and nu <= none_urgent_max and cu <= CONCERN_URGENT_MAX:
            urgent_bar = float(bar)
        if concern_bar is None and nf <= NONE_FLAGGED_MAX:
            concern_bar = float(bar)
    assert urgent_bar is not None and concern_bar is not None and near_bar is not None
    out_of_fold_urgent_bar = urgent_bar
    if urgent_bar_override is not None:
        if not why:
            raise SystemExit("--urgent-bar needs --why: the reason goes into fitted_on")
        urgent_bar = urgent_bar_override
    u, f = p[:, 2] >= urgent_bar, p[:, 1] + p[:, 2] >= concern_bar
    print(
        f"chosen: urgent_bar {urgent_bar} (urgent recall {u[urgent].mean():.3f}, concern->urgent {u[concern].mean():.3f}, "
        f"none->urgent {u[none].mean():.3f}); concern_bar {concern_bar} (concern flagged {f[concern].mean():.3f}, "
        f"none flagged {f[none].mean():.3f}); near_urgent_bar {near_bar}"
    )
    model.fit(x, y)
    scaler, regression = model[0], model[1]
    fitted = calibration.Calibration(
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) for v in scaler.scale_),
        coef=tuple(tuple(float(v) for v in r) for r in regression.coef_),
        intercept=tuple(float(v) for v in regression.intercept_),
        urgent_bar=urgent_bar,
        concern_bar=concern_bar,
        near_urgent_bar=near_bar,
        adapter=tuned_encoder.adapter_digest(),
        # chosen by hand on the committed sets and the external shares (twenty-third pass): kept across refits
        imminent_urgent_bar=calibration.load().imminent_urgent_bar if calibration.CALIBRATION.exists() else None,
        fitted_on=f"{len(rows)} curated rows judged out of fold (bench/triage_pass11), C={C}, "
        f"none->urgent <= {none_urgent_max}"
        + (
            f"; urgent_bar set to {urgent_bar} (out of fold {out_of_fold_urgent_bar}): {why}"
            if urgent_bar_override is not None
            else ""
        ),
    )
    print(json.dumps(fitted.to_json()))
    if write:
        calibration.CALIBRATION.write_text(json.dumps(fitted.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {calibration.CALIBRATION}")
    return fitted


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("oof", type=Path, help="out-of-fold verdicts from oof_rules.py")
    parser.add_argument("--write", action="store_true", help="write knowledge/risk/encoder/semantic-calibration.json")
    parser.add_argument("--none-urgent-max", type=float, default=NONE_URGENT_MAX)
    parser.add_argument("--urgent-bar", type=float, default=None, help="override the out-of-fold urgent bar")
    parser.add_argument("--why", default="", help="required with --urgent-bar; written into fitted_on")
    args = parser.parse_args()
    main(args.oof, args.write, args.none_urgent_max, args.urgent_bar, args.why)
