"""Smoke of every benchmark with tiny parameters (seconds): each runs and produces numbers.

Benchmarks never fail on speed, so nothing here asserts a latency or a throughput. The stock-Rasa
comparison is smoked through its driver against a Lyt gateway only (training stock Rasa is too slow
for CI); the gateways run with Rasa down.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.bench_connections import idle_websockets
from bench.bench_delivery import counsellor_to_youth, dashboard_visibility
from bench.bench_long_conversation import summarise, through_gateway
from bench.bench_queue import queue_operations
from bench.bench_queue_push import queue_push
from bench.bench_scale_out import LytWaitingTarget, cores_needed, measure, pair
from bench.bench_soak import SentPersonalData, scan_redis, soak
from bench.bench_whole_stack import compare_levels, ratios
from bench.load import LytTarget, message_mix, percentile
from bench.procs import GatewayHandle, Processes, lyt_endpoints, start_gateway
from bench.stock_rasa import write_endpoints
from tests.conftest import RedisServer


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


@pytest.fixture(scope="module")
def gateways(redis_server: RedisServer) -> Iterator[tuple[GatewayHandle, GatewayHandle]]:
    with Processes() as procs:
        yield start_gateway(procs, redis_server.url), start_gateway(procs, redis_server.url)


async def test_load_driver_against_lyt(gateways: tuple[GatewayHandle, GatewayHandle]) -> None:
    gateway = gateways[0]
    result = await compare_levels(
        [LytTarget([gateway.url])],
        (1, 2),
        max_messages=8,
        max_seconds=3,
        warmup_messages=2,
        cpu_pids={"lyt": {"gateway": gateway.process.pid}},
    )
    for row in result["levels"]:
        lyt = row["lyt"]
        assert lyt["messages"] > 0 and lyt["errors"] == 0
        assert all(_number(lyt[k]) for k in ("throughput_msg_s", "p50_ms", "p95_ms", "p99_ms"))
        assert _number(lyt["cpu_ms_per_msg"]["gateway"])
    assert sum(result["mix"].values()) == pytest.approx(1.0, abs=0.01)


def test_ratios_and_percentiles() -> None:
    r = ratios({"throughput_msg_s": 40.0, "p95_ms": 100.0}, {"throughput_msg_s": 20.0, "p95_ms": 400.0})
    assert r["throughput"] == 2.0 and r["p95"] == 0.25 and r["target_met"] is True
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert {"greeting", "knowledge_da", "knowledge_en", "thanks"} <= set(message_mix())


async def test_long_conversation(gateways: tuple[GatewayHandle, GatewayHandle], redis_server: RedisServer) -> None:
    result = await through_gateway(gateways[0].url, turns=3, conversations=1, redis_url=redis_server.url)
    assert _number(result["turn_1_ms"]) and _number(result["last_over_first"])
    synthetic = summarise([[0.01 + 0.0001 * t for t in range(30)]], 30)
    assert _number(synthetic["late_over_early"]) and len(synthetic["curve_ms"]) == 30


async def test_queue_operations(redis_server: RedisServer) -> None:
    result = await queue_operations(f"redis://127.0.0.1:{redis_server.port}/2", waiting=50, samples=10)
    assert result["waiting_after"] == 50
    for key in ("enqueue_at_waiting", "claim_at_waiting", "status_at_waiting", "dashboard_listing_at_waiting"):
        assert _number(result[key]["p99_ms"])


async def test_delivery(gateways: tuple[GatewayHandle, GatewayHandle], redis_server: RedisServer) -> None:
    a, b = gateways
    visible = await dashboard_visibility(a.url, redis_server.url, samples=3, background=2)
    assert visible["n"] == 3 and _number(visible["p95_ms"])
    delivered = await counsellor_to_youth(a.url, b.url, redis_server.url, samples=4)
    assert delivered["missed"] == 0 and _number(delivered["cross_gateway"]["p95_ms"])


async def test_idle_connections(gateways: tuple[GatewayHandle, GatewayHandle]) -> None:
    result = await idle_websockets(gateways[1].url, gateways[1].process.pid, connections=20)
    assert result["open"] == 20 and result["alive_after_idle"] == 20
    assert _number(result["rss_after_mb"]) and _number(result["per_connection_kb"])


async def test_queue_push(gateways: tuple[GatewayHandle, GatewayHandle], redis_server: RedisServer) -> None:
    gateway = gateways[1]
    result = await queue_push(gateway.url, gateway.process.pid, redis_server.url, sockets=20, changes=2)
    assert result["sockets"] == 20 and result["position_on_connect"] and result["missed_updates"] == 0
    assert _number(result["last_socket_p50_ms"]) and _number(result["gateway_cpu_ms_per_change"])
    assert "<!-- bench" not in report.RENDERERS["queue-push"][1](result)


async def test_scale_out_measurement(gateways: tuple[GatewayHandle, GatewayHandle]) -> None:
    a, b = gateways
    one = await measure(LytWaitingTarget([a.url]), {"gateway": a.process.pid}, 2, 10, 3)
    two = await measure(
        LytWaitingTarget([a.url, b.url]), {"gateway": a.process.pid, "gateway 2": b.process.pid}, 2, 10, 3
    )
    row = pair("smoke", one, two)
    assert one["messages"] > 0 and _number(row["throughput_ratio"]) and _number(cores_needed(two))


async def test_soak(gateways: tuple[GatewayHandle, GatewayHandle], redis_server: RedisServer) -> None:
    gateway = gateways[0]
    pids = {"gateway": gateway.process.pid, "redis": redis_server.process.pid}
    result = await soak(gateway.url, redis_server.url, pids, minutes=0.2, widgets=3, counsellors=1, seed=1)
    assert result["messages_sent"] > 0 and _number(result["errors"])
    assert {"create", "message_bot", "login", "queue_list"} <= set(result["operations"])
    assert all(_number(row.get("p95_ms")) for row in result["operations"].values() if row["n"])
    assert set(result["rss_growth_pct"]) == {"gateway", "redis"}
    assert all(_number(v) for v in result["rss_growth_pct"].values())
    scan = result["scan"]
    for key in ("keys", "found", "found_by_kind", "findings", "conversation_keys", "conversation_keys_without_ttl"):
        assert key in scan
    assert scan["keys"] > 0 and scan["conversation_keys"] > 0
    assert "<!-- bench" not in report.RENDERERS["soak"][1](result)


def test_soak_scan_finds_planted_values(redis_server: RedisServer) -> None:
    """The scan itself: values planted unscrubbed in db 4 are found, and so is a conversation key without TTL."""
    import random

    import redis as redis_sync

    url = f"redis://127.0.0.1:{redis_server.port}/4"
    client = redis_sync.Redis.from_url(url)
    client.flushdb()
    sent = SentPersonalData()
    rng = random.Random(7)
    text = sent.fill("ring {phone_intl} eller {phone_dk}, mail {email}, cpr {cpr_dash}, {address}", rng)
    client.xadd("lyt:conv:abc:events", {"text": text.replace(" ", "  "), "raw": text})
    client.hset("lyt:conv:abc", mapping={"ip": "127.0.0.1", "v6": "2001:db8::1"})
    sent.values["address"].add("Åboulevard 7")  # json.dumps writes "\u00c5boulevard 7", as Rasa's tracker does
    client.set("rasa:tracker:abc", json.dumps({"text": "jeg bor på Åboulevard 7"}))
    client.expire("lyt:conv:abc", 60)
    client.close()
    scan = scan_redis(url, sent)
    assert {"ipv4", "ipv6", "email", "cpr", "sent phone", "sent email", "sent cpr", "sent address"} <= set(
        scan["found_by_kind"]
    )
    assert scan["conversation_keys_without_ttl"] == 1
    assert any(f["key"] == "rasa:tracker:abc" and f["kind"] == "sent address" for f in scan["findings"])


def test_endpoint_files(tmp_path: Path) -> None:
    assert "BoundedRedisTrackerStore" in lyt_endpoints("bounded", 10).read_text()
    assert "key_prefix: stocklock" in write_endpoints(tmp_path, 6379, 5055).read_text()


def test_report_keeps_other_sections(tmp_path: Path) -> None:
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n## Capacity simulation\n\nSomeone else's text.\n")
    results = {
        "connections": {
            "open": 5,
            "requested": 5,
            "alive_after_idle": 5,
            "rss_before_mb": 70.0,
            "rss_after_mb": 71.0,
            "per_connection_kb": 80.0,
            "open_seconds": 0.1,
            "ping_all_seconds": 0.1,
            "target_met": True,
        },
        "micro": {"error": "RuntimeError: boom"},
    }
    report.update_performance_doc(doc, report.render_blocks(results), "first")
    report.update_performance_doc(doc, report.render_blocks(results), "second")
    text = doc.read_text()
    assert "Someone else's text." in text and text.count("<!-- bench:connections -->") == 1
    assert "run second" in text and "run first" not in text and "Failed: `RuntimeError: boom`" in text
    assert report.full_report(results).startswith("# Lyt benchmark run")


def test_capacity_simulation_section(tmp_path: Path) -> None:
    """A short run of the capacity section: every policy at every overload, a plot, and the report."""
    from bench.bench_capacity import OVERLOADS, render, run

    data = run(days=2, plot_paths=(tmp_path / "capacity.png",))
    assert len(data["rows"]) == len(OVERLOADS) * 5
    assert set(data["urgent_within_5_min_at_3x"]) >= {"fifo", "reserved_stretch"}
    assert (tmp_path / "capacity.png").stat().st_size > 1000
    text = render(data)
    assert "reserved_stretch" in text and "conversations/hour" in text
