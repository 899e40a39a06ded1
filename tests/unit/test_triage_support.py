"""Shared, cached objects for the triage tests (no tests here)."""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

from knowledge.triage import Triage
from knowledge.triage.content import RiskContent, load_content
from knowledge.triage.paths import dev_set_path, risk_dir

# The levels a table row of a pass's kinds may get (test_triage_twenty_*_pass.py).
URGENT = frozenset({"urgent"})
CONCERN = frozenset({"concern"})
NONE = frozenset({"none"})
NOT_URGENT = frozenset({"none", "concern"})
FLAGGED = frozenset({"concern", "urgent"})


def holdout(n: int) -> Path:
    """tests/data/triage_holdout<n>.jsonl: a triage hold-out, once measured (docs/TRIAGE.md)."""
    return dev_set_path().with_name(f"triage_holdout{n}.jsonl")


@functools.lru_cache(maxsize=1)
def content() -> RiskContent:
    return load_content(risk_dir())


@functools.lru_cache(maxsize=1)
def triage() -> Triage:
    """The real triage, trained once per test session into a temporary cache."""
    return Triage.load(cache_dir=Path(tempfile.mkdtemp(prefix="lyt-triage-test-")))


@functools.lru_cache(maxsize=1)
def triage_without_semantic() -> Triage:
    """The same lexicon and classifier without the semantic layer."""
    real = triage()
    return Triage(real.content, real.classifier)


@functools.lru_cache(maxsize=1)
def dev_rows() -> tuple[dict[str, Any], ...]:
    with dev_set_path().open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())
