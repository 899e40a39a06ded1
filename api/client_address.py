"""The client's address for rate limits, from forwarded headers only when a trusted proxy sent them.

Uvicorn runs with `--no-proxy-headers`; the app applies uvicorn's `ProxyHeadersMiddleware` with the explicit
list in `LYT_TRUSTED_PROXIES` (empty: forwarded headers are ignored from everyone). Behind Caddy, each young
person is keyed by their own address, and nobody else can choose theirs by sending X-Forwarded-For.

The address is never stored: `rate_key` reduces it (IPv6 to its /64, which one household or phone holds)
and `SharedSalt` hashes it with a salt every replica shares through Redis, rotated daily.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import redis_keys

DAY_SECONDS = 86400
log = logging.getLogger("lyt.ratelimit")


def trusted_proxy_middleware(app: ASGIApp, trusted: list[str]) -> ASGIApp:
    """Wrap `app` so X-Forwarded-For/-Proto count only from `trusted` peers (never "*")."""
    hosts = [h for h in trusted if h and h != "*"]
    if not hosts:
        return app
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=hosts))


def rate_key(address: str) -> str:
    """The part of an address that identifies one client: IPv4 as is, IPv6 as its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class SharedSalt:
    """HMAC of a client address with today's salt, one salt for all replicas (kept in Redis with a TTL).

    `hash` is synchronous (it is called inside request handlers); `refresh` loads today's salt from Redis
    (the first replica to ask sets it) and runs at start-up and then every REFRESH_SECONDS, so around
    midnight replicas disagree for at most that long. Before the first refresh a process-local salt is used.
    """

    REFRESH_SECONDS = 30.0

    def __init__(self) -> None:
        self._day = -1
        self._salt = secrets.token_bytes(32)

    def hash(self, address: str) -> str:
        return hmac.new(self._salt, rate_key(address).encode(), hashlib.sha256).hexdigest()[:32]

    async def refresh(self, redis: Redis) -> None:
        day = int(time.time() // DAY_SECONDS)
        key = redis_keys.rate_salt(day)
        # It outlives its day only by an hour (clocks that disagree), then it is gone: yesterday's hashes
        # cannot be recomputed from anything kept.
        await redis.set(key, secrets.token_hex(32), nx=True, ex=DAY_SECONDS + 3600)
        value = await redis.get(key)
        if value:
            self._salt = (value.decode() if isinstance(value, bytes) else str(value)).encode()
            self._day = day

    async def refresh_forever(self, redis: Redis) -> None:
        while True:
            await asyncio.sleep(self.REFRESH_SECONDS)
            try:
                await self.refresh(redis)
            except RedisError as exc:
                log.warning("rate salt: redis error %s", type(exc).__name__)
