"""Two gateway processes on one Redis: the young person on one, the counsellor on the other."""

from __future__ import annotations

import asyncio
import json

import httpx
import redis

from api.services.accounts import create_account
from tests.conftest import GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, open_socket, send, ws_url


def test_delivery_both_ways_across_two_gateways(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    """A flushed Redis (redis_client): an earlier test's chats held by "kim" would fill kim's capacity (409)."""
    youth_side, counsellor_side = gateway_factory(), gateway_factory()
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    jwt = httpx.post(
        f"{counsellor_side.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {jwt}"}

    cid, token = new_conversation(youth_side.url)
    last = events_of(send(youth_side.url, cid, token, "/ask_human"))[-1]["id"]
    httpx.post(f"{counsellor_side.url}/api/v1/queue/{cid}/claim", headers=auth).raise_for_status()

    counsellor_ws = counsellor_side.url.replace("http://", "ws://") + (
        f"/api/v1/counsellor/conversations/{cid}/ws?after={last}"
    )
    with (
        open_socket(ws_url(youth_side.url, cid, last), token) as youth,
        open_socket(counsellor_ws, jwt) as counsellor,
    ):
        joined = json.loads(youth.recv(timeout=10))
        assert joined["type"] == "system"
        assert json.loads(counsellor.recv(timeout=10))["id"] == joined["id"]

        httpx.post(
            f"{counsellor_side.url}/api/v1/counsellor/conversations/{cid}/messages",
            json={"text": "Hej, jeg er her"},
            headers=auth,
        ).raise_for_status()
        to_youth = json.loads(youth.recv(timeout=10))
        assert to_youth["from"] == "counsellor" and to_youth["text"] == "Hej, jeg er her"
        assert json.loads(counsellor.recv(timeout=10))["id"] == to_youth["id"]

        events_of(send(youth_side.url, cid, token, "tak, jeg har det svært"))
        to_counsellor = json.loads(counsellor.recv(timeout=10))
        assert to_counsellor["from"] == "user" and to_counsellor["text"] == "tak, jeg har det svært"

        counsellor.send(json.dumps({"type": "typing"}))
        typing = json.loads(youth.recv(timeout=10))
        while typing.get("type") != "typing":
            typing = json.loads(youth.recv(timeout=10))
        assert typing["from"] == "counsellor"
