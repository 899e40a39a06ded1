"""Counsellors' corrections that a curator accepted (`lyt triage review accept ID`): extra training examples.

The accepted items live in `<LYT_VAR_DIR>/triage/accepted_reviews.jsonl`, one JSON object a line in the
shape of the triage training files (`{"id", "text", "lang", "level", "tricky", "note"}`; the text is the
stored, scrubbed text of one youth message). Only the curator's explicit accept writes this file (the
gateway never does), so nothing reaches training automatically.

`with_accepted(content)` adds them to `content.examples` (so both the classifier and the semantic head train
on them) and folds a hash of the accepted set into `content.digest`, which is part of every triage cache key:
the next `lyt triage build` (or gateway start) retrains. Each accepted line counts `WEIGHT` times. An accepted
example cannot lower a curated lexicon hit: a false alarm caused by a lexicon phrase needs a veto in knowledge/risk/ (docs/TRIAGE.md).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from knowledge.triage import paths
from knowledge.triage.content import Example, RiskContent
from knowledge.triage.levels import LEVELS, as_level

ACCEPTED_FILE = "accepted_reviews.jsonl"
WEIGHT = 1  # copies of each accepted example in the training data (1 flipped every exact text tried)


def accepted_path() -> Path:
    return paths.var_dir() / "triage" / ACCEPTED_FILE


def _example(row: Any) -> Example | None:
    if not isinstance(row, dict):
        return None
    text, level, lang = row.get("text"), row.get("level"), row.get("lang")
    if not isinstance(text, str) or not text.strip() or level not in LEVELS or lang not in ("da", "en"):
        return None
    return Example(text.strip(), as_level(str(level)), str(lang), False, str(row.get("note") or "accepted review"))


def read_accepted(path: Path | None = None) -> list[Example]:
    """The accepted examples, the last line per id winning; malformed lines are skipped."""
    path = path or accepted_path()
    if not path.exists():
        return []
    by_id: dict[str, Example] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        example = _example(row)
        if example is not None:
            by_id[str(row.get("id") or f"line-{number}")] = example
    return list(by_id.values())


def accepted_digest(examples: list[Example]) -> str:
    digest = hashlib.sha256(f"weight={WEIGHT}".encode())
    for example in sorted(examples, key=lambda e: (e.text, e.level, e.lang)):
        digest.update(json.dumps([example.text, example.level, example.lang]).encode())
    return digest.hexdigest()[:16]


def with_accepted(content: RiskContent, path: Path | None = None) -> RiskContent:
    """`content` plus the accepted review examples, its digest (cache key) covering them; unchanged when none."""
    examples = read_accepted(path)
    if not examples:
        return content
    digest = hashlib.sha256(f"{content.digest}|{accepted_digest(examples)}".encode()).hexdigest()[:16]
    return replace(content, examples=content.examples + tuple(examples) * WEIGHT, digest=digest)


def append_accepted(row: dict[str, Any], path: Path | None = None) -> Path:
    """Append one accepted item (training-file shape) and flush it to disk; returns the file."""
    if _example(row) is None:
        raise ValueError("not a training example: needs text, level (none/concern/urgent) and lang (da/en)")
    path = path or accepted_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path
