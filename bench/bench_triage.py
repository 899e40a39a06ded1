"""Triage benchmark: per-message latency (p50/p95/p99), single and batched, with and without history, and the
RSS that loading triage and judging adds to a process.

    .venv/bin/python bench/bench_triage.py [--rounds 3] [--json] [--train]

* single: `Triage.judge(text)` one message at a time over tests/data/triage_dev.jsonl (how the
  gateway calls it), wall clock and CPU time of this process;
* with history: the same with three earlier messages, half of them risky (the follow-up rules and the
  conversation rule run: the last two messages and this one are embedded together, one more embedding);
* batched: `Triage.judge_many()` in batches of 32 and 256, reported per message;
* rss: resident memory before importing triage, after `Triage.load()` and after the first judgement (the
  ONNX Runtime session and the tokenizer load on first use);
* load: `Triage.load()` with the model cached (`lyt triage build` first);
* train (only with --train): `Triage.load()` on a cold cache, what `lyt triage build` does: embed and augment
  every curated example and fit the model out-of-fold (minutes on the shared 2-core machine).
Target: p95 <= 15 ms per message. Benchmarks report; they never fail on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stats  # noqa: E402

TARGET_P95_MS = 15.0
HISTORY = ["hej", "jeg kan ikke mere", "hvad skal jeg gøre"]


def summary(values_ms: list[float]) -> dict[str, float]:
    return stats.summary(values_ms, digits=3)


def rss_mb() -> float:
    """This process's resident set size (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def single(triage: Any, texts: list[str], rounds: int, history: list[str] | None = None) -> dict[str, Any]:
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


def batched(triage: Any, texts: list[str], rounds: int, size: int) -> dict[str, Any]:
    per_message: list[float] = []
    for _ in range(rounds):
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            began = time.perf_counter()
            triage.judge_many(chunk)
            per_message.append((time.perf_counter() - began) * 1000 / len(chunk))
    total_ms = sum(per_message) / max(1, len(per_message))
    return {"batch": size, "per_message": summary(per_message), "messages_per_s": round(1000 / total_ms, 1)}


def measure(rounds: int = 3, texts: list[str] | None = None, train: bool = False) -> dict[str, Any]:
    rss_before = rss_mb()
    from knowledge.triage import Triage
    from knowledge.triage.evaluation import read_dev_set
    from knowledge.triage.paths import dev_set_path

    texts = texts if texts is not None else [m.text for m in read_dev_set(dev_set_path())]
    results: dict[str, Any] = {"messages": len(texts), "load_average_before": round(os.getloadavg()[0], 2)}
    results["train_s"] = None
    if train:
        with tempfile.TemporaryDirectory() as scratch:
            began = time.perf_counter()
            Triage.load(cache_dir=Path(scratch))
            results["train_s"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    triage = Triage.load()
    results["load_cached_s"] = round(time.perf_counter() - began, 2)
    rss_loaded = rss_mb()
    triage.judge("hej, hvordan blokerer jeg nogen på snap?")
    results["rss_mb"] = {"before": rss_before, "loaded": rss_loaded, "after_first_judgement": rss_mb()}
    results["single"] = single(triage, texts, rounds)
    results["single_with_history"] = single(triage, texts, rounds, HISTORY)
    results["batched"] = [batched(triage, texts, rounds, size) for size in (32, 256)]
    results["load_average_after"] = round(os.getloadavg()[0], 2)
    results["target_p95_ms"] = TARGET_P95_MS
    results["meets_target"] = results["single_with_history"]["wall"]["p95_ms"] <= TARGET_P95_MS
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
    for row in results["batched"]:
        print(_row(f"batch {row['batch']} per message", row["per_message"]) + f"  {row['messages_per_s']} msg/s")
    print(f"target p95 <= {results['target_p95_ms']} ms: {'met' if results['meets_target'] else 'NOT met'}")
    rss = results["rss_mb"]
    print(
        f"RSS {rss['before']} MB before triage, {rss['loaded']} MB loaded, {rss['after_first_judgement']} MB after the "
        f"first judgement (+{rss['after_first_judgement'] - rss['before']:.1f} MB)"
    )
    train = f"train {results['train_s']} s; " if results["train_s"] is not None else ""
    print(f"{train}load with the model cached {results['load_cached_s']} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--train", action="store_true", help="also time training on a cold cache (minutes)")
    args = parser.parse_args()
    results = measure(args.rounds, train=args.train)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_figures(results)


if __name__ == "__main__":
    main()
