"""Eleventh pass (issue 15, item 1): the semantic layer's verdicts out of fold, and its thresholds measured on
them. NOT product code.

    .venv/bin/python -m bench.triage_pass11.oof_rules <risk_dir> <oof_dir>

For fold k (bench/triage_pass11/oof_adapters.py): the head is fitted on the other folds' rows in fold k's
space (as `lyt triage build` fits it on every row in the production adapter's space), then the fold's rows are
judged against it: head probabilities, kNN votes. Prints the out-of-fold figures of the urgent and concern
rules over a grid of thresholds, per level and language.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bench.triage_pass11.oof_adapters import rows_and_folds
from knowledge.triage import semantic
from knowledge.triage.content import load_content
from knowledge.triage.matching import Matcher
from knowledge.triage.normalise import Normaliser


def oof_verdicts(
    risk_dir: Path, oof_dir: Path
) -> tuple[list[semantic.SemanticExample], list[semantic.SemanticVerdict]]:
    content = load_content(risk_dir)
    examples = semantic.training_examples(content, risk_dir)
    rows, fold_of = rows_and_folds(risk_dir, int(np.load(oof_dir / "folds.npy").max()) + 1)
    assert [r.text for r in rows] == [e.text for e in examples]
    assert (fold_of == np.load(oof_dir / "folds.npy")).all()
    side = semantic.training_side_features(
        content, Matcher(content, Normaliser(content.emoji, content.words)), examples
    )
    verdicts: list[semantic.SemanticVerdict | None] = [None] * len(examples)
    for k in range(int(fold_of.max()) + 1):
        vectors = np.load(oof_dir / f"fold{k}" / "vectors.npy")
        kept = np.flatnonzero(fold_of != k)
        judged = np.flatnonzero(fold_of == k)
        head = semantic.fit([examples[i] for i in kept], vectors[kept], side[kept])
        for i, verdict in zip(judged, head.verdicts(vectors[judged], side[judged]), strict=True):
            verdicts[i] = verdict
    return examples, [v for v in verdicts if v is not None]


def table(examples: list[semantic.SemanticExample], verdicts: list[semantic.SemanticVerdict]) -> None:
    words = np.array([len(e.text.split()) for e in examples])
    knn = np.array([v.knn for v in verdicts])
    knn_c = np.array([v.knn_concern for v in verdicts])
    p_u = np.array([v.probabilities["urgent"] for v in verdicts])
    risk = np.array([v.probabilities["concern"] + v.probabilities["urgent"] + 20.0 * v.knn for v in verdicts])
    near = np.zeros(len(verdicts), dtype=bool)  # the tenth pass's near-duplicate veto, deleted in the eleventh
    level = np.array([e.level for e in examples])
    lang = np.array([e.lang for e in examples])

    def show(name: str, urgent: np.ndarray) -> None:
        cells = []
        for lv, lg in (
            ("urgent", "da"),
            ("urgent", "en"),
            ("concern", "da"),
            ("concern", "en"),
            ("none", "da"),
            ("none", "en"),
        ):
            m = (level == lv) & (lang == lg)
            cells.append(f"{lv[0]}{lg} {urgent[m].mean():.3f}")
        print(f"{name:<44} " + "  ".join(cells), flush=True)

    ok = (words >= semantic.URGENT_MIN_WORDS) & ~near
    print("share judged urgent by the semantic layer alone, out of fold (u=urgent rows, c=concern, n=none)")
    for t in (0.02, 0.04, 0.06, 0.08, 0.10):
        for tc in (-1.0, 0.0, 0.01, 0.02):
            show(f"knn>={t} knn_c>={tc} words>=6", ok & (knn >= t) & (knn_c >= tc))
    for p in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
        show(f"p_urgent>={p}", ~near & (p_u >= p))
    print("share flagged (concern or more) by the tenth pass's none -> concern rule (p_c + p_u + 20 knn)")
    for r in (0.3, 0.4, 0.5, 0.6):
        show(f"risk_score>={r}", ~near & (words >= semantic.MIN_WORDS) & (risk >= r))


def dump(examples: list[semantic.SemanticExample], verdicts: list[semantic.SemanticVerdict], out: Path) -> None:
    """Rows in the shape of `verdicts.py` (before = none: the semantic layer's own judgement)."""
    with out.open("w", encoding="utf-8") as handle:
        for i, (e, v) in enumerate(zip(examples, verdicts, strict=True)):
            row = {"set": "oof", "id": f"oof-{i}", "lang": e.lang, "level": e.level, "kind": e.kind,
                   "before": "none", "capped": False, "p": [v.probabilities[x] for x in ("none", "concern", "urgent")],
                   "knn": v.knn, "knn_c": v.knn_concern, "near": False, "words": len(e.text.split())}  # fmt: skip
            handle.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    found = oof_verdicts(Path(sys.argv[1]), Path(sys.argv[2]))
    table(*found)
    if len(sys.argv) > 3:
        dump(*found, Path(sys.argv[3]))
