"""Fault tolerance with real processes: Redis restart, gateway kill, Redis unreachable."""

from __future__ import annotations

import json
import time

import httpx
import redis

from api import redis_keys
from tests.conftest import GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, open_socket, send, ws_url


def test_redis_restart_loses_no_message_and_no_queue_entry(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory()
    waiting, waiting_token = new_conversation(gateway.url)
    events_of(send(gateway.url, waiting, waiting_token, "jeg vil ikke leve mere"))
    cid, token = new_conversation(gateway.url)
    acknowledged = [events_of(send(gateway.url, cid, token, f"besked {i}")) for i in range(5)]
    ids = [e["id"] for batch in acknowledged for e in batch]

    redis_server.restart()

    # The gateway reconnects by itself; everything acknowledged before the restart is there.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = send(gateway.url, cid, token, "efter genstart")
        if response.status_code == 200:
            break
        assert response.status_code == 503  # a clear answer, never a hang
        time.sleep(0.3)
    stored = httpx.get(
        f"{gateway.url}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}
    ).json()["events"]
    assert [e["id"] for e in stored][: len(ids)] == ids
    assert stored[-len(response.json()["events"]) :][0]["text"] == "efter genstart"
    assert redis_client.zscore(redis_keys.QUEUE, waiting) is not None


def test_gateway_killed_and_restarted_widget_resumes_from_last_id(gateway_factory: GatewayFactory) -> None:
    first = gateway_factory()
    second = gateway_factory()
    cid, token = new_conversation(first.url)
    seen = events_of(send(first.url, cid, token, "før nedbrud"))
    last_id = seen[-1]["id"]
    first.kill()
    missed = events_of(send(second.url, cid, token, "mens gatewayen var nede"))
    first.restart()
    with open_socket(ws_url(first.url, cid, last_id), token) as socket:
        got = [json.loads(socket.recv(timeout=10)) for _ in missed]
    assert [e["id"] for e in got] == [e["id"] for e in missed]


def test_redis_unreachable_gives_503_quickly_and_urgent_still_gets_safety_text(
    gateway_factory: GatewayFactory, redis_server: RedisServer
) -> None:
    gateway = gateway_factory()
    cid, token = new_conversation(gateway.url)
    redis_server.process.terminate()
    redis_server.process.wait(10)
    try:
        started = time.monotonic()
        response = send(gateway.url, cid, token, "jeg vil ikke leve mere")
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert elapsed < 10
        body = response.json()
        assert "112" in body.get("safety", "")
    finally:
        redis_server.restart_after_stop()
