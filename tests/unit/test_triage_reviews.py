"""Accepted review items as triage training examples (knowledge/triage/reviews.py) and the review item's
training-file shape (api/services/reviews.py). The whole loop against Redis and a real build is in
tests/integration/test_triage_review_loop.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from api.services.reviews import ReviewItem, iso_week
from knowledge.triage import model, paths, reviews, semantic
from knowledge.triage.content import RiskContent, load_content


@pytest.fixture(scope="module")
def content() -> RiskContent:
    return load_content(paths.risk_dir())


def test_no_accepted_file_leaves_content_and_cache_keys_alone(content: RiskContent, tmp_path: Path) -> None:
    assert reviews.with_accepted(content, tmp_path / "missing.jsonl") is content


def test_accepted_lines_become_examples_and_change_every_cache_key(content: RiskContent, tmp_path: Path) -> None:
    path = tmp_path / "accepted.jsonl"
    item = ReviewItem("a1b2c3d4e5", "jeg har taget en beslutning", "da", "none", "urgent", "missed", "context", "x")
    reviews.append_accepted(item.training_row(), path)
    reviews.append_accepted(item.training_row(), path)  # the same id twice (two curators): counted once
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
        handle.write(json.dumps({"id": "bad", "text": "x", "level": "severe", "lang": "da"}) + "\n")
    extended = reviews.with_accepted(content, path)
    added = extended.examples[len(content.examples) :]
    assert [(e.text, e.level, e.lang) for e in added] == [("jeg har taget en beslutning", "urgent", "da")]
    assert extended.digest != content.digest
    assert model.cache_key(extended) != model.cache_key(content)
    assert semantic.cache_key(extended, "embedder") != semantic.cache_key(content, "embedder")
    # Another accepted level for the same text is another training set: another key.
    reviews.append_accepted({**item.training_row(), "id": "review-other", "level": "concern"}, path)
    assert reviews.with_accepted(content, path).digest != extended.digest


def test_only_training_examples_are_appended(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        reviews.append_accepted({"id": "x", "text": "hej", "level": "high", "lang": "da"}, tmp_path / "a.jsonl")
    assert not (tmp_path / "a.jsonl").exists()


def test_the_training_row_has_the_training_files_shape_and_nothing_identifying() -> None:
    item = ReviewItem("0123456789", "I cleaned my room for the last time", "en", "concern", "urgent", "missed",
                      "implicit_risk", "2026-12-02")  # fmt: skip
    row = item.training_row()
    dev_keys = set(json.loads(paths.dev_set_path().read_text(encoding="utf-8").splitlines()[0]))
    assert dev_keys <= set(row) and set(row) - dev_keys == {"note"}
    assert row["level"] == "urgent" and row["tricky"] is False and row["id"] == "review-0123456789"
    assert iso_week(date(2026, 12, 2)) == "2026-W49" and iso_week(date(2027, 1, 1)) == "2026-W53"
