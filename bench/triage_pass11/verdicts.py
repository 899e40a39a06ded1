"""Eleventh pass: what the semantic layer saw for each labelled message, to replay decision rules offline.
NOT product code.

    .venv/bin/python -m bench.triage_pass11.verdicts <out.jsonl> tests/data/triage_holdout6.jsonl [...]

Judges every set with the built triage (as `bench/triage_holdout.py` does) and writes one row per message:
its set, language and label, the level before the semantic layer (lexicon + classifier), whether the
semantic layer may raise it to urgent at all (not covered by an idiom-like veto only), its verdict
(head probabilities, kNN votes, near-duplicate of a `none` example, words) and the level judged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from knowledge.triage import judge as judge_module
from knowledge.triage import semantic
from knowledge.triage.evaluation import read_dev_set
from knowledge.triage.judge import Triage


def capture(triage: Triage, texts: list[str]) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    seen: dict[str, dict[str, Any]] = {}
    original = semantic.raise_level

    def spy(current: Any, verdict: semantic.SemanticVerdict, words: int, bars: Any) -> Any:
        level = original(current, verdict, words, bars)
        seen[_key(verdict)] = {
            "before": current,
            "p": [verdict.probabilities[x] for x in ("none", "concern", "urgent")],
            "knn": verdict.knn,
            "knn_c": verdict.knn_concern,
            "near": False,  # the near-duplicate veto was deleted in the eleventh pass
            "words": words,
        }
        return level

    judge_module.semantic.raise_level = spy  # type: ignore[attr-defined]
    try:
        results = triage.judge_many(texts)
    finally:
        judge_module.semantic.raise_level = original  # type: ignore[attr-defined]
    return results, seen


def _key(verdict: semantic.SemanticVerdict) -> str:
    return repr(verdict.similarities[:4].tolist())


def main(out: Path, sets: list[Path]) -> None:
    triage = Triage.load()
    assert triage.semantic is not None
    with out.open("w", encoding="utf-8") as handle:
        for path in sets:
            messages = read_dev_set(path)
            for m in messages:  # one at a time: the spy keys on the verdict
                results, seen = capture(triage, [m.text])
                row: dict[str, Any] = {"set": path.stem, "id": m.id, "lang": m.lang, "level": m.level,
                                       "judged": results[0].level}  # fmt: skip
                row.update(next(iter(seen.values()), {"before": results[0].level}))
                norm = triage.normaliser(m.text)
                match = triage.matcher.match(norm)
                row["capped"] = judge_module._covered_by_idiom(match)  # the one cap the judge keeps
                # for the ablation: the caps the tenth pass had (a follow-up pattern; any veto, third person too)
                row["follow_up"] = any(regex.search(norm.text) for _, regex in triage.matcher.context)
                row["any_veto"] = match.level == "none" and bool(match.vetoes)
                handle.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
