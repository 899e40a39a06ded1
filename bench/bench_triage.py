"""Triage benchmark: per-message latency (p50/p95/p99), single and batched, with and without history.

    .venv/bin/python bench/bench_triage.py [--rounds 3] [--json]

* single: `Triage.judge(text)` one message at a time over tests/data/triage_dev.jsonl (how the
  gateway calls it), wall clock and CPU time of this process (CPU time includes the embedding worker thread);
* early against in line: `judge(text)`, which starts the embedding on a worker thread before the lexicon runs,
  against `judge_many([text])`, which embeds in line (the baseline), timed in the same run, alternating;
* with history: the same with three earlier messages, half of them risky (context rules run);
* batched: `Triage.judge_many()` in batches of 32 and 256, reported per message;
* train: `Triage.load()` on a cold cache: the classifier, plus the semantic head (embedding every training
  example, 5 out-of-fold classifiers) unless LYT_TRIAGE_SEMANTIC=0 (what `lyt triage build` does);
* load: `Triage.load()` with the classifier cached;
* RSS: what triage adds to a process, measured in a fresh interpreter: VmRSS after importing the triage
  package, then after `Triage.load()` from the built cache (var/triage, `make triage`) and one judgement.
Target: p95 <= 15 ms per message, single and with history (wall). Benchmarks report; they never fail on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stats  # noqa: E402
from knowledge.triage import Triage  # noqa: E402
from knowledge.triage.evaluation import read_dev_set  # noqa: E402
from knowledge.triage.paths import dev_set_path  # noqa: E402

TARGET_P95_MS = 15.0
HISTORY = ["hej", "jeg kan ikke mere", "hvad skal jeg gøre"]


def summary(values_ms: list[float]) -> dict[str, float]:
    return stats.summary(values_ms, digits=3)


def single(triage: Triage, texts: list[str], rounds: int, history: list[str] | None = None) -> dict[str, Any]:
    for text in texts[:20]:  # warm-up
        triage.judge(text, history or ())
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            cpu_began = time.process_time()
            began = time.perf_counter()
            triage.judge(text, history or ())
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - cpu_began) * 1000)
    return {"wall": summary(wall), "cpu": summary(cpu)}


def paired(triage: Triage, texts: list[str], rounds: int) -> dict[str, Any]:
    """`judge(text)` (the embedding started early, on the worker thread) against the baseline in the same run:
    `judge_many([text])`, which embeds in line on the caller's thread as every release before the thirty-first
    pass did. Each message is timed both ways, in alternating order, so drift on a shared machine hits both."""
    early: list[float] = []
    in_line: list[float] = []
    for round_ in range(rounds):
        for i, text in enumerate(texts):
            for way in ("early", "in_line") if (i + round_) % 2 == 0 else ("in_line", "early"):
                began = time.perf_counter()
                if way == "early":
                    triage.judge(text)
                else:
                    triage.judge_many([text])
                (early if way == "early" else in_line).append((time.perf_counter() - began) * 1000)
    a, b = summary(early), summary(in_line)
    return {
        "early": a,
        "in_line": b,
        "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 3),
        "ratio_p95": round(a["p95_ms"] / b["p95_ms"], 3),
    }


def batched(triage: Triage, texts: list[str], rounds: int, size: int) -> dict[str, Any]:
    per_message: list[float] = []
    for _ in range(rounds):
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            began = time.perf_counter()
            triage.judge_many(chunk)
            per_message.append((time.perf_counter() - began) * 1000 / len(chunk))
    total_ms = sum(per_message) / max(1, len(per_message))
    return {"batch": size, "per_message": summary(per_message), "messages_per_s": round(1000 / total_ms, 1)}


RSS_PROBE = """
import re
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
from knowledge.triage import Triage
before = rss()
triage = Triage.load()
triage.judge("hvordan får jeg bedre søvn om natten når jeg ligger og tænker")  # semantic layer runs too
print(round(before, 1), round(rss(), 1))
"""


def rss_added() -> dict[str, float]:
    """VmRSS (MB) of a fresh interpreter after importing triage, and after loading it and judging once."""
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", RSS_PROBE], cwd=repo, capture_output=True, text=True, check=True)
    before, after = (float(x) for x in out.stdout.split()[-2:])
    return {"rss_imported_mb": before, "rss_loaded_mb": after, "rss_added_mb": round(after - before, 1)}


def measure(rounds: int = 3, texts: list[str] | None = None) -> dict[str, Any]:
    texts = texts if texts is not None else [m.text for m in read_dev_set(dev_set_path())]
    results: dict[str, Any] = {"messages": len(texts), "load_average_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        Triage.load(cache_dir=Path(scratch))
        results["train_s"] = round(time.perf_counter() - began, 2)
        began = time.perf_counter()
        triage = Triage.load(cache_dir=Path(scratch))
        results["load_cached_s"] = round(time.perf_counter() - began, 2)
    single(triage, texts, 1)  # one unmeasured pass: the word table's pages and the caches are warm
    results["single"] = single(triage, texts, rounds)
    results["single_with_history"] = single(triage, texts, rounds, HISTORY)
    results["early_against_in_line"] = paired(triage, texts, rounds)
    results["batched"] = [batched(triage, texts, rounds, size) for size in (32, 256)]
    results.update(rss_added())
    results["load_average_after"] = round(os.getloadavg()[0], 2)
    results["target_p95_ms"] = TARGET_P95_MS
    results["meets_target"] = all(
        results[key]["wall"]["p95_ms"] <= TARGET_P95_MS for key in ("single", "single_with_history")
    )
    return results


def _row(name: str, row: dict[str, float]) -> str:
    return (
        f"{name:24s} n={row['n']:5d}  p50 {row['p50_ms']:6.2f} ms  p95 {row['p95_ms']:6.2f} ms  "
        f"p99 {row['p99_ms']:6.2f} ms  max {row['max_ms']:6.2f} ms"
    )


def print_figures(results: dict[str, Any]) -> None:
    print(f"triage over {results['messages']} dev messages")
    print(f"load average before/after: {results['load_average_before']} / {results['load_average_after']}")
    print(_row("single (wall)", results["single"]["wall"]))
    print(_row("single (cpu)", results["single"]["cpu"]))
    print(_row("with history (wall)", results["single_with_history"]["wall"]))
    pair = results["early_against_in_line"]
    print(_row("early embedding (wall)", pair["early"]))
    print(_row("in line, baseline (wall)", pair["in_line"]))
    print(f"early / in line: p50 {pair['ratio_p50']}x, p95 {pair['ratio_p95']}x (same run, alternating order)")
    for row in results["batched"]:
        print(_row(f"batch {row['batch']} per message", row["per_message"]) + f"  {row['messages_per_s']} msg/s")
    print(f"target p95 <= {results['target_p95_ms']} ms: {'met' if results['meets_target'] else 'NOT met'}")
    print(f"train {results['train_s']} s; load with cached classifier {results['load_cached_s']} s")
    print(
        f"RSS {results['rss_imported_mb']} MB after import, {results['rss_loaded_mb']} MB loaded and judging: "
        f"triage adds {results['rss_added_mb']} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.rounds)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_figures(results)


if __name__ == "__main__":
    main()
