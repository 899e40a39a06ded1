"""Every queue Lua script against a real Redis: ordering, promotion, claims, capacity, leases, estimates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from api import redis_keys
from api.services import conversations as convs
from api.services.queue import HandoffQueue, QueueError, eta_text
from tests.conftest import RedisServer

TTL = 3600


@pytest.fixture
async def aredis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


def make_queue(redis: Redis, capacity: int = 3, urgent_capacity: int = 2, lease_ms: int = 60_000) -> HandoffQueue:
    return HandoffQueue(redis, lease_ms=lease_ms, capacity=capacity, urgent_capacity=urgent_capacity)


async def new_conv(redis: Redis) -> str:
    cid, _ = await convs.create_conversation(redis, "da", TTL)
    return cid


async def test_enqueue_orders_by_band_then_fifo(aredis: Redis) -> None:
    queue = make_queue(aredis)
    first_other, second_other, concern, urgent = [await new_conv(aredis) for _ in range(4)]
    await queue.enqueue(first_other, "none")
    await asyncio.sleep(0.002)
    await queue.enqueue(second_other, "none")
    await queue.enqueue(concern, "concern")
    await queue.enqueue(urgent, "urgent")
    assert await aredis.zrange(redis_keys.QUEUE, 0, -1) == [urgent, concern, first_other, second_other]
    assert await aredis.hget(redis_keys.conversation(urgent), "mode") == "waiting"


async def test_enqueued_in_the_same_millisecond_keep_their_order(aredis: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ties on the clock are broken by arrival, not by id: ids in falling order, all at one frozen millisecond."""
    from api.services import queue as queue_module

    monkeypatch.setattr(queue_module, "now_ms", lambda: 1_800_000_000_000)
    queue = make_queue(aredis)
    cids = sorted([await new_conv(aredis) for _ in range(5)], reverse=True)
    for cid in cids:
        await queue.enqueue(cid, "concern")
    assert await aredis.zrange(redis_keys.QUEUE, 0, -1) == cids
    assert [p.position for p in (await queue.positions(cids)).values()] == [1, 2, 3, 4, 5]
    assert {await aredis.hget(redis_keys.conversation(cid), "enqueued_ms") for cid in cids} == {"1800000000000"}


async def test_enqueue_twice_keeps_one_entry_and_promotes_but_never_demotes(aredis: Redis) -> None:
    queue = make_queue(aredis)
    ahead, cid = await new_conv(aredis), await new_conv(aredis)
    await queue.enqueue(ahead, "concern")
    assert (await queue.enqueue(cid, "none"))[0] == "queued"
    assert (await queue.enqueue(cid, "none"))[0] == "unchanged"
    assert (await queue.enqueue(cid, "urgent"))[0] == "promoted"
    assert (await queue.enqueue(cid, "none"))[0] == "unchanged"
    assert await aredis.zrange(redis_keys.QUEUE, 0, -1) == [cid, ahead]
    assert await aredis.zcard(redis_keys.QUEUE) == 2


async def test_enqueue_of_unknown_conversation_is_refused(aredis: Redis) -> None:
    queue = make_queue(aredis)
    assert (await queue.enqueue("0" * 32, "urgent"))[0] == "missing"
    assert await aredis.zcard(redis_keys.QUEUE) == 0


async def test_hundred_concurrent_claims_have_exactly_one_winner(aredis: Redis, redis_server: RedisServer) -> None:
    cid = await new_conv(aredis)
    await make_queue(aredis).enqueue(cid, "urgent")
    clients = [Redis.from_url(redis_server.url, decode_responses=True) for _ in range(10)]
    queues = [make_queue(client) for client in clients]

    async def attempt(i: int) -> str:
        try:
            await queues[i % 10].claim(cid, f"counsellor{i}")
            return "won"
        except QueueError as exc:
            return exc.reason

    results = await asyncio.gather(*(attempt(i) for i in range(100)))
    for client in clients:
        await client.aclose()
    assert results.count("won") == 1
    assert set(results) - {"won"} == {"not_waiting"}
    winner = results.index("won")
    meta = await aredis.hgetall(redis_keys.conversation(cid))
    assert meta["mode"] == "human" and meta["counsellor"] == f"counsellor{winner}"
    assert await aredis.zscore(redis_keys.QUEUE, cid) is None  # in at most one place
    assert await aredis.zscore(redis_keys.QUEUE_LEASES, cid) is not None


