"""The warm-up's second half: one throwaway conversation through the gateway's own HTTP routes, in-process.

The warm-up turn (api/services/first_turn.py) warms the path between the processes, but not the gateway's own
HTTP path: FastAPI's first call of a route (its endpoint context, dependency and body parsing, response
serialisation), the token check, the message route's store and emit stages (idempotency, events stream,
pub/sub, the final pipeline) and the delete route. So after the turn, the gateway sends itself one
conversation through its real routes over `httpx.ASGITransport` (no socket, no uvicorn): POST
/api/v1/conversations, one Danish knowledge question to .../messages (it must come back with an article
card), DELETE the conversation.

Nothing of it is kept beyond what any "delete my chat" leaves:
- the delete route erases the conversation's keys, Rasa's tracker, queue entries and its message rate
  counters; it leaves the tombstone `lyt:deleted:{hash}` (DELETED_TTL, 15 min), as every delete does;
- the hourly `day_stats` count of new conversations is not incremented: the transport marks each request's
  ASGI scope with `WARM_UP_SCOPE_KEY`, which only this in-process call can set (an HTTP request cannot add a
  scope key; no header is read for it), and the create route and the request metrics skip warm-up requests;
- the create route's per-address rate limit is counted under a client "address" of its own
  (`lyt-warmup-<random>`, no real client has it), and that bucket is dropped after the delete, so no real
  address (127.0.0.1 included, which ASGITransport would use by default) is charged;
- nothing identifying is logged (no id, no token; uvicorn's access log never sees in-process calls).
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

import httpx
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from api.services import ratelimit

WARM_UP_SCOPE_KEY = "lyt.warm_up"
CLIENT_PREFIX = "lyt-warmup-"
CONVERSATIONS = "/api/v1/conversations"


class HttpTurnFailed(Exception):
    pass


def is_warm_up(scope: MutableMapping[str, Any]) -> bool:
    """True only for the warm-up's own in-process requests (see the module docstring)."""
    return scope.get(WARM_UP_SCOPE_KEY) is True


class _MarkedAsWarmUp:
    """The app, with every request's scope marked as the warm-up's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[WARM_UP_SCOPE_KEY] = True
        await self.app(scope, receive, send)


def _expect(response: httpx.Response, status: int, step: str) -> None:
    if response.status_code != status:
        raise HttpTurnFailed(f"{step}: HTTP {response.status_code}")


async def run_http_turn(app: Starlette, redis: Redis, question: str) -> None:
    """Create a conversation, ask `question`, delete it, all through the app's routes. Raises HttpTurnFailed
    unless each step answered as for a young person and the answer carried an article card."""
    from api.routers.conversations import conversation_rate_bucket  # that router imports `is_warm_up` from here

    address = CLIENT_PREFIX + secrets.token_hex(8)
    transport = httpx.ASGITransport(app=_MarkedAsWarmUp(app), client=(address, 0))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://lyt-warm-up") as client:
            created = await client.post(CONVERSATIONS, json={"lang": "da"})
            _expect(created, 200, "create")
            body = created.json()
            path, auth = f"{CONVERSATIONS}/{body['conversation_id']}", {"Authorization": f"Bearer {body['token']}"}
            try:
                answer = await client.post(f"{path}/messages", json={"text": question}, headers=auth)
                _expect(answer, 200, "message")
                if not any(event.get("article") for event in answer.json()["events"]):
                    raise HttpTurnFailed("message: no article card in the answer")
            finally:
                _expect(await client.delete(path, headers=auth), 204, "delete")
    finally:
        await ratelimit.forget(redis, conversation_rate_bucket(app.state.ip_hasher, address), 3600)
