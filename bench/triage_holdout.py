"""Issue 15's figures for labelled triage sets, per language, and the external sets' shares.

For each set: urgent recall, urgent judged none, concern flagged (concern or urgent), concern judged urgent
(the top band taken by distress that is not acute), none judged urgent,
none flagged (anything but none), and urgent reached within two turns: judged urgent, or left at `concern`
and asked the direct safety question (`api.services.safety_question.kind_to_ask`, answered "ja"/"yes").
Only counts leave this script, never texts of the external sets.

    .venv/bin/python -m bench.triage_holdout tests/data/triage_holdout9.jsonl [...] [--external]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from api.services.safety_question import kind_to_ask
from knowledge.triage.evaluation import EXTERNAL_GOALS, external_files, external_report, read_dev_set
from knowledge.triage.judge import Triage

EXTERNAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "external"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def set_figures(triage: Triage, path: Path) -> dict[str, Any]:
    messages = read_dev_set(path)
    results = triage.judge_many([m.text for m in messages])
    out: dict[str, Any] = {"set": path.stem, "n": len(messages)}
    for lang in ("da", "en", "all"):
        pairs = [(m, r) for m, r in zip(messages, results, strict=True) if lang in ("all", m.lang)]
        urgent = [(m, r) for m, r in pairs if m.level == "urgent"]
        concern = [(m, r) for m, r in pairs if m.level == "concern"]
        none = [(m, r) for m, r in pairs if m.level == "none"]
        judged_urgent = sum(r.level == "urgent" for _, r in urgent)
        asked = sum(
            r.level == "concern" and kind_to_ask(r, m.text, "concern", None) is not None for m, r in urgent
        )
        out[lang] = {
            "urgent_recall": _share(judged_urgent, len(urgent)),
            "urgent_as_none": sum(r.level == "none" for _, r in urgent),
            "concern_flagged": _share(sum(r.level != "none" for _, r in concern), len(concern)),
            "concern_as_urgent": _share(sum(r.level == "urgent" for _, r in concern), len(concern)),
            "none_as_urgent": _share(sum(r.level == "urgent" for _, r in none), len(none)),
            "none_flagged": _share(sum(r.level != "none" for _, r in none), len(none)),
            "within_two_turns": _share(judged_urgent + asked, len(urgent)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--external", action="store_true", help="also the external sets (shares only)")
    args = parser.parse_args()
    triage = Triage.load()
    for path in args.sets:
        print(json.dumps(set_figures(triage, path)))
    if args.external:
        for path in external_files(EXTERNAL_DIR):
            if path.stem in EXTERNAL_GOALS:
                report = external_report(triage, path)
                print(json.dumps({"external": report.name, "share": report.share, "goal": report.goal}))


if __name__ == "__main__":
    main()