async def test_capacity_rule_reserves_a_slot_for_urgent_and_lets_urgent_stretch(aredis: Redis) -> None:
    # capacity 3, one slot reserved for urgent, urgent may stretch one beyond, at most 2 urgent.
    queue = make_queue(aredis, capacity=3, urgent_capacity=2)
    others = [await new_conv(aredis) for _ in range(3)]
    urgents = [await new_conv(aredis) for _ in range(3)]
    for cid in others:
        await queue.enqueue(cid, "none")
    for cid in urgents:
        await queue.enqueue(cid, "urgent")
    await queue.claim(others[0], "anna")
    await queue.claim(others[1], "anna")
    with pytest.raises(QueueError) as reserved:
        await queue.claim(others[2], "anna")  # the third slot is kept for an urgent chat
    assert reserved.value.reason == "capacity"
    await queue.claim(urgents[0], "anna")  # the reserved slot
    await queue.claim(urgents[1], "anna")  # the stretch slot (4 chats)
    with pytest.raises(QueueError) as full:
        await queue.claim(urgents[2], "anna")
    assert full.value.reason == "capacity"
    await queue.claim(urgents[2], "bo")
    await queue.claim(others[2], "bo")
    with pytest.raises(QueueError):
        await queue.claim(others[2], "carl")
    assert await aredis.zcard(redis_keys.QUEUE) == 0


async def test_urgent_capacity_limits_urgent_chats(aredis: Redis) -> None:
    queue = make_queue(aredis, capacity=5, urgent_capacity=1)
    first, second = await new_conv(aredis), await new_conv(aredis)
    await queue.enqueue(first, "urgent")
    await queue.enqueue(second, "urgent")
    await queue.claim(first, "anna")
    with pytest.raises(QueueError) as urgent_full:
        await queue.claim(second, "anna")
    assert urgent_full.value.reason == "urgent_capacity"


async def test_release_puts_it_back_in_its_original_place(aredis: Redis) -> None:
    queue = make_queue(aredis)
    first, second = await new_conv(aredis), await new_conv(aredis)
    await queue.enqueue(first, "none")
    await asyncio.sleep(0.002)
    await queue.enqueue(second, "none")
    await queue.claim(first, "anna")
    with pytest.raises(QueueError):
        await queue.release(first, "bob")  # only the holder
    await queue.release(first, "anna")
    assert await aredis.zrange(redis_keys.QUEUE, 0, -1) == [first, second]
    assert await aredis.scard(redis_keys.counsellor_held("anna")) == 0
    assert await aredis.zscore(redis_keys.QUEUE_LEASES, first) is None


async def test_transfer_moves_the_hold_and_checks_capacity(aredis: Redis) -> None:
    queue = make_queue(aredis, capacity=2)
    cid, other = await new_conv(aredis), await new_conv(aredis)
    await queue.enqueue(cid, "concern")
    await queue.enqueue(other, "none")
    await queue.claim(cid, "anna")
    await queue.claim(other, "bob")
    with pytest.raises(QueueError) as full:
        await queue.transfer(cid, "anna", "bob")
    assert full.value.reason == "capacity"
    await queue.transfer(cid, "anna", "carl")
    assert await aredis.hget(redis_keys.conversation(cid), "counsellor") == "carl"
    assert await aredis.smembers(redis_keys.counsellor_held("carl")) == {cid}
    assert await aredis.scard(redis_keys.counsellor_held("anna")) == 0
    with pytest.raises(QueueError):
        await queue.transfer(cid, "anna", "bob")


