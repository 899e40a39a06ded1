"""Soak test: the whole stack at a steady load for minutes; memory growth and what ends up in Redis.

    .venv/bin/python -m bench.bench_soak [--minutes 10] [--widgets 8] [--counsellors 2] [--no-doc]

Starts redis-server, the Lyt Rasa stack (Rasa + action server, `var/models/lyt.tar.gz`) and one
gateway (bench/procs.py), then for `--minutes`:

- **widgets** (simulated young people, each a loop with 0.3–1.0 s between messages): create a
  conversation, then play one of three kinds of chat — a bot chat from bench/load.py's scripts (some
  with a message carrying personal data: e-mail, Danish phone numbers "+45 12 34 56 78" and
  "12345678", CPR numbers "010203-1234" and "0102031234", street addresses), a chat that asks for a
  person ("/ask_human") and keeps writing while waiting or with the counsellor, or a risk message
  (written here, concern or urgent, some with personal data too). Some bot chats end with "delete my
  chat"; a widget still waiting when it is done leaves the queue.
- **counsellors** (accounts made with `api.services.accounts`, logged in with POST /api/v1/auth/token):
  list the queue, claim the top conversation (409s from concurrent claims or capacity are counted,
  not errors), write a few messages (some with personal data), close with an outcome and a note.

Reported: requests and errors (any status other than the expected one) and p50/p95/p99 latency per
operation kind; RSS of every process (gateway, Rasa, action server, redis-server) after a warm-up
minute and at the end, and the growth per process (target < 5 %); then a scan of the whole Redis
dataset (SCAN every key; GET / HGETALL / LRANGE / XRANGE / ZRANGE / SMEMBERS by type) for IP
addresses (IPv4/IPv6), e-mail addresses, phone and CPR numbers (patterns), and for the exact values
this run sent (digits compared whatever the spacing); and a check that every key under the
conversation prefix has a TTL. Results go to bench/results/soak-<time>.json and .md, and to the
`<!-- bench:soak -->` block of docs/PERFORMANCE.md. `make bench` runs it only when asked
(`--only soak`). Nothing fails on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from typing import Any

import psutil
import redis as redis_sync

from api.services.accounts import create_account
from bench.load import new_client
from bench.procs import Processes, start_gateway, start_lyt_rasa, start_redis_server
from bench.soak_scan import CONVERSATION_PREFIX, SentPersonalData, scan_redis
from bench.soak_traffic import PASSWORD, YOUTH_MESSAGE_OPS, Counsellor, Stats, Widget

__all__ = ["SentPersonalData", "main", "render", "run_stack", "scan_redis", "soak"]

DEFAULT_MINUTES = 10.0
DEFAULT_WIDGETS = 8
DEFAULT_COUNSELLORS = 2
WARM_UP_SECONDS = 60.0
RSS_SAMPLE_SECONDS = 15.0
RSS_GROWTH_TARGET_PCT = 5.0


# --- memory --------------------------------------------------------------------------------------


def rss_mb(pids: dict[str, int]) -> dict[str, float]:
    """RSS of each named process with its children, in MB (NaN when it is gone)."""
    out: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            process = psutil.Process(pid)
            family = [process, *process.children(recursive=True)]
            out[name] = round(sum(p.memory_info().rss for p in family) / 2**20, 1)
        except psutil.Error:
            out[name] = float("nan")
    return out


def redis_memory(redis_url: str) -> dict[str, Any]:
    client = redis_sync.Redis.from_url(redis_url, decode_responses=True)
    try:
        info = client.info("memory")
        return {"used_memory_mb": round(info["used_memory"] / 2**20, 2), "keys": client.dbsize()}
    finally:
        client.close()


async def sample_memory(
    pids: dict[str, int], redis_url: str, began: float, stop: asyncio.Event, series: list[dict[str, Any]]
) -> None:
    while not stop.is_set():
        series.append(
            {"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)}
            | await asyncio.to_thread(redis_memory, redis_url)
        )
        try:
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_SECONDS)
        except TimeoutError:
            pass


def growth(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
    return {name: round((end[name] - start[name]) * 100 / start[name], 2) for name in start if start[name]}


# --- the run ------------------------------------------------------------------------------------


async def soak(
    gateway_url: str,
    redis_url: str,
    pids: dict[str, int],
    minutes: float = DEFAULT_MINUTES,
    widgets: int = DEFAULT_WIDGETS,
    counsellors: int = DEFAULT_COUNSELLORS,
    warm_up_seconds: float | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Drive one gateway for `minutes`; returns the figures (see the module docstring)."""
    seconds = minutes * 60
    warm_up = min(WARM_UP_SECONDS, seconds / 5) if warm_up_seconds is None else warm_up_seconds
    seed = int(time.time()) if seed is None else seed
    stats, sent = Stats(), SentPersonalData()
    run_id = uuid.uuid4().hex[:6]
    names = [f"soak-{run_id}-{i}" for i in range(counsellors)]
    for name in names:
        await create_account(redis_url, name, PASSWORD, "counsellor")
    load_before = round(os.getloadavg()[0], 2)
    series: list[dict[str, Any]] = []
    stop = asyncio.Event()
    began = time.monotonic()
    deadline = began + seconds
    sampler = asyncio.create_task(_sample_after(warm_up, pids, redis_url, began, stop, series))
    async with new_client(widgets + counsellors) as client:
        people = [Widget(gateway_url, client, stats, sent, seed * 1000 + i).run(deadline) for i in range(widgets)]
        people += [
            Counsellor(gateway_url, client, stats, sent, name, seed * 1000 + 500 + i).run(deadline)
            for i, name in enumerate(names)
        ]
        await asyncio.gather(*people)
    elapsed = time.monotonic() - began
    stop.set()
    await sampler
    end = {"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)} | await asyncio.to_thread(
        redis_memory, redis_url
    )
    series.append(end)
    start = series[0]
    load_after = round(os.getloadavg()[0], 2)
    print(f"  load done: {elapsed:.0f} s; scanning Redis ...", flush=True)
    scan = await asyncio.to_thread(scan_redis, redis_url, sent)
    summary = stats.summary()
    rss_growth = growth(start["rss_mb"], end["rss_mb"])
    youth = sum(summary["operations"].get(op, {}).get("n", 0) for op in YOUTH_MESSAGE_OPS)
    counsellor_msgs = summary["operations"].get("counsellor_message", {}).get("n", 0)
    result: dict[str, Any] = {
        "minutes": minutes,
        "widgets": widgets,
        "counsellors": counsellors,
        "seed": seed,
        "elapsed_s": round(elapsed, 1),
        "warm_up_s": round(warm_up, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "messages_sent": youth + counsellor_msgs,
        "youth_messages": youth,
        "counsellor_messages": counsellor_msgs,
        "messages_per_s": round((youth + counsellor_msgs) / elapsed, 2) if elapsed else 0.0,
        **summary,
        "rss_start": start,
        "rss_end": end,
        "rss_growth_pct": rss_growth,
        "rss_target_met": bool(rss_growth) and all(v < RSS_GROWTH_TARGET_PCT for v in rss_growth.values()),
        "rss_series": series,
        "scan": scan,
        "privacy_target_met": scan["found"] == 0 and scan["conversation_keys_without_ttl"] == 0,
    }
    _print(result)
    return result


async def _sample_after(
    warm_up: float,
    pids: dict[str, int],
    redis_url: str,
    began: float,
    stop: asyncio.Event,
    series: list[dict[str, Any]],
) -> None:
    try:
        await asyncio.wait_for(stop.wait(), warm_up)
    except TimeoutError:
        pass
    if not stop.is_set():
        await sample_memory(pids, redis_url, began, stop, series)
    elif not series:
        series.append({"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)} | redis_memory(redis_url))


def _print(r: dict[str, Any]) -> None:
    print(
        f"  {r['elapsed_s']} s, {r['widgets']} widgets, {r['counsellors']} counsellors: {r['messages_sent']} messages "
        f"({r['youth_messages']} youth, {r['counsellor_messages']} counsellor, {r['messages_per_s']}/s), "
        f"{r['requests']} requests, {r['errors']} errors; load average {r['load_average_before']} → {r['load_average_after']}"
    )
    for op, row in r["operations"].items():
        print(f"    {op:24} n={row['n']:6} errors={row['errors']:4} p50 {row.get('p50_ms')} p95 {row.get('p95_ms')} ms")
    for name, pct in r["rss_growth_pct"].items():
        print(f"    RSS {name:8} {r['rss_start']['rss_mb'][name]} → {r['rss_end']['rss_mb'][name]} MB ({pct:+.2f} %)")
    s = r["scan"]
    print(
        f"  Redis scan: {s['keys']} keys, {s['pieces_read']} values read in {s['seconds']} s; found {s['found']} "
        f"{s['found_by_kind']}; conversation keys {s['conversation_keys']}, without TTL "
        f"{s['conversation_keys_without_ttl']}"
    )
    for finding in s["findings"][:10]:
        print(
            f"    FOUND {finding['kind']} in {finding['key']} ({finding['type']}, {finding['where']}): {finding['context']!r}"
        )
    if r["error_samples"]:
        print("  first errors: " + "; ".join(r["error_samples"][:5]))


def run_stack(procs: Processes, minutes: float, widgets: int, counsellors: int) -> dict[str, Any]:
    """Start redis-server, the Lyt Rasa stack and a gateway; soak them; stop them."""
    redis = start_redis_server(procs)
    rasa = start_lyt_rasa(procs, redis.port, "configured")
    gateway = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url)
    pids = {
        "gateway": gateway.process.pid,
        "rasa": rasa.processes[1].pid,
        "actions": rasa.processes[0].pid,
        "redis": redis.process.pid,
    }
    print(f"soak: {minutes} min, {widgets} widgets, {counsellors} counsellors (triage {gateway.triage})", flush=True)
    result = asyncio.run(soak(gateway.url, redis.url, pids, minutes, widgets, counsellors))
    result |= {"triage": gateway.triage, "tracker_store": rasa.tracker_store}
    for process in [gateway.process, *rasa.processes, redis.process]:
        procs.stop(process)
    return result


# --- report ---------------------------------------------------------------------------------------


def render(data: dict[str, Any]) -> str:
    """The `<!-- bench:soak -->` block of docs/PERFORMANCE.md."""
    ops = data.get("operations", {})
    lines = [
        f"{data.get('minutes')} minutes ({data.get('elapsed_s')} s, RSS first sampled after {data.get('warm_up_s')} s of "
        f"warm-up), {data.get('widgets')} widgets and {data.get('counsellors')} counsellors, triage "
        f"{data.get('triage', '–')}, tracker store `{data.get('tracker_store', '–')}`; 1-minute load average "
        f"{data.get('load_average_before')} at the start, {data.get('load_average_after')} at the end.",
        "",
        f"Messages sent: **{data.get('messages_sent')}** ({data.get('youth_messages')} from widgets, "
        f"{data.get('counsellor_messages')} from counsellors; {data.get('messages_per_s')} per second) in "
        f"{data.get('counts', {}).get('conversations', 0)} conversations; {data.get('requests')} requests, "
        f"**{data.get('errors')} errors**"
        + (
            f" ({', '.join(f'{k}: {v}' for k, v in data.get('errors_by_kind', {}).items())})"
            if data.get("errors")
            else ""
        )
        + ".",
        "",
        "| operation | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for op, row in ops.items():
        lines.append(
            f"| {op} | {row['n']} | {row['errors']} | {row.get('p50_ms', '–')} | {row.get('p95_ms', '–')} "
            f"| {row.get('p99_ms', '–')} | {row.get('max_ms', '–')} |"
        )
    tolerated = data.get("tolerated", {})
    if tolerated:
        lines += ["", "Expected conflicts (not errors): " + ", ".join(f"{k}: {v}" for k, v in tolerated.items()) + "."]
    start, end, pct = data.get("rss_start", {}), data.get("rss_end", {}), data.get("rss_growth_pct", {})
    lines += [
        "",
        f"| process | RSS at {start.get('t_s')} s | RSS at {end.get('t_s')} s | growth | < {RSS_GROWTH_TARGET_PCT:.0f} % |",
        "|---|---|---|---|---|",
    ]
    for name, value in pct.items():
        lines.append(
            f"| {name} | {start['rss_mb'][name]} MB | {end['rss_mb'][name]} MB | {value:+.2f} % "
            f"| {'yes' if value < RSS_GROWTH_TARGET_PCT else '**no**'} |"
        )
    lines += [
        "",
        f"Redis: {start.get('keys')} → {end.get('keys')} keys, used memory {start.get('used_memory_mb')} → "
        f"{end.get('used_memory_mb')} MB.",
    ]
    s = data.get("scan", {})
    sent = ", ".join(f"{k} {v}" for k, v in s.get("sent_values", {}).items())
    lines += [
        "",
        f"Redis scan at the end: {s.get('keys')} keys ({', '.join(f'{k} {v}' for k, v in s.get('keys_by_type', {}).items())}), "
        f"{s.get('pieces_read')} values read. Looked for IPv4/IPv6 addresses, e-mail addresses, phone and CPR "
        f"numbers, and the {sum(s.get('sent_values', {}).values())} distinct values sent ({sent}): "
        f"**{s.get('found')} found**"
        + (f" ({', '.join(f'{k} {v}' for k, v in s.get('found_by_kind', {}).items())})" if s.get("found") else "")
        + f". Keys under `{CONVERSATION_PREFIX}`: {s.get('conversation_keys')}, without a TTL: "
        f"**{s.get('conversation_keys_without_ttl')}**. Keys without a TTL, by shape: "
        + (", ".join(f"`{k}` {v}" for k, v in s.get("keys_without_ttl_by_shape", {}).items()) or "none")
        + ".",
    ]
    for f in s.get("findings", [])[:10]:
        lines.append(f"- found {f['kind']} in `{f['key']}` ({f['type']}, {f['where']}): `{f['context']}`")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from bench.run_all import PERFORMANCE_DOC, RESULTS_DIR, machine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES)
    parser.add_argument("--widgets", type=int, default=DEFAULT_WIDGETS)
    parser.add_argument("--counsellors", type=int, default=DEFAULT_COUNSELLORS)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    meta = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    with Processes() as procs:
        data = run_stack(procs, args.minutes, args.widgets, args.counsellors)
    meta["soak_load_average_after"] = round(os.getloadavg()[0], 2)
    results = {"meta": meta, "soak": data}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS_DIR / f"soak-{stamp}.json", RESULTS_DIR / f"soak-{stamp}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(report.full_report(results))
    print(f"wrote {json_path} and {md_path}")
    if not args.no_doc:
        stamp_text = (
            f"{meta['started']}, {meta['machine']}; 1-minute load average before the run {meta['load_average_before']}"
        )
        report.update_performance_doc(PERFORMANCE_DOC, {"soak": render(data)}, stamp_text)
        print(f"updated {PERFORMANCE_DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
