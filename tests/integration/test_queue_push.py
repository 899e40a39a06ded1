"""Live queue positions across two gateway processes on one Redis: the young person's socket on one, the
counsellors claiming on the other. Positions arrive without the young person writing, the current one on
every (re)connect, and at most one per conversation every 2 s (the latest after the window)."""

from __future__ import annotations

import asyncio
import threading

import httpx
import redis

from api.services.accounts import create_account
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.integration.live_socket import collect, next_event, pushed_position, wait_for, youth_socket

COUNSELLOR_ENV = {"LYT_COUNSELLOR_CAPACITY": "10", "LYT_RESERVED_URGENT_SLOTS": "0"}


def _counsellor(redis_server: RedisServer, gateway: Gateway) -> dict[str, str]:
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    jwt = httpx.post(
        f"{gateway.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"}, timeout=10
    ).json()["access_token"]
    return {"Authorization": f"Bearer {jwt}"}


def _waiting(gateway: Gateway) -> tuple[str, str, str]:
    """A conversation that asked for a person; returns (cid, token, id of its last stored event)."""
    cid, token = new_conversation(gateway.url, "en")
    return cid, token, events_of(send(gateway.url, cid, token, "/ask_human"))[-1]["id"]


def _claim(gateway: Gateway, auth: dict[str, str], cid: str) -> None:
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=auth, timeout=10).raise_for_status()


def test_position_pushed_across_gateways_and_sent_again_on_reconnect(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    youth_side, counsellor_side = gateway_factory(**COUNSELLOR_ENV), gateway_factory(**COUNSELLOR_ENV)
    auth = _counsellor(redis_server, counsellor_side)
    first, _, _ = _waiting(youth_side)
    cid, token, last = _waiting(youth_side)

    with youth_socket(youth_side.url, cid, token, last) as socket:
        on_connect = next_event(socket)  # nothing stored after `last`: the current place comes first
        assert pushed_position(on_connect) and on_connect["position"] == 2
        assert on_connect["text"].startswith("You are number 2")

        _claim(counsellor_side, auth, first)  # on the other replica
        moved = wait_for(socket, pushed_position, timeout=5)
        assert moved["position"] == 1 and "eta_seconds" in moved and moved["eta_text"]

    stored = httpx.get(
        f"{youth_side.url}/api/v1/conversations/{cid}/events?after={last}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["events"]
    assert stored == []  # pushed positions are status, not part of the stored conversation

    with youth_socket(counsellor_side.url, cid, token, last) as again:  # reconnect, to the other replica
        assert next_event(again)["position"] == 1


def test_changes_within_two_seconds_are_coalesced_to_the_latest(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    youth_side, counsellor_side = gateway_factory(**COUNSELLOR_ENV), gateway_factory(**COUNSELLOR_ENV)
    auth = _counsellor(redis_server, counsellor_side)
    ahead = [_waiting(youth_side)[0] for _ in range(3)]
    cid, token, last = _waiting(youth_side)

    with youth_socket(youth_side.url, cid, token, last) as socket:
        assert next_event(socket)["position"] == 4
        collect(socket, 2.2)  # let the connect's own window pass
        # Three moves in a burst, from another thread: this one reads the socket meanwhile, so each push is
        # timed when it arrives (not when the claims are done).
        burst = threading.Thread(target=lambda: [_claim(counsellor_side, auth, other) for other in ahead])
        burst.start()
        pushes = [(at, e) for at, e in collect(socket, 5.0) if pushed_position(e)]
        burst.join()

    positions = [e["position"] for _, e in pushes]
    assert positions[-1] == 1 and len(pushes) <= 2, positions  # the burst: at most one now, the latest later
    if len(pushes) == 2:
        assert pushes[1][0] - pushes[0][0] >= 1.8  # never two within the 2 s window
        assert positions[0] > 1  # the first went out at once, the latest after the window