async def test_finish_closes_a_hold_or_leaves_the_queue(aredis: Redis) -> None:
    queue = make_queue(aredis)
    held, waiting = await new_conv(aredis), await new_conv(aredis)
    await queue.enqueue(held, "urgent")
    await queue.enqueue(waiting, "none")
    await queue.claim(held, "anna")
    with pytest.raises(QueueError):
        await queue.finish(held, "bob", "bot")
    await queue.finish(held, "anna", "bot")
    await queue.finish(waiting, "", "bot")
    assert await aredis.zcard(redis_keys.QUEUE) == 0
    assert await aredis.zcard(redis_keys.QUEUE_LEASES) == 0
    assert await aredis.hget(redis_keys.conversation(held), "mode") == "bot"
    assert await aredis.scard(redis_keys.counsellor_held_urgent("anna")) == 0


async def test_leaving_after_a_claim_won_keeps_the_chat_with_the_counsellor(aredis: Redis) -> None:
    """The young person taps "leave the queue" just after a counsellor claimed: the claim stands."""
    queue = make_queue(aredis)
    cid = await new_conv(aredis)
    await queue.enqueue(cid, "concern")
    await queue.claim(cid, "anna")
    with pytest.raises(QueueError) as error:
        await queue.finish(cid, "", "bot")
    assert error.value.reason == "not_waiting"
    assert await aredis.hget(redis_keys.conversation(cid), "mode") == "human"
    assert await aredis.hget(redis_keys.conversation(cid), "counsellor") == "anna"
    assert await aredis.sismember(redis_keys.counsellor_held("anna"), cid)


async def test_expired_lease_is_reaped_back_into_the_queue(aredis: Redis) -> None:
    queue = make_queue(aredis, lease_ms=50)
    cid = await new_conv(aredis)
    await queue.enqueue(cid, "urgent")
    await queue.claim(cid, "vanished")
    await asyncio.sleep(0.1)
    assert await queue.reap_expired_leases() == [cid]
    assert await aredis.zrange(redis_keys.QUEUE, 0, -1) == [cid]
    assert await aredis.hget(redis_keys.conversation(cid), "mode") == "waiting"
    assert await aredis.scard(redis_keys.counsellor_held("vanished")) == 0


async def test_renewed_lease_is_not_reaped(aredis: Redis) -> None:
    queue = make_queue(aredis, lease_ms=200)
    cid = await new_conv(aredis)
    await queue.enqueue(cid, "none")
    await queue.claim(cid, "anna")
    await asyncio.sleep(0.12)
    await queue.renew_lease(cid)
    await asyncio.sleep(0.12)
    assert await queue.reap_expired_leases() == []


async def test_estimate_is_honest(aredis: Redis) -> None:
    queue = make_queue(aredis, capacity=3)
    assert await queue.estimate_wait(0, 1, online=0) is None  # nobody online: no promise
    assert await queue.estimate_wait(2, 1, online=2) == 0
    far = await queue.estimate_wait(2, 7, online=1)
    near = await queue.estimate_wait(2, 2, online=1)
    more_staff = await queue.estimate_wait(2, 7, online=3)
    assert far is not None and near is not None and more_staff is not None
    assert far > near and far > more_staff
    # Waits observed in the band feed the EWMA.
    cid = await new_conv(aredis)
    await queue.enqueue(cid, "urgent")
    await aredis.hset(redis_keys.conversation(cid), "enqueued_ms", 0)  # pretend it waited very long
    await aredis.zadd(redis_keys.QUEUE, {cid: 0})
    await queue.claim(cid, "anna")
    assert float(await aredis.hget(redis_keys.wait_stats(0), "ewma")) > 1000
    assert "minut" in eta_text(600, "da") and "–" in eta_text(600, "en")
    assert eta_text(60, "en") == "In a few minutes."
