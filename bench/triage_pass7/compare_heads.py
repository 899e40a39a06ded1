"""Seventh-pass experiment (issue 15, docs/TRIAGE.md): a logistic regression on base vs tuned vectors, trained on
the 80% split, thresholds (urgent recall 0.98, no urgent judged none) on the 20%, figures on the check sets.
NOT product code. Usage: .venv/bin/python bench/triage_pass7/compare_heads.py <out_dir> [C] [risk_dir] [name=path ...]
(base_*.npy: the vectors of a 0-step run, renamed from tuned_*; extra check sets as given to lora_experiment.py)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from knowledge.triage.evaluation import read_dev_set  # noqa: E402
from knowledge.triage.levels import LEVELS  # noqa: E402

D = Path(sys.argv[1])
EXTRA = dict(a.split("=", 1) for a in sys.argv[2:] if "=" in a)
ARGS = [a for a in sys.argv[1:] if "=" not in a]
C = float(ARGS[1]) if len(ARGS) > 1 else 1.0
if (D / "split.json").exists():
    split = json.load(open(D / "split.json"))
    val = np.array(split["val"])
    y = np.array(split["y"])
else:
    from knowledge.triage import semantic
    from knowledge.triage.content import load_content

    rd = Path(ARGS[2]) if len(ARGS) > 2 else Path(__file__).resolve().parents[2] / "knowledge" / "risk"
    ex = semantic.training_examples(load_content(rd), rd)
    y = np.array([LEVELS.index(e.level) for e in ex])
    rng = np.random.default_rng(0)
    val = np.zeros(len(ex), dtype=bool)
    for level in range(3):
        idx = np.flatnonzero(y == level)
        val[rng.choice(idx, size=len(idx) // 5, replace=False)] = True
SETS = {
    "hold4": "triage_holdout4.jsonl",
    "hold3": "triage_holdout3.jsonl",
    "dev": "triage_dev.jsonl",
    "blind": "triage_blind.jsonl",
}
PATHS = {k: Path(__file__).resolve().parents[2] / "tests" / "data" / f for k, f in SETS.items()}
PATHS.update({k: Path(v) for k, v in EXTRA.items()})
labels = {
    k: (np.array([LEVELS.index(m.level) for m in read_dev_set(p)]), [m.lang for m in read_dev_set(p)])
    for k, p in PATHS.items()
}


def thresholds(p: np.ndarray, yy: np.ndarray, recall: float = 0.98) -> tuple[float, float]:
    u = yy == 2
    tu = 0.0
    for bar in np.unique(np.round(p[:, 2], 4))[::-1]:
        if (p[u, 2] >= bar).mean() >= recall:
            tu = float(bar)
            break
    s = p[:, 1] + p[:, 2]
    tf = 0.0
    for bar in np.unique(np.round(s, 4))[::-1]:
        flagged = (s >= bar) | (p[:, 2] >= tu)
        if flagged[u].all() and flagged[yy == 1].mean() >= 0.95:
            tf = float(bar)
            break
    return tu, tf


def report(p: np.ndarray, yy: np.ndarray, tu: float, tf: float) -> str:
    lv = np.where(p[:, 2] >= tu, 2, np.where(p[:, 1] + p[:, 2] >= tf, 1, 0))
    u, c, n = yy == 2, yy == 1, yy == 0
    auc = roc_auc_score(u[u | n], p[u | n, 2]) if u.any() and n.any() else float("nan")
    return (
        f"urg rec {(lv[u] == 2).mean():.3f} urg->none {(lv[u] == 0).sum():2d} conc flag {(lv[c] >= 1).mean() if c.any() else 0:.3f}"
        f" none->urg {(lv[n] == 2).mean():.3f} none flag {(lv[n] >= 1).mean():.3f} aucUN {auc:.3f}"
    )


for kind in ("base", "tuned"):
    if not (D / f"{kind}_train_all.npy").exists():
        continue
    x = np.load(D / f"{kind}_train_all.npy")
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x[~val], y[~val])
    pv = model.predict_proba(x[val])
    tu, tf = thresholds(pv, y[val])
    print(f"== {kind} LR C={C}: thresholds urgent {tu:.3f} flag {tf:.3f}")
    print(f"  val   {report(pv, y[val], tu, tf)}")
    for name, (yy, _langs) in labels.items():
        if not (D / f"{kind}_{name}.npy").exists():
            continue
        p = model.predict_proba(np.load(D / f"{kind}_{name}.npy"))
        print(f"  {name:5} {report(p, yy, tu, tf)}")
