"""The trained models' predictions on the dev and hold-out sets against committed expectations (issue 13).

The embedding is portable by construction (tests/unit/test_kb_embedding.py checks it against the reference),
and triage is retrained from the curated files in every test session. If a CPU's kernels changed the
vectors enough to move a decision, this test names the messages that moved, whatever the accuracy floors say.

`LYT_WRITE_EXPECTATIONS=1 .venv/bin/pytest tests/unit/test_portable_predictions.py` rewrites them after a
deliberate model or content change (commit them with that change). The search's expectations were written on
the AVX2-only path (AMD EPYC, no AVX-512); the triage ones were rewritten for the tenth pass's tuned encoder
on the AVX-512 path (Intel Xeon), and for the fifteenth pass's lexicon on the AVX2-only path again (AMD EPYC,
2026-12-03: the only change, in triage_blind, came with the new lexicon's retrained classifier, "a late train"
going none -> concern; every other decision matched the AVX-512 expectations).

Measured on the other path (2026-12-02, Intel Xeon with AVX-512, AVX-512 VNNI and AMX): the int8 matmuls give the
same integers (reduce_range), but the float32 parts (the feed-forward output matmuls, norms, softmax) round
differently, so a decision sitting on a threshold can move: kb_dev 3 of 305, kb_holdout4 1 of 110,
triage_holdout4 1 of 100 (urgent -> concern), the other sets none; no urgent message dropped to none. The
tolerance below covers that with a margin (docs/KNOWLEDGE.md, "Portable embeddings").
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from knowledge.search import KnowledgeBase
from knowledge.search.evaluation import read_questions
from knowledge.triage.evaluation import judge_levels, read_dev_set
from tests.unit.test_triage_support import triage

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED = DATA / "expected"
TRIAGE_SETS = ("triage_dev", "triage_blind", "triage_holdout3", "triage_holdout4")
KB_SETS = ("kb_dev", "kb_holdout4")


# A decision that sits on a threshold may move by float rounding between CPUs and BLAS builds: at most 1% of a
# set (at least 2) per set, and never an urgent message dropping to none.
def moves_allowed(size: int) -> int:
    return max(2, math.ceil(size / 100))


WRITE = os.environ.get("LYT_WRITE_EXPECTATIONS") == "1"


def _check(name: str, predictions: dict[str, str]) -> None:
    path = EXPECTED / f"{name}.json"
    if WRITE:
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(json.dumps(predictions, indent=0, ensure_ascii=False, sort_keys=True) + "\n")
        return
    expected: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    assert expected.keys() == predictions.keys(), f"{name}: the set changed; rewrite the expectations"
    moved = {key: (expected[key], predictions[key]) for key in expected if expected[key] != predictions[key]}
    assert len(moved) <= moves_allowed(len(expected)), (
        f"{name}: {len(moved)} decisions moved (expected -> now): {moved}"
    )
    assert not any(old.startswith("urgent") and new.startswith("none") for old, new in moved.values()), moved


@pytest.mark.parametrize("name", TRIAGE_SETS)
def test_triage_levels_match_the_committed_expectations(name: str) -> None:
    rows = read_dev_set(DATA / f"{name}.jsonl")
    levels = judge_levels(triage(), [row.text for row in rows])
    _check(name, {row.id: level for row, level in zip(rows, levels, strict=True)})


@pytest.mark.parametrize("name", KB_SETS)
def test_search_answers_match_the_committed_expectations(name: str) -> None:
    kb = KnowledgeBase.load()
    questions = read_questions(DATA / f"{name}.jsonl")
    decisions = kb.answer_many([q.text for q in questions], [q.lang for q in questions])
    _check(
        name,
        {
            q.id: f"{d.kind}:{d.hits[0].article_id if d.hits else '-'}"
            for q, d in zip(questions, decisions, strict=True)
        },
    )
