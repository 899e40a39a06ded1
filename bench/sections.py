"""The benchmark sections of `make bench`: each starts the processes it needs, runs, and stops them.

Sizes come from `Sizes`; `Sizes.quick()` is a shorter run for trying things out.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from bench import bench_long_conversation as long_conv
from bench.bench_connections import idle_websockets
from bench.bench_delivery import counsellor_to_youth, dashboard_visibility
from bench.bench_queue import queue_operations
from bench.bench_scale_out import LytWaitingTarget, measure, pair
from bench.bench_whole_stack import compare_levels
from bench.load import LytTarget, RasaRestTarget
from bench.procs import (
    LYT_MODEL,
    GatewayHandle,
    Processes,
    RasaHandle,
    RedisHandle,
    configured_max_turns,
    start_gateway,
    start_lyt_rasa,
    start_redis_server,
)
from bench.stock_rasa import start_stock_rasa
from tests.conftest import APP_PY, REPO


@dataclass
class Sizes:
    concurrencies: tuple[int, ...] = (1, 8, 32)
    level_seconds: float = 20.0
    level_messages: int = 3000
    long_turns: int = 100
    long_conversations: int = 3
    scale_concurrency: int = 32
    scale_seconds: float = 20.0
    queue_waiting: int = 10_000
    queue_samples: int = 1_000
    delivery_samples: int = 100
    connections: int = 1_000
    rasa_workers: int = 1
    soak_minutes: float = 10.0
    soak_widgets: int = 8
    soak_counsellors: int = 2
    capacity_days: int = 30
    first_answer_warm: int = 20

    @classmethod
    def quick(cls) -> Sizes:
        return cls((1, 8), 5.0, 300, 30, 1, 8, 5.0, 1_000, 100, 20, 200, 1, 1.0)


def _stop_all(procs: Processes, *handles: RasaHandle | GatewayHandle) -> None:
    for handle in handles:
        for process in handle.processes if isinstance(handle, RasaHandle) else [handle.process]:
            procs.stop(process)


def _lyt_pids(gateway: GatewayHandle, rasa: RasaHandle, redis: RedisHandle) -> dict[str, int]:
    return {
        "gateway": gateway.process.pid,
        "rasa": rasa.processes[1].pid,
        "actions": rasa.processes[0].pid,
        "redis": redis.process.pid,
    }


def whole_stack_and_long(procs: Processes, sizes: Sizes) -> dict[str, dict[str, Any]]:
    """Lyt vs stock Rasa side by side, then long conversations on each tracker store option."""
    redis = start_redis_server(procs)
    stock = start_stock_rasa(procs, redis.port)
    rasa = start_lyt_rasa(procs, redis.port, "configured", workers=sizes.rasa_workers)
    gateway = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url)
    info = {
        "tracker_store": rasa.tracker_store,
        "triage": gateway.triage,
        "model": LYT_MODEL.name,
        "rasa_workers": sizes.rasa_workers,
        "gateway_workers": gateway.workers,
    }
    print(f"whole stack: Lyt ({info}) vs stock `rasa init`")
    stock_pids = {"rasa": stock.processes[1].pid, "actions": stock.processes[0].pid, "redis": redis.process.pid}
    scenarios = []
    for turns in (None, sizes.long_turns):
        print(f"  conversations: {turns or 'scripted, 3–12 turns'}")
        scenarios.append(
            asyncio.run(
                compare_levels(
                    [RasaRestTarget(stock.urls), LytTarget([gateway.url])],
                    sizes.concurrencies,
                    sizes.level_messages,
                    sizes.level_seconds,
                    cpu_pids={"stock-rasa": stock_pids, "lyt": _lyt_pids(gateway, rasa, redis)},
                    conversation_turns=turns,
                )
            )
        )
    compared: dict[str, Any] = {"lyt_setup": info, "scenarios": scenarios}

    print("long conversations")
    turns, conversations = sizes.long_turns, sizes.long_conversations
    variants: dict[str, Any] = {
        "stock rasa init (RedisTrackerStore), direct": asyncio.run(
            long_conv.direct_to_rasa(stock.urls[0], turns, conversations, redis_url=redis.url, tracker_prefix="stock")
        )
    }
    _stop_all(procs, stock)
    for option in ("configured", *_other_options(rasa.tracker_store)):
        if option != "configured":
            _stop_all(procs, gateway, rasa)
            rasa = start_lyt_rasa(procs, redis.port, option)
            gateway = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url)
        turns_kept = configured_max_turns() if option == "configured" else 10  # lyt_endpoints' default
        label = _store_label(rasa.tracker_store, turns_kept) + (
            " (bot/endpoints.yml)" if option == "configured" else ""
        )
        variants[f"Lyt, {label}, through the gateway"] = asyncio.run(
            long_conv.through_gateway(gateway.url, turns, conversations, redis.url)
        )
        variants[f"Lyt, {label}, direct to Rasa"] = asyncio.run(
            long_conv.direct_to_rasa(rasa.urls[0], turns, conversations, redis_url=redis.url)
        )
        if "Bounded" not in rasa.tracker_store:
            variants[f"Lyt, {label}, direct, new Rasa session every 10 turns"] = asyncio.run(
                long_conv.direct_to_rasa(rasa.urls[0], turns, conversations, session_every=10, redis_url=redis.url)
            )
    _stop_all(procs, gateway, rasa)
    procs.stop(redis.process)
    return {"whole_stack": compared, "long_conversation": {"turns": turns, "variants": variants}}


def _other_options(configured: str) -> list[str]:
    return ["redis"] if "Bounded" in configured else ["bounded"]


def _store_label(store: str, max_turns: int | None) -> str:
    return (
        f"BoundedRedisTrackerStore (last {max_turns} turns)"
        if "Bounded" in store
        else "RedisTrackerStore (whole history)"
    )


def scale_out(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    redis = start_redis_server(procs)
    rasa = start_lyt_rasa(procs, redis.port, "configured", instances=2)
    one = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url)
    two = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url, workers=2)
    other = start_gateway(procs, redis.url, rasa.urls[1], rasa.actions_url)
    forked = start_lyt_rasa(procs, redis.port, "configured", workers=2)
    on_forked = start_gateway(procs, redis.url, forked.urls[0], forked.actions_url)
    c, n, s = sizes.scale_concurrency, 100_000, sizes.scale_seconds
    base = {"rasa": rasa.processes[1].pid, "actions": rasa.processes[0].pid, "redis": redis.process.pid}
    rasa2 = {"rasa 2": rasa.processes[2].pid}
    print("scale-out")

    async def run() -> list[dict[str, Any]]:
        rows = []
        gw_one = {"gateway": one.process.pid, "redis": redis.process.pid}
        gw_two = {"gateway": two.process.pid, "redis": redis.process.pid}
        rows.append(
            pair(
                "gateway alone (waiting-mode messages): 1 vs 2 uvicorn workers",
                await measure(LytWaitingTarget([one.url]), gw_one, c, n, s),
                await measure(LytWaitingTarget([two.url]), gw_two, c, n, s),
            )
        )
        rows.append(
            pair(
                "whole stack, 1 Rasa: gateway 1 vs 2 workers",
                await measure(LytTarget([one.url]), {"gateway": one.process.pid, **base}, c, n, s),
                await measure(LytTarget([two.url]), {"gateway": two.process.pid, **base}, c, n, s),
            )
        )
        direct_one = RasaRestTarget(rasa.urls[:1], name="lyt-rasa", set_lang=True)
        direct_two = RasaRestTarget(rasa.urls, name="lyt-rasa x2", set_lang=True)
        rows.append(
            pair(
                "Rasa alone (REST webhook): 1 vs 2 instances sharing the Redis lock and tracker stores",
                await measure(direct_one, base, c, n, s),
                await measure(direct_two, {**base, **rasa2}, c, n, s),
            )
        )
        replicas = {"gateway": one.process.pid, "gateway 2": other.process.pid, **base, **rasa2}
        rows.append(
            pair(
                "whole stack: 1 vs 2 replicas of (gateway + Rasa), one action server, one Redis",
                await measure(LytTarget([one.url]), {"gateway": one.process.pid, **base}, c, n, s),
                await measure(LytTarget([one.url, other.url]), replicas, c, n, s),
            )
        )
        forked_pids = {"gateway": on_forked.process.pid, "rasa": forked.processes[1].pid}
        forked_pids |= {"actions": forked.processes[0].pid, "redis": redis.process.pid}
        rows.append(
            pair(
                "whole stack, one gateway: Rasa 1 vs 2 Sanic workers (SANIC_WORKERS=2, shared Redis lock store)",
                await measure(LytTarget([one.url]), {"gateway": one.process.pid, **base}, c, n, s),
                await measure(LytTarget([on_forked.url]), forked_pids, c, n, s),
            )
        )
        return rows

    rows = asyncio.run(run())
    _stop_all(procs, one, two, other, rasa, on_forked, forked)
    stock_one = start_stock_rasa(procs, redis.port)
    stock_two = start_stock_rasa(procs, redis.port, workers=2)

    async def run_stock() -> dict[str, Any]:
        pids_one = {"rasa": stock_one.processes[1].pid, "redis": redis.process.pid}
        pids_two = {"rasa": stock_two.processes[1].pid, "redis": redis.process.pid}
        return pair(
            "stock `rasa init` (REST webhook): 1 vs 2 Sanic workers — what the same setting gives the baseline",
            await measure(RasaRestTarget(stock_one.urls), pids_one, c, n, s),
            await measure(RasaRestTarget(stock_two.urls, name="stock-rasa x2"), pids_two, c, n, s),
        )

    rows.append(asyncio.run(run_stock()))
    _stop_all(procs, stock_one, stock_two)
    procs.stop(redis.process)
    return {"concurrency": c, "seconds": s, "rows": rows}


def micro(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    redis = start_redis_server(procs)
    print("micro-benchmarks")
    result: dict[str, Any] = {
        "queue": asyncio.run(
            queue_operations(redis.url.rsplit("/", 1)[0] + "/1", sizes.queue_waiting, sizes.queue_samples)
        )
    }
    a = start_gateway(procs, redis.url)
    b = start_gateway(procs, redis.url)
    result["dashboard_empty_queue"] = asyncio.run(
        dashboard_visibility(a.url, redis.url, sizes.delivery_samples // 2, 0)
    )
    result["dashboard_150_waiting"] = asyncio.run(
        dashboard_visibility(a.url, redis.url, sizes.delivery_samples // 2, 150)
    )
    result["counsellor_to_youth"] = asyncio.run(counsellor_to_youth(a.url, b.url, redis.url, sizes.delivery_samples))
    result["triage"] = script_output("bench_triage.py")
    result["search"] = script_output("bench_search.py")
    _stop_all(procs, a, b)
    procs.stop(redis.process)
    return result


def connections(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    redis = start_redis_server(procs)
    gateway = start_gateway(procs, redis.url)
    print("connections")
    result = asyncio.run(idle_websockets(gateway.url, gateway.process.pid, sizes.connections))
    result["triage"] = gateway.triage
    _stop_all(procs, gateway)
    procs.stop(redis.process)
    return result


def queue_push(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    """Live queue positions: `connections` waiting sockets on one gateway, each moved by every change."""
    from bench.bench_queue_push import queue_push as measure_queue_push

    redis = start_redis_server(procs)
    gateway = start_gateway(procs, redis.url)
    print("queue push")
    result = asyncio.run(measure_queue_push(gateway.url, gateway.process.pid, redis.url, sizes.connections))
    _stop_all(procs, gateway)
    procs.stop(redis.process)
    return {"queue_push": result}


def soak(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    """Not in the default run: minutes of steady load, memory growth, a scan of Redis (bench/bench_soak.py)."""
    from bench.bench_soak import run_stack

    return {"soak": run_stack(procs, sizes.soak_minutes, sizes.soak_widgets, sizes.soak_counsellors)}


def capacity(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    """The queue policies under overload, simulated (no processes needed)."""
    from bench.bench_capacity import DOC_PLOT, RESULTS_DIR, run

    stamp = time.strftime("%Y%m%d-%H%M%S")
    return {"capacity": run(sizes.capacity_days, (RESULTS_DIR / f"capacity-{stamp}.png", DOC_PLOT))}


def first_answer(procs: Processes, sizes: Sizes) -> dict[str, Any]:
    """`make run`'s stack (api/launcher.py): the first knowledge answer once /readyz says ready, vs warm ones."""
    from bench.bench_first_answer import run

    print("first answer after ready")
    return {"first_answer": run(procs, warm=sizes.first_answer_warm)}


def script_output(name: str, timeout: float = 900) -> dict[str, Any]:
    """Run bench/<name> (owned by the triage and search helpers) and keep what it prints."""
    path = REPO / "bench" / name
    if not path.exists():
        return {"status": "missing", "output": ""}
    try:
        done = subprocess.run(
            [APP_PY, "-m", f"bench.{path.stem}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_script_env(),
        )
    except subprocess.TimeoutExpired:
        return {"status": f"timed out after {timeout:.0f} s", "output": ""}
    output = done.stdout.strip()
    print("\n".join("  " + line for line in output.splitlines()[-30:]))
    return {"status": "ok" if done.returncode == 0 else f"exit {done.returncode}", "output": output[-6000:]}


def _script_env() -> dict[str, str]:
    from bench.procs import base_env

    return base_env()
