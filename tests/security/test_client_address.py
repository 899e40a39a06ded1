"""Rate limits keyed on the right address (issue 16 item 4), with two real gateways and a real Redis:
forwarded headers count only from LYT_TRUSTED_PROXIES, IPv6 is keyed per /64, one salt (in Redis, with a TTL)
is shared by every replica, and no address is ever stored."""

from __future__ import annotations

import httpx
import redis

from api import redis_keys
from api.client_address import rate_key
from tests.conftest import GatewayFactory

LIMIT = "3"  # LYT_CONVERSATIONS_PER_IP_HOUR in these tests


def _create(base: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return httpx.post(f"{base}/api/v1/conversations", json={"lang": "da"}, headers=headers, timeout=10).status_code


def test_ipv6_is_keyed_per_64_and_ipv4_as_is() -> None:
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert rate_key("192.0.2.7") == "192.0.2.7" != rate_key("192.0.2.8")


def test_spoofed_forwarded_for_is_ignored_and_the_limit_holds_across_replicas(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    first = gateway_factory(LYT_CONVERSATIONS_PER_IP_HOUR=LIMIT)
    second = gateway_factory(LYT_CONVERSATIONS_PER_IP_HOUR=LIMIT)
    codes = [_create(gateway.url, f"203.0.113.{n}") for n, gateway in enumerate([first, second, first, second])]
    # Nobody is a trusted proxy: every request counts against the one real peer, on both replicas.
    assert codes == [200, 200, 200, 429]
    salts = redis_client.keys("lyt:ratesalt:*")
    assert len(salts) == 1 and 0 < redis_client.ttl(salts[0]) <= 25 * 3600


def test_a_trusted_proxy_gives_each_client_its_own_bucket(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    env = {"LYT_CONVERSATIONS_PER_IP_HOUR": LIMIT, "LYT_TRUSTED_PROXIES": '["127.0.0.1"]'}
    first, second = gateway_factory(**env), gateway_factory(**env)
    # Behind the proxy, four young people with their own addresses are not one bucket ...
    assert [_create(first.url, f"198.51.100.{n}") for n in range(4)] == [200] * 4
    # ... and one of them is limited on both replicas, IPv6 by its /64.
    phone = ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff::9", "2001:db8:5:6::abcd"]
    assert [_create(gw.url, ip) for gw, ip in zip([first, second, first, second], phone, strict=True)] == [
        200,
        200,
        200,
        429,
    ]


def test_forwarded_headers_from_an_untrusted_peer_do_not_count(
    gateway_factory: GatewayFactory, redis_client: redis.Redis
) -> None:
    gateway = gateway_factory(LYT_CONVERSATIONS_PER_IP_HOUR=LIMIT, LYT_TRUSTED_PROXIES='["192.0.2.1"]')
    assert [_create(gateway.url, f"198.51.100.{n}") for n in range(4)] == [200, 200, 200, 429]


def test_no_address_is_stored(gateway_factory: GatewayFactory, redis_client: redis.Redis) -> None:
    gateway = gateway_factory(LYT_TRUSTED_PROXIES='["127.0.0.1"]')
    _create(gateway.url, "198.51.100.77")
    _create(gateway.url, "2001:db8:9:9::1")
    dump = []
    for key in redis_client.scan_iter("*"):
        dump.append(key)
        kind = redis_client.type(key)
        if kind == "string":
            dump.append(str(redis_client.get(key)))
        elif kind == "hash":
            dump.extend(f"{k}={v}" for k, v in redis_client.hgetall(key).items())
        elif kind == "stream":
            dump.extend(str(entry) for entry in redis_client.xrange(key))
    text = "\n".join(dump)
    assert any(k.startswith(redis_keys.rate_limit("conv:")) for k in dump)
    for address in ("198.51.100.77", "2001:db8:9:9", "127.0.0.1"):
        assert address not in text
