"""Eleventh pass: replay candidate semantic rules over the rows of `verdicts.py`. NOT product code.

    .venv/bin/python -m bench.triage_pass11.replay <verdicts.jsonl>

For each rule and set: urgent recall (da / en), urgent judged none, concern flagged, concern judged urgent,
none judged urgent, none flagged. Single messages, no context (as bench/triage_holdout.py).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge.triage import calibration, semantic
from knowledge.triage.levels import LEVELS, RANK

Rule = Callable[[dict[str, Any]], str]


def tenth_pass(row: dict[str, Any]) -> str:
    """The tenth pass's rule (kNN bars, the head and the vote for concern, follow-up and idiom caps); the
    rows' `capped` is now only the idiom-like cap, so this replays it approximately."""
    before = row["before"]
    if before == "urgent" or "p" not in row or row["words"] < 3 or row["near"]:
        return before
    proposed = before
    if row["words"] >= 6 and row["knn"] >= 0.08 and row["knn_c"] >= 0.02:
        proposed = "concern" if row["capped"] else "urgent"
    elif before == "none" and row["p"][1] + row["p"][2] + 20.0 * row["knn"] >= 0.40:
        proposed = "concern"
    return proposed if RANK[proposed] > RANK[before] else before


def calibrated(
    fitted: calibration.Calibration,
    urgent_bar: float | None = None,
    concern_bar: float | None = None,
    use_cap: bool = True,
    min_words: int = semantic.URGENT_MIN_WORDS,
) -> Rule:
    """The eleventh pass's rule (semantic.raise_level and the judge's idiom cap), bars overridable."""
    ub = fitted.urgent_bar if urgent_bar is None else urgent_bar
    cb = fitted.concern_bar if concern_bar is None else concern_bar

    def rule(row: dict[str, Any]) -> str:
        before = row["before"]
        if before == "urgent" or "p" not in row or row["words"] < semantic.MIN_WORDS:
            return before
        p = fitted.probabilities(
            calibration.features(dict(zip(LEVELS, row["p"], strict=True)), row["knn"], row["knn_c"], row["words"])  # type: ignore[arg-type]
        )
        proposed = before
        if p["urgent"] >= ub:
            proposed = "urgent" if row["words"] >= min_words and not (use_cap and row["capped"]) else "concern"
        elif before == "none" and p["concern"] + p["urgent"] >= cb:
            proposed = "concern"
        return proposed if RANK[proposed] > RANK[before] else before

    return rule


def figures(rows: list[dict[str, Any]], rule: Rule) -> str:
    def share(xs: list[bool]) -> str:
        return f"{sum(xs) / len(xs):.2f}" if xs else "-"

    judged = [(r, rule(r)) for r in rows]
    u = {
        lang: [j == "urgent" for r, j in judged if r["level"] == "urgent" and r["lang"] == lang]
        for lang in ("da", "en")
    }
    u_none = sum(j == "none" for r, j in judged if r["level"] == "urgent")
    c = [j for r, j in judged if r["level"] == "concern"]
    n = [j for r, j in judged if r["level"] == "none"]
    return (
        f"u {share(u['da'])}/{share(u['en'])} u0 {u_none:>2} c+ {share([j != 'none' for j in c])} "
        f"cU {sum(j == 'urgent' for j in c):>2} nU {sum(j == 'urgent' for j in n):>2} n+ {share([j != 'none' for j in n])}"
    )


def report(rows: list[dict[str, Any]], rules: dict[str, Rule]) -> None:
    by_set: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    for name, rule in rules.items():
        print(f"== {name}")
        for s, rs in by_set.items():
            print(f"  {s:<18} {figures(rs, rule)}")
        seen = [r for r in rows if r["set"] not in ("triage_dev", "triage_blind")]
        print(f"  {'ALL holdouts':<18} {figures(seen, rule)}")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


if __name__ == "__main__":
    rows = load(Path(sys.argv[1]))
    production = calibrated(calibration.load())
    bad = [r["id"] for r in rows if production(r) != r["judged"]]
    print(f"production replay differs from the judged level on {len(bad)} of {len(rows)}: {bad[:10]}")
    report(rows, {"production (eleventh pass)": production, "tenth pass (approximately)": tenth_pass})
