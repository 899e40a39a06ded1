"""Shared, cached objects for the triage tests (no tests here)."""

from __future__ import annotations

import functools
import json
from typing import Any

from knowledge.triage import Triage, paths
from knowledge.triage.content import RiskContent, load_content
from knowledge.triage.paths import dev_set_path, risk_dir


@functools.lru_cache(maxsize=1)
def content() -> RiskContent:
    return load_content(risk_dir())


@functools.lru_cache(maxsize=1)
def triage() -> Triage:
    """The real triage, from the build cache (`lyt triage build`, `make triage`); trained there when missing.

    Training embeds and augments every curated example and fits the model out-of-fold (several minutes on
    the shared 2-core machine), so tests share the build's cache instead of training per session."""
    return Triage.load(cache_dir=paths.triage_cache_dir())


@functools.lru_cache(maxsize=1)
def dev_rows() -> tuple[dict[str, Any], ...]:
    with dev_set_path().open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())
