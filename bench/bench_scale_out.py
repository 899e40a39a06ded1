"""Scale-out on this machine: 1 vs 2 gateway workers, 1 vs 2 Rasa instances sharing the Redis stores.

Each comparison runs the same load against a one-process baseline and a two-process variant, in the
same run, and reports the variant / baseline ratios plus CPU milliseconds per message per process:
the CPU cost per message says how far a tier would scale on more cores.
- gateway tier alone: conversations waiting in the queue (every message: triage, storage, queue
  position — no Rasa), so the gateway is the only thing working;
- whole stack: the Lyt HTTP contract with 1 Rasa instance, gateway with 1 or 2 workers;
- Rasa tier: the Lyt model's REST webhook, 1 or 2 `rasa run` processes sharing the Redis tracker and
  lock stores; each turn of a conversation goes to the next instance in turn, so consecutive turns
  of one conversation really move between processes (that is what the shared lock store is for).
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from bench.load import LytTarget, Reply, Target, run_load
from bench.procs import cpu_ms_per_message, cpu_seconds


class LytWaitingTarget(LytTarget):
    """Gateway only: each conversation asks for a person first, then keeps writing while it waits."""

    name = "lyt-gateway-only"

    async def open(self, client: httpx.AsyncClient, lang: str, index: int) -> dict[str, str]:
        handle = await super().open(client, lang, index)
        reply = await super().send(client, handle, "/ask_human", 0)
        if not reply.handoff:
            raise httpx.HTTPError("the conversation did not enter the queue")
        return handle

    async def send(self, client: httpx.AsyncClient, handle: dict[str, str], text: str, turn: int) -> Reply:
        reply = await super().send(client, handle, text, turn)
        return Reply(ok=reply.ok, answered=reply.handoff)


async def measure(
    target: Target, pids: dict[str, int], concurrency: int, max_messages: int, max_seconds: float
) -> dict[str, Any]:
    pids = {**pids, "load generator": os.getpid()}
    await run_load(target, 1, 5, max_seconds)  # warm-up, not measured
    before = cpu_seconds(pids)
    result = await run_load(target, concurrency, max_messages, max_seconds)
    result["cpu_ms_per_msg"] = cpu_ms_per_message(before, cpu_seconds(pids), result["messages"])
    print(
        f"  {result['target']:<18} c={concurrency}: {result['throughput_msg_s']} msg/s, "
        f"p95 {result.get('p95_ms')} ms, errors {result['errors']}, article {result['article_share']:.0%}, "
        f"CPU ms/msg {result['cpu_ms_per_msg']}"
    )
    return result


def pair(label: str, one: dict[str, Any], two: dict[str, Any]) -> dict[str, Any]:
    """The two-process variant over the one-process baseline."""

    def ratio(key: str) -> float | None:
        a, b = two.get(key), one.get(key)
        return round(a / b, 2) if a is not None and b else None

    row = {
        "what": label,
        "one": one,
        "two": two,
        "throughput_ratio": ratio("throughput_msg_s"),
        "p95_ratio": ratio("p95_ms"),
    }
    print(f"  {label}: 2 vs 1 throughput x{row['throughput_ratio']}, p95 x{row['p95_ratio']}")
    return row


def cores_needed(result: dict[str, Any]) -> float | None:
    """CPU cores the measured processes kept busy (load generator excluded)."""
    cpu = result.get("cpu_ms_per_msg", {})
    if not cpu:
        return None
    busy = float(cpu.get("total", 0.0)) - float(cpu.get("load generator", 0.0))
    return round(busy * float(result["throughput_msg_s"]) / 1000, 2)
