"""Eleventh pass (issue 15, item 1): out-of-fold vectors for choosing the semantic layer's thresholds. NOT
product code.

    nice .venv/bin/python -m bench.triage_pass11.oof_adapters <risk_dir> <out_dir> [steps] [folds]

The curated training rows (semantic.training_examples) are split into FOLDS stratified by level. For each
fold an adapter is trained exactly as the production one (bench/triage_pass10/tune_encoder.py: the rows of the
other folds plus their augmented copies, same steps and seed), and every row is embedded with it (torch fp32,
merged weights). In fold k's space the fold's own rows are unseen queries and the other rows are the
prototypes the adapter was trained on: the situation of a new message against the production adapter.
Writes <out_dir>/folds.npy (fold of each row), <out_dir>/fold<k>/lora.pt and <out_dir>/fold<k>/vectors.npy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from bench.triage_pass10.tune_encoder import TunedEmbedder, train_on
from knowledge.triage import semantic
from knowledge.triage.augment import Row, augment
from knowledge.triage.content import load_content
from knowledge.triage.levels import LEVELS

FOLDS = 5
STEPS = 600  # as the production adapter


def rows_and_folds(risk_dir: Path, folds: int) -> tuple[list[Row], np.ndarray]:
    from sklearn.model_selection import StratifiedKFold

    content = load_content(risk_dir)
    rows = [Row(e.text, e.level, e.lang, e.kind) for e in semantic.training_examples(content, risk_dir)]
    y = np.array([LEVELS.index(r.level) for r in rows])
    fold_of = np.zeros(len(rows), dtype=np.int32)
    for k, (_, test) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y)):
        fold_of[test] = k
    return rows, fold_of


def main(risk_dir: Path, out_dir: Path, steps: int = STEPS, folds: int = FOLDS) -> None:
    rows, fold_of = rows_and_folds(risk_dir, folds)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / "folds.npy", fold_of)
    for k in range(folds):
        lora = out_dir / f"fold{k}" / "lora.pt"
        vectors = lora.parent / "vectors.npy"
        if vectors.exists():
            continue
        started = time.perf_counter()
        kept = [r for r, f in zip(rows, fold_of, strict=True) if f != k]
        if not lora.exists():
            train_on(kept + augment(kept), lora, steps)
        np.save(vectors, TunedEmbedder(lora).embed_queries([r.text for r in rows]))
        print(f"fold {k}: {len(kept)} rows kept, {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]), Path(args[1]), *(int(a) for a in args[2:]))
