"""Escalation and live queue positions in-process, against a real Redis and a real local HTTP receiver:
alert claims across two watchers (as two replicas), webhook retries, the youth's second safety message,
positions in one Lua call, and the pusher's 2 s window."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator

import pytest
import redis as redis_sync
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from api import redis_keys
from api.services import conversations as convs
from api.services.alerts import Alert, AlertSender, queue_reference, reference_key
from api.services.escalation import UrgentWaitWatcher, still_waiting_message
from api.services.events import read_events
from api.services.hours import parse_opening_hours
from api.services.hub import Hub
from api.services.queue import HandoffQueue, now_ms
from api.services.queue_push import QueuePositionPusher
from knowledge.helplines import load_helplines
from tests.conftest import RedisServer
from tests.webhook_receiver import webhook_receiver

TTL = 3600
KEY = reference_key("unit-test-secret")
ALWAYS_OPEN = parse_opening_hours("mon-sun 00:00-24:00")
DROPPED = "lyt_alerts_dropped_total"


@pytest.fixture
async def redis(redis_server: RedisServer, redis_client: redis_sync.Redis) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


def _queue(redis: Redis) -> HandoffQueue:
    return HandoffQueue(redis, lease_ms=120_000, capacity=3, urgent_capacity=2)


async def _waiting(redis: Redis, queue: HandoffQueue, level: str, lang: str = "da") -> str:
    cid, _ = await convs.create_conversation(redis, lang, TTL)
    await queue.enqueue(cid, level)
    return cid


def _watcher(redis: Redis, sender: AlertSender, threshold: int = 120, hours: str | None = None) -> UrgentWaitWatcher:
    windows = parse_opening_hours(hours) if hours else ALWAYS_OPEN
    return UrgentWaitWatcher(redis, sender, KEY, windows, threshold, 1.0, TTL)


async def _online(redis: Redis, name: str = "kim") -> None:
    await redis.zadd(redis_keys.COUNSELLORS_ONLINE, {name: now_ms()})


async def test_one_alert_per_conversation_and_kind_across_two_watchers(redis: Redis) -> None:
    queue = _queue(redis)
    urgent = await _waiting(redis, queue, "urgent", "en")
    await _waiting(redis, queue, "none")
    with webhook_receiver() as receiver:
        sender = AlertSender(receiver.url, "en")
        sender.start()
        try:
            one, two = _watcher(redis, sender, threshold=0), _watcher(redis, sender, threshold=0)
            results = await asyncio.gather(one.check(), two.check(), one.check(), two.check())
            assert sum(r["alerts"] for r in results) == 2  # long_wait + no_counsellor (nobody online)
            assert sum(r["notices"] for r in results) == 1
            bodies = await asyncio.to_thread(receiver.wait_for, 2)
        finally:
            await sender.stop()
    assert sorted(b["kind"] for b in bodies) == ["long_wait", "no_counsellor"]
    reference = queue_reference(KEY, urgent)
    for body, raw in zip(bodies, receiver.raw, strict=True):
        assert body["reference"] == reference and len(reference) == 6
        assert body["level"] == "urgent" and body["queue_length"] == 2 and body["counsellors_online"] == 0
        assert reference in body["text"] and body["at"].endswith("Z")
        assert urgent.encode() not in raw  # never the conversation id
    notices = [e for e in await read_events(redis, urgent) if e["type"] == "system"]
    assert [e["text"] for e in notices] == [still_waiting_message("en")]


async def test_second_safety_message_carries_the_numbers_from_the_helpline_file() -> None:
    lines = load_helplines()
    for lang in ("da", "en"):
        text = still_waiting_message(lang)
        assert lines["emergency_112"].display_phone() in text
        assert lines["bornetelefonen"].display_phone() in text
    assert "rådgiver" in still_waiting_message("da") and "counsellor" in still_waiting_message("en")


async def test_in_hours_with_counsellors_online_only_a_long_wait_alerts(redis: Redis) -> None:
    queue = _queue(redis)
    await _waiting(redis, queue, "urgent")
    await _online(redis)
    sender = AlertSender(None)  # no webhook: claims and the youth notice still happen
    assert await _watcher(redis, sender, threshold=3600).check() == {"alerts": 0, "notices": 0}
    assert await _watcher(redis, sender, threshold=0).check() == {"alerts": 1, "notices": 1}


async def test_out_of_hours_alerts_instead_of_no_counsellor(redis: Redis) -> None:
    queue = _queue(redis)
    cid = await _waiting(redis, queue, "urgent")
    today = time.strftime("%a").lower()
    other_day = "tue" if today != "tue" else "wed"
    with webhook_receiver() as receiver:
        sender = AlertSender(receiver.url)
        sender.start()
        try:
            assert (await _watcher(redis, sender, hours=f"{other_day} 10:00-11:00").check())["alerts"] == 1
            bodies = await asyncio.to_thread(receiver.wait_for, 1)
        finally:
            await sender.stop()
    assert [b["kind"] for b in bodies] == ["out_of_hours"]
    assert bodies[0]["reference"] == queue_reference(KEY, cid)
    assert "uden for åbningstiden" in bodies[0]["text"]  # Danish by default


async def test_retries_after_a_500_then_delivers() -> None:
    with webhook_receiver(statuses=[500, 503]) as receiver:
        sender = AlertSender(receiver.url, first_backoff_seconds=0.05)
        sender.start()
        try:
            assert sender.submit(Alert("long_wait", "ABC123", 200, 3, 1))
            bodies = await asyncio.to_thread(receiver.wait_for, 3)
            await asyncio.sleep(0.1)
        finally:
            await sender.stop()
    assert len(bodies) == 3 and bodies[0] == bodies[2]
    assert bodies[0]["text"].startswith("Lyt: en akut samtale (ABC123) har ventet 3 min")


async def test_a_dead_webhook_is_counted_and_the_queue_stays_bounded() -> None:
    def count(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, {"kind": "no_counsellor", **labels}) or 0.0

    dropped_full, given_up = count(DROPPED, reason="queue_full"), count(DROPPED, reason="gave_up")
    # On a loaded 2-core CI runner a refused connect can be reported only after the 2 s connect timeout,
    # so an attempt counts as either reason; the sum is what must be exact.
    reasons = ("connection", "timeout")
    failed = sum(count("lyt_alert_delivery_errors_total", reason=r) for r in reasons)
    other = count("lyt_alert_delivery_errors_total", reason="client_error")
    # A port bound but never listening refuses every connection, and no other test's server can take it meanwhile
    # (a port that was merely free once could be, and then a 404 ends an alert after one attempt).
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))
    sender = AlertSender(f"http://127.0.0.1:{closed.getsockname()[1]}/nobody", attempts=2, first_backoff_seconds=0.01)
    sender.start()
    try:
        # `submit` is not a coroutine: it can never wait for the network. 300 at once overflow the queue.
        accepted = [sender.submit(Alert("no_counsellor", "ABC123", 1, 1, 0)) for _ in range(300)]
        for _ in range(200):
            if count(DROPPED, reason="gave_up") - given_up >= accepted.count(True):
                break
            await asyncio.sleep(0.05)
    finally:
        await sender.stop()
        closed.close()
    assert accepted.count(True) == 256 and count(DROPPED, reason="queue_full") - dropped_full == 44
    assert count(DROPPED, reason="gave_up") - given_up == 256  # each tried twice, then given up
    assert sum(count("lyt_alert_delivery_errors_total", reason=r) for r in reasons) - failed == 512
    assert count("lyt_alert_delivery_errors_total", reason="client_error") == other


async def test_positions_in_one_call_match_the_single_status(redis: Redis) -> None:
    queue = _queue(redis)
    others = [await _waiting(redis, queue, "none") for _ in range(3)]
    concern = await _waiting(redis, queue, "concern", "en")
    not_waiting, _ = await convs.create_conversation(redis, "da", TTL)
    positions = await queue.positions([*others, concern, not_waiting])
    assert not_waiting not in positions
    assert positions[concern].position == 1 and positions[concern].band == 1 and positions[concern].lang == "en"
    for cid in others:
        status = await queue.status(cid)
        assert status is not None
        assert (positions[cid].position, positions[cid].eta_seconds) == (status.position, status.eta_seconds)


def _drain(inbox: asyncio.Queue[str]) -> list[dict[str, object]]:
    items = []
    while not inbox.empty():
        items.append(json.loads(inbox.get_nowait()))
    return items


async def test_pusher_sends_the_current_place_then_changes_at_most_once_per_window(redis: Redis) -> None:
    queue = _queue(redis)
    ahead = [await _waiting(redis, queue, "none") for _ in range(3)]
    mine = await _waiting(redis, queue, "none", "en")
    pusher = QueuePositionPusher(queue, Hub(redis), min_interval=0.6)
    inbox: asyncio.Queue[str] = asyncio.Queue()
    await pusher.watch(mine, inbox)
    on_connect = _drain(inbox)  # right away, in the conversation's language
    assert [e["position"] for e in on_connect] == [4] and "number 4" in str(on_connect[0]["text"])

    await queue.claim(ahead[0], "kim")
    await pusher.refresh()
    first = _drain(inbox)  # connect counted as a send: this change waits for the window
    await queue.claim(ahead[1], "sam")
    await pusher.refresh()
    assert first == [] and _drain(inbox) == []
    await asyncio.sleep(0.7)
    assert [e["position"] for e in _drain(inbox)] == [2]  # the latest only; 3 was skipped

    await asyncio.sleep(0.7)
    await queue.claim(ahead[2], "alex")
    await pusher.refresh()
    pushed = _drain(inbox)
    assert [e["position"] for e in pushed] == [1] and "id" not in pushed[0]  # window over: at once

    await queue.claim(mine, "robin")
    await pusher.refresh()
    await asyncio.sleep(0.7)
    assert _drain(inbox) == []  # no longer waiting: nothing pushed (the stream says "joined")
    pusher.unwatch(mine, inbox)
    assert pusher.watched == 0
