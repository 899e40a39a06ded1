""" "Delete my chat" while a bot turn is in flight (issue 16 item 5), with the real stack: gateway, trained Rasa
model, action server, Redis. Afterwards nothing of the conversation is left anywhere in Redis, Rasa's tracker
included: the tombstone makes every late writer (the gateway's final writes, Rasa's tracker save) erase what it
wrote."""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import redis

from api import redis_keys
from tests.conftest import GatewayFactory, RasaStack, RedisServer
from tests.integration.helpers import new_conversation, send

QUESTIONS = ["hvordan laver man pandekager med blåbær", "jeg kan ikke sove om natten", "hvad er en god ven"]


def _everything(url: str) -> str:
    """Every key and every value in Redis, as text (a full scan: the test's Redis holds only this test).
    Raw bytes: some values are binary (embeddings handed to the action server)."""
    client = redis.Redis.from_url(url)
    parts: list[bytes] = []
    for key in client.scan_iter("*"):
        parts.append(key)
        kind = client.type(key)
        if kind == b"string":
            parts.append(client.get(key) or b"")
        elif kind == b"hash":
            parts.extend(k + b"=" + v for k, v in client.hgetall(key).items())
        elif kind == b"list":
            parts.extend(client.lrange(key, 0, -1))
        elif kind == b"set":
            parts.extend(client.smembers(key))
        elif kind == b"zset":
            parts.extend(client.zrange(key, 0, -1))
        elif kind == b"stream":
            parts.extend(repr(entry).encode() for entry in client.xrange(key))
    client.close()
    return b"\n".join(parts).decode("utf-8", "replace")


def _timed_turn(base: str, question: str) -> float:
    cid, token = new_conversation(base)
    started = time.perf_counter()
    assert send(base, cid, token, question).status_code == 200
    elapsed = time.perf_counter() - started
    assert _delete(base, cid, token).status_code == 204  # the timing chat goes too: its words are no leak below
    return elapsed


def _delete(base: str, cid: str, token: str) -> httpx.Response:
    return httpx.delete(f"{base}/api/v1/conversations/{cid}", headers={"Authorization": f"Bearer {token}"})


def test_delete_during_a_bot_turn_leaves_nothing(
    rasa_stack: RasaStack, gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory(rasa_url=rasa_stack.rasa_url, ACTION_SERVER_URL=rasa_stack.actions_url)
    warm_cid, warm_token = new_conversation(gateway.url)
    assert send(gateway.url, warm_cid, warm_token, "hej").status_code == 200  # Rasa and the actions are warm
    # How long one bot turn takes on this machine (the fastest of three), so the DELETEs can be aimed inside it
    # whatever the machine's speed: fixed delays missed on a fast CI machine.
    turn_seconds = min(_timed_turn(gateway.url, question) for question in QUESTIONS)
    fractions = (0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85)
    raced = 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        # Delays spread over the measured turn, stopping once three DELETEs landed mid-turn (21 attempts at most).
        attempts = [(fraction * turn_seconds, q) for fraction in fractions for q in QUESTIONS]
        for delay, question in attempts:
            if raced >= 3:
                break
            cid, token = new_conversation(gateway.url)
            turn = pool.submit(send, gateway.url, cid, token, question)
            time.sleep(delay)
            deleted = _delete(gateway.url, cid, token)
            assert deleted.status_code == 204
            raced += not turn.done()  # the DELETE came back while the bot turn was still in flight
            turn.result(timeout=30)
            time.sleep(0.3)  # Rasa saves its tracker before it answers; give stragglers a moment
            everything = _everything(redis_server.url)
            assert cid not in everything, [line for line in everything.splitlines() if cid in line][:5]
            assert redis_client.exists(redis_keys.rasa_tracker(cid)) == 0
            assert question not in everything, "the content gap went with the chat"
            assert redis_client.exists(redis_keys.deleted(cid)) == 1  # the tombstone (a hash, never the cid)
            assert 0 < redis_client.ttl(redis_keys.deleted(cid)) <= redis_keys.DELETED_TTL_SECONDS
    assert raced >= 3, "the DELETE must land while turns are in flight for this test to mean anything"
