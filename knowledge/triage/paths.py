"""Where triage reads content and writes its cache. Read from the environment on call, never at import."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR_ENV = "LYT_VAR_DIR"


def var_dir() -> Path:
    """`LYT_VAR_DIR`, default `<repo>/var`."""
    return Path(os.environ.get(VAR_DIR_ENV) or REPO_ROOT / "var")


def triage_cache_dir() -> Path:
    return var_dir() / "triage"


def risk_dir() -> Path:
    """The curated content files: lexicons, patterns, examples, negatives."""
    return REPO_ROOT / "knowledge" / "risk"


def dev_set_path() -> Path:
    return REPO_ROOT / "tests" / "data" / "triage_dev.jsonl"


def external_dir() -> Path:
    return REPO_ROOT.parent / "shared" / "eval" / "external"
