"""Lyt (whole stack, HTTP contract) against a stock `rasa init` deployment, side by side, same driver.

Levels run interleaved (stock at 1, Lyt at 1, stock at 8, ...), so slow drift on the machine hits
both alike. Ratios are Lyt / stock. Target from docs/PRODUCT: throughput ratio >= 2, p95 ratio <= 0.5.
"""

from __future__ import annotations

import os
from typing import Any

from bench.load import Target, message_mix, run_load
from bench.procs import cpu_ms_per_message, cpu_seconds

BASELINE = "stock-rasa"


async def compare_levels(
    targets: list[Target],
    concurrencies: tuple[int, ...] = (1, 8, 32),
    max_messages: int = 2000,
    max_seconds: float = 20.0,
    warmup_messages: int = 10,
    cpu_pids: dict[str, dict[str, int]] | None = None,
    conversation_turns: int | None = None,
) -> dict[str, Any]:
    """Run every target at every concurrency; with a stock-rasa target, add Lyt/stock ratios.

    `cpu_pids` maps a target name to its processes ({"rasa": pid, ...}); their CPU time per message
    (and the load generator's) is reported, which shows where the two cores go."""
    levels: list[dict[str, Any]] = []
    for target in targets:  # first requests load models lazily; not measured
        await run_load(target, 1, warmup_messages, max_seconds)
    for concurrency in concurrencies:
        row: dict[str, Any] = {"concurrency": concurrency}
        for target in targets:
            pids = {**(cpu_pids or {}).get(target.name, {}), "load generator": os.getpid()}
            before = cpu_seconds(pids)
            result = await run_load(target, concurrency, max_messages, max_seconds, 0, conversation_turns)
            result["cpu_ms_per_msg"] = cpu_ms_per_message(before, cpu_seconds(pids), result["messages"])
            row[target.name] = result
            print(_line(result))
        if BASELINE in row and "lyt" in row:
            row["ratios"] = ratios(row["lyt"], row[BASELINE])
            print(
                f"  c={concurrency}: Lyt/stock throughput x{row['ratios']['throughput']}, p95 x{row['ratios']['p95']}"
            )
        levels.append(row)
    return {
        "mix": message_mix(),
        "conversation_turns": conversation_turns,
        "max_seconds": max_seconds,
        "max_messages": max_messages,
        "levels": levels,
    }


def ratios(lyt: dict[str, Any], stock: dict[str, Any]) -> dict[str, float | bool | None]:
    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 2) if a is not None and b else None

    throughput = ratio(lyt.get("throughput_msg_s"), stock.get("throughput_msg_s"))
    p95 = ratio(lyt.get("p95_ms"), stock.get("p95_ms"))
    return {
        "throughput": throughput,
        "p50": ratio(lyt.get("p50_ms"), stock.get("p50_ms")),
        "p95": p95,
        "p99": ratio(lyt.get("p99_ms"), stock.get("p99_ms")),
        "target_met": throughput is not None and p95 is not None and throughput >= 2.0 and p95 <= 0.5,
    }


def _line(result: dict[str, Any]) -> str:
    return (
        f"  {result['target']:<10} c={result['concurrency']:<3} {result['messages']:>5} msgs "
        f"{result['throughput_msg_s']:>7.1f} msg/s  p50 {result.get('p50_ms', 0):>7.1f}  "
        f"p95 {result.get('p95_ms', 0):>7.1f}  p99 {result.get('p99_ms', 0):>7.1f} ms  "
        f"errors {result['errors']}  answered {result['answered_share']:.0%}  article {result['article_share']:.0%}  "
        f"handoffs {result['handoffs']}"
    )
