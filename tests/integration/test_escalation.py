"""Escalation beyond the dashboard: two gateway processes on one Redis, a real HTTP receiver on 127.0.0.1.

Exactly one alert per conversation and kind, whichever replica sends it, and nothing identifying in it;
a retry after a 500; a webhook that hangs never holds up a message; the waiting young person gets the
second safety message once, live on their socket."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import httpx
import redis

from api.services.accounts import create_account
from api.services.escalation import still_waiting_message
from knowledge.helplines import load_helplines
from tests.conftest import GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.integration.live_socket import wait_for, youth_socket
from tests.webhook_receiver import webhook_receiver

URGENT_EN = "i want to kill myself tonight"


def _alert_env(url: str, wait_seconds: int = 2) -> dict[str, str]:
    return {
        "LYT_ALERT_WEBHOOK_URL": url,
        "LYT_URGENT_WAIT_ALERT_SECONDS": str(wait_seconds),
        "LYT_ALERT_CHECK_SECONDS": "0.5",
        "LYT_ALERT_LANG": "en",
    }


def _metric(base: str, name: str, **labels: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(name + "{"):
            got = ",".join(sorted(line[line.index("{") + 1 : line.index("}")].split(",")))
            if got == wanted:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_one_alert_per_conversation_and_kind_across_two_gateways(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    with webhook_receiver() as receiver:
        one, two = gateway_factory(**_alert_env(receiver.url)), gateway_factory(**_alert_env(receiver.url))
        cid, token = new_conversation(one.url, "en")
        replies = events_of(send(one.url, cid, token, URGENT_EN))
        assert any(e["type"] == "queue" and e.get("position") == 1 for e in replies)

        # The young person, on the other replica, resuming after their own message: on a loaded machine the
        # watcher (2 s) may append the notice before the turn's last reply, so resuming after that reply could
        # skip it (CI 2026-12-04). The turn's own system events are safety messages, hence the text match.
        waiting = still_waiting_message("en")
        with youth_socket(two.url, cid, token, replies[0]["id"]) as socket:
            notice = wait_for(socket, lambda e: e.get("type") == "system" and e.get("text") == waiting, timeout=20)
        assert notice["text"] == still_waiting_message("en") and "id" in notice
        lines = load_helplines()
        assert lines["emergency_112"].display_phone() in notice["text"]
        assert str(lines["bornetelefonen"].display_phone()) in notice["text"]

        receiver.wait_for(1, timeout=20, kind="long_wait")
        time.sleep(3)  # both replicas keep checking every 0.5 s: no second alert of either kind
        bodies = receiver.bodies()

    assert sorted(b["kind"] for b in bodies) == ["long_wait", "no_counsellor"]
    reference = bodies[0]["reference"]
    assert re.fullmatch(r"[0-9A-Z]{6}", reference) and all(b["reference"] == reference for b in bodies)
    for body in bodies:
        assert set(body) == {
            "text", "kind", "level", "reference", "waited_seconds", "queue_length", "counsellors_online", "at",
        }  # fmt: skip
        assert body["level"] == "urgent" and body["queue_length"] == 1 and body["counsellors_online"] == 0
        assert reference in body["text"]
    assert next(b for b in bodies if b["kind"] == "long_wait")["waited_seconds"] >= 2
    everything = b"\n".join(receiver.raw).decode()
    for secret in (cid, token, URGENT_EN, "kill"):
        assert secret not in everything  # no conversation id, no token, no message text

    stored = httpx.get(
        f"{one.url}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["events"]
    assert [e["text"] for e in stored if e["type"] == "system"].count(still_waiting_message("en")) == 1

    # The dashboard shows the same reference on that conversation's queue row.
    asyncio.run(create_account(redis_server.url, "kim", "password-kim", "counsellor"))
    jwt = httpx.post(
        f"{two.url}/api/v1/auth/token", data={"username": "kim", "password": "password-kim"}, timeout=10
    ).json()["access_token"]
    rows = httpx.get(f"{two.url}/api/v1/queue", headers={"Authorization": f"Bearer {jwt}"}, timeout=10).json()
    assert [row["reference"] for row in rows if row["conversation_id"] == cid] == [reference]


def test_alert_retried_after_a_500_and_failures_counted(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    with webhook_receiver(statuses=[500]) as receiver:
        gateway = gateway_factory(**_alert_env(receiver.url, wait_seconds=3600))
        cid, token = new_conversation(gateway.url, "en")
        events_of(send(gateway.url, cid, token, URGENT_EN))
        bodies = receiver.wait_for(2, timeout=30)
        time.sleep(0.5)
    assert [b["kind"] for b in bodies] == ["no_counsellor", "no_counsellor"] and bodies[0] == bodies[1]
    assert receiver.arrived[1] - receiver.arrived[0] >= 0.9  # backed off before the retry
    assert _metric(gateway.url, "lyt_alert_delivery_errors_total", kind="no_counsellor", reason="status_500") == 1
    assert _metric(gateway.url, "lyt_alerts_delivered_total", kind="no_counsellor") == 1


def test_a_webhook_that_hangs_never_holds_up_a_message(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    answer = threading.Event()  # the receiver answers nothing until the test says so
    with webhook_receiver(hold=answer) as receiver:
        gateway = gateway_factory(**_alert_env(receiver.url, wait_seconds=3600))
        cid, token = new_conversation(gateway.url, "en")
        events_of(send(gateway.url, cid, token, URGENT_EN))
        assert len(receiver.wait_for(1, timeout=30)) == 1  # the alert's POST is now hanging in the gateway
        # While it hangs: the waiting young person writes again, and someone new starts a chat.
        reply = events_of(send(gateway.url, cid, token, "are you still there?"))
        other, other_token = new_conversation(gateway.url, "en")
        other_reply = events_of(send(gateway.url, other, other_token, "hi"))
        assert receiver.answered == 0  # both were answered while the webhook had answered nothing
        answer.set()
    assert any(e["type"] == "queue" for e in reply) and other_reply
