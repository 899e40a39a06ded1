"""Eleventh pass: ablation of the n-gram classifier's thresholds (knowledge/triage/judge.py). NOT product code.

    .venv/bin/python -m bench.triage_pass11.ablate_classifier <out_dir> <set.jsonl> [...]

For each variant, sets the judge's module constants, judges every set as `verdicts.py` does and writes
<out_dir>/<variant>.jsonl; `replay.py` then gives the figures (its production rule replays the semantic layer).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.triage_pass11 import verdicts
from knowledge.triage import judge

VARIANTS: dict[str, dict[str, float]] = {
    "production": {},
    "no-classifier-urgent": {"URGENT_THRESHOLD": 1.01, "URGENT_WITH_IMMINENCE": 1.01},
    "no-imminence": {"URGENT_WITH_IMMINENCE": 1.01},
    "urgent-0.50": {"URGENT_THRESHOLD": 0.50},
    "urgent-0.70": {"URGENT_THRESHOLD": 0.70},
    "imminence-0.25": {"URGENT_WITH_IMMINENCE": 0.25},
    "no-classifier-concern": {"CONCERN_THRESHOLD": 1.01},
    "concern-0.25": {"CONCERN_THRESHOLD": 0.25},
    "concern-0.45": {"CONCERN_THRESHOLD": 0.45},
}


def main(out_dir: Path, sets: list[Path]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = {name: getattr(judge, name) for name in ("URGENT_THRESHOLD", "URGENT_WITH_IMMINENCE", "CONCERN_THRESHOLD")}
    for variant, values in VARIANTS.items():
        for name, value in {**saved, **values}.items():
            setattr(judge, name, value)
        verdicts.main(out_dir / f"{variant}.jsonl", sets)
        print(f"{variant} done", flush=True)
    for name, value in saved.items():
        setattr(judge, name, value)


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
