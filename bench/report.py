"""Markdown for benchmark results, and the update of docs/PERFORMANCE.md.

docs/PERFORMANCE.md is shared: each generated block sits between `<!-- bench:NAME -->` and
`<!-- /bench:NAME -->` and only those lines are replaced. Prose and other people's sections outside
the markers are kept as they are; a block whose markers are missing is appended under its title.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.bench_capacity import render as capacity_render
from bench.bench_first_answer import render as first_answer_render
from bench.bench_queue_push import render as queue_push_render
from bench.bench_scale_out import cores_needed
from bench.bench_soak import render as soak_render

TITLES = {
    "whole-stack": "Whole stack: Lyt vs stock `rasa init`",
    "long-conversation": "Long conversations",
    "micro": "Micro-benchmarks",
    "connections": "Connections",
    "scale-out": "Scale-out",
    "soak": "Soak",
    "queue-push": "Live queue positions",
    "capacity": "Capacity simulation",
    "first-answer": "First answer after ready",
}


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _lat(result: dict[str, Any]) -> str:
    return f"{_f(result.get('p50_ms'))} / {_f(result.get('p95_ms'))} / {_f(result.get('p99_ms'))}"


def whole_stack(data: dict[str, Any]) -> str:
    setup = data.get("lyt_setup", {})
    lines = [
        f"Lyt setup: tracker store `{setup.get('tracker_store')}`, Rasa workers {setup.get('rasa_workers')}, "
        f"gateway workers {setup.get('gateway_workers')}, triage {setup.get('triage')}, model `{setup.get('model')}`."
    ]
    for scenario in data.get("scenarios", []):
        lines += ["", *_scenario(scenario)]
    return "\n".join(lines)


def _scenario(data: dict[str, Any]) -> list[str]:
    mix = ", ".join(f"{k} {v:.0%}" for k, v in data.get("mix", {}).items())
    turns = data.get("conversation_turns")
    how = (
        f"each virtual user keeps one conversation for {turns} turns" if turns else "scripted conversations, 3–12 turns"
    )
    lines = [
        f"**Conversations: {how}.** Message mix: {mix}. Each level: at most {data.get('max_messages')} messages "
        f"or {data.get('max_seconds')} s.",
        "",
        "| concurrency | stock msg/s | Lyt msg/s | throughput Lyt/stock | stock p50 / p95 / p99 ms "
        "| Lyt p50 / p95 / p99 ms | p95 Lyt/stock | target (≥ 2×, ≤ ½ p95) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in data.get("levels", []):
        stock, lyt, r = row.get("stock-rasa", {}), row.get("lyt", {}), row.get("ratios", {})
        lines.append(
            f"| {row['concurrency']} | {_f(stock.get('throughput_msg_s'))} | {_f(lyt.get('throughput_msg_s'))} "
            f"| {_f(r.get('throughput'), 2)}× | {_lat(stock)} | {_lat(lyt)} | {_f(r.get('p95'), 2)}× "
            f"| {_f(r.get('target_met'))} |"
        )
    lines += [
        "",
        "| concurrency | target | messages | errors | answered | with article | handoffs | CPU ms per message, by process |",
    ]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for row in data.get("levels", []):
        for name in ("stock-rasa", "lyt"):
            res = row.get(name)
            if res:
                cpu = ", ".join(f"{k} {v}" for k, v in res.get("cpu_ms_per_msg", {}).items())
                lines.append(
                    f"| {row['concurrency']} | {name} | {res['messages']} | {res['errors']} "
                    f"| {res['answered_share']:.0%} | {res.get('article_share', 0):.0%} | {res['handoffs']} | {cpu} |"
                )
    return lines


def long_conversation(data: dict[str, Any]) -> str:
    turns = data.get("turns", 100)
    lines = [
        f"| variant | turn 1 ms | turn {turns} ms | turn {turns} / turn 1 | turns 2–12 ms | turns {turns - 10}–{turns} ms "
        "| late / early | tracker in Redis | ≤ 1.5× |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in data.get("variants", {}).items():
        if not r.get("conversations"):
            lines.append(f"| {name} | no complete conversation | | | | | | | |")
            continue
        size = r.get("tracker_bytes")
        lines.append(
            f"| {name} | {_f(r.get('turn_1_ms'))} | {_f(r.get(f'turn_{turns}_ms'))} | {_f(r.get('last_over_first'), 2)}× "
            f"| {_f(r.get('early_cycle_ms'))} | {_f(r.get('late_cycle_ms'))} | {_f(r.get('late_over_early'), 2)}× "
            f"| {f'{size / 1024:.0f} kB' if size else '–'} | {_f(r.get('target_met'))} |"
        )
    return "\n".join(lines)


def micro(data: dict[str, Any]) -> str:
    q = data.get("queue", {})
    lines = [f"Queue (`HandoffQueue`, real redis-server) with {q.get('waiting')} conversations waiting:", ""]
    lines += ["| operation | n | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]
    names = {
        "enqueue_at_waiting": "enqueue (new conversation)",
        "claim_at_waiting": "claim (top of the queue)",
        "status_at_waiting": "position + ETA (each waiting message)",
        "dashboard_listing_at_waiting": "dashboard queue listing (top 200)",
        "fill_enqueue": f"enqueue while filling 0 → {q.get('waiting')}",
    }
    for key, label in names.items():
        r = q.get(key)
        if r:
            lines.append(f"| {label} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |")
    lines += ["", f"Redis memory with the queue filled: {q.get('redis_used_memory_mb')} MB.", ""]
    lines += ["| delivery | n | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for key, label in (
        ("dashboard_empty_queue", "enqueue → dashboard, empty queue"),
        ("dashboard_150_waiting", "enqueue → dashboard, 150 waiting"),
    ):
        r = data.get(key)
        if r:
            lines.append(f"| {label} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |")
    c2y = data.get("counsellor_to_youth", {})
    for key, label in (
        ("cross_gateway", "counsellor on gateway B → youth socket on gateway A"),
        ("same_gateway", "same, counsellor on gateway A (baseline)"),
    ):
        r = c2y.get(key)
        if r:
            lines.append(f"| {label} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |")
    if "cross_over_same_p95" in c2y:
        lines += ["", f"Cross-gateway p95 / same-gateway p95: {c2y['cross_over_same_p95']}×."]
    for key in ("triage", "search"):
        r = data.get(key, {})
        lines += ["", f"`bench/bench_{key}.py`: {r.get('status', 'not run')}"]
        if r.get("output"):
            lines += ["", "```", r["output"][-3000:], "```"]
    return "\n".join(lines)


def connections(data: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| sockets open | answered a ping after idling | RSS before | RSS after | per connection | open time "
            "| ping all | ≥ 1,000 under 200 MB |",
            "|---|---|---|---|---|---|---|---|",
            f"| {data.get('open')} / {data.get('requested')} | {data.get('alive_after_idle')} | {data.get('rss_before_mb')} MB "
            f"| {data.get('rss_after_mb')} MB | {data.get('per_connection_kb')} kB | {data.get('open_seconds')} s "
            f"| {data.get('ping_all_seconds')} s | {_f(data.get('target_met'))} |",
            "",
            f"Gateway triage: {data.get('triage')}.",
        ]
    )


def scale_out(data: dict[str, Any]) -> str:
    lines = [
        f"Concurrency {data.get('concurrency')}, {data.get('seconds')} s per measurement.",
        "",
        "| comparison | 1 process msg/s | 2 processes msg/s | throughput 2/1 | p95 1 → 2 ms | with article 1 / 2 "
        "| cores busy 1 / 2 | CPU ms per message (2 processes) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in data.get("rows", []):
        one, two = row["one"], row["two"]
        cpu = ", ".join(f"{k} {v}" for k, v in two.get("cpu_ms_per_msg", {}).items())
        lines.append(
            f"| {row['what']} | {_f(one.get('throughput_msg_s'))} | {_f(two.get('throughput_msg_s'))} "
            f"| {_f(row.get('throughput_ratio'), 2)}× | {_f(one.get('p95_ms'))} → {_f(two.get('p95_ms'))} "
            f"| {one.get('article_share', 0):.0%} / {two.get('article_share', 0):.0%} "
            f"| {_f(cores_needed(one), 2)} / {_f(cores_needed(two), 2)} | {cpu} |"
        )
    return "\n".join(lines)


RENDERERS = {
    "whole-stack": ("whole_stack", whole_stack),
    "long-conversation": ("long_conversation", long_conversation),
    "micro": ("micro", micro),
    "connections": ("connections", connections),
    "scale-out": ("scale_out", scale_out),
    "soak": ("soak", soak_render),
    "capacity": ("capacity", capacity_render),
    "queue-push": ("queue_push", queue_push_render),
    "first-answer": ("first_answer", first_answer_render),
}


def render_blocks(results: dict[str, Any]) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for name, (key, render) in RENDERERS.items():
        if key in results:
            data = results[key]
            blocks[name] = f"Failed: `{data['error']}`" if isinstance(data, dict) and "error" in data else render(data)
    return blocks


def full_report(results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    loads = ", ".join(f"{k}: {v}" for k, v in meta.items() if "load_average" in k)
    head = [f"# Lyt benchmark run {meta.get('started')}", "", f"Machine: {meta.get('machine')}", ""]
    head += [f"1-minute load average (other work on the machine skews the figures): {loads}", ""]
    body = [f"## {TITLES[name]}\n\n{block}\n" for name, block in render_blocks(results).items()]
    return "\n".join(head + body)


def update_performance_doc(path: Path, blocks: dict[str, str], stamp: str) -> None:
    text = path.read_text() if path.exists() else "# Performance\n"
    for name, block in blocks.items():
        start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        generated = f"{start}\n_Figures from `make bench`, run {stamp}._\n\n{block}\n{end}"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _m: generated, text)
        else:
            text = text.rstrip("\n") + f"\n\n## {TITLES[name]}\n\n{generated}\n"
    path.write_text(text if text.endswith("\n") else text + "\n")
