"""The semantic layer's examples and negatives by situation (knowledge/risk/semantic_situations.yml and
semantic_everyday.yml; written in the sixth and seventh passes, read since the tenth, docs/TRIAGE.md): well
formed, read by triage, and sharing no sentence with any measurement set (dev, blind, holdouts) or external set."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.triage import semantic
from knowledge.triage.content import content_files
from knowledge.triage.evaluation import read_dev_set, read_jsonl
from knowledge.triage.normalise import Normaliser
from tests.unit.test_triage_support import content
from tests.unit.triage_coincidences import KNOWN_COINCIDENCES

ROOT = Path(__file__).resolve().parents[2]
RISK = ROOT / "knowledge" / "risk"


def _examples() -> list[semantic.SemanticExample]:
    out: list[semantic.SemanticExample] = []
    for name in semantic.SEMANTIC_MORE:
        out += semantic.load_example_file(RISK / name)
    return out


def _normalised(texts: list[str]) -> set[str]:
    c = content()
    norm = Normaliser(c.emoji, c.words)
    return {norm(t).text.strip() for t in texts}


def test_situation_files_are_well_formed_and_cover_every_level_in_both_languages() -> None:
    examples = _examples()
    assert len(examples) >= 500
    for level in ("none", "concern", "urgent"):
        for lang in ("da", "en"):
            assert any(e.level == level and e.lang == lang for e in examples), (level, lang)
    none = [e for e in examples if e.level == "none"]
    assert len(none) >= 250  # the everyday side: the sixth pass failed on false alarms


def test_situation_files_are_semantic_training_rows_and_in_the_content_hash() -> None:
    rows = {e.text for e in semantic.load_examples(RISK)}
    assert {e.text for e in _examples()} <= rows
    assert {RISK / name for name in semantic.SEMANTIC_MORE} <= set(content_files(RISK))


def test_situation_files_share_no_sentence_with_the_measurement_sets() -> None:
    ours = _normalised([e.text for e in _examples()])
    data = ROOT / "tests" / "data"
    sets = sorted(data.glob("triage_*.jsonl"))
    assert len(sets) >= 6
    for path in sets:
        # A hold-out writer who wrote a line our content already holds word for word is listed, not hidden
        # (KNOWN_COINCIDENCES: holdout105's teacher idiom with skulls, measured with it).
        mine = _normalised([m.text for m in read_dev_set(path) if m.id not in KNOWN_COINCIDENCES])
        assert not (mine & ours), path.name


def test_situation_files_share_no_sentence_with_the_external_sets() -> None:
    """Only compared, never printed."""
    files = sorted((ROOT.parent / "shared" / "eval" / "external").glob("*.jsonl"))
    if not files:
        pytest.skip("no external sets here")
    ours = _normalised([e.text for e in _examples()])
    clashes = sum(
        text in ours for path in files for text in _normalised([str(r.get("text", "")) for r in read_jsonl(path)])
    )
    assert clashes == 0
