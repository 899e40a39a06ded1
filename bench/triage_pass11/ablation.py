"""Eleventh pass: the ablation of docs/TRIAGE.md, replayed over the rows of `verdicts.py`. NOT product code.

    .venv/bin/python -m bench.triage_pass11.ablation <verdicts.jsonl>

Each variant changes one part of the production rule (semantic.raise_level plus the judge's caps) and prints
the figures over the seen hold-outs (all rows whose set is not dev or blind) and over dev + blind.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench.triage_pass11.replay import RANK, Rule, calibrated, figures, load, tenth_pass
from knowledge.triage import calibration


def with_cap(rule: Rule, field: str) -> Rule:
    """`rule`, but an urgent it gives is capped at concern where `row[field]` (a cap the tenth pass had)."""

    def capped(row: dict[str, Any]) -> str:
        level = rule(row)
        if level == "urgent" and row.get(field) and row["before"] != "urgent":
            return "concern" if RANK[row["before"]] <= RANK["concern"] else row["before"]
        return level

    return capped


def main(path: Path) -> None:
    rows = load(path)
    fitted = calibration.load()
    variants: dict[str, Rule] = {
        "production (eleventh pass)": calibrated(fitted),
        "tenth-pass rule, same adapter (approx.)": tenth_pass,
        "+ follow-up cap (tenth pass)": with_cap(calibrated(fitted), "follow_up"),
        "+ any veto caps, third person too (tenth)": with_cap(calibrated(fitted), "any_veto"),
        "- idiom-like cap": calibrated(fitted, use_cap=False),
        "- six-word minimum for urgent": calibrated(fitted, min_words=0),
        "urgent bar at none->urgent <= 2% (0.58)": calibrated(fitted, urgent_bar=0.58),
    }
    seen = [r for r in rows if r["set"] not in ("triage_dev", "triage_blind")]
    dev = [r for r in rows if r["set"] in ("triage_dev", "triage_blind")]
    for name, rule in variants.items():
        print(f"{name:<42} seen hold-outs {figures(seen, rule)} | dev+blind {figures(dev, rule)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
