"""Latency summaries shared by the component benchmarks (bench_search.py, bench_triage.py).

`nearest_rank_percentile` picks an element of the list (nearest rank); bench/load.py's `percentile`
interpolates between neighbours, which the whole-stack benchmarks report.
"""

from __future__ import annotations

import statistics


def nearest_rank_percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values_ms: list[float], digits: int) -> dict[str, float]:
    """n, p50/p95/p99, max and mean of a list of milliseconds, rounded to `digits` decimals."""
    return {
        "n": len(values_ms),
        "p50_ms": round(nearest_rank_percentile(values_ms, 50), digits),
        "p95_ms": round(nearest_rank_percentile(values_ms, 95), digits),
        "p99_ms": round(nearest_rank_percentile(values_ms, 99), digits),
        "max_ms": round(max(values_ms), digits) if values_ms else float("nan"),
        "mean_ms": round(statistics.fmean(values_ms), digits) if values_ms else float("nan"),
    }
