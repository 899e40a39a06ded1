"""The authorization matrix (issue 16): every HTTP route and every socket of the gateway, called as each of
{no token, youth of another chat, counsellor not holding, former holder, disabled counsellor, expired token,
token without exp, supervisor} plus the rightful caller (the chat's own young person, the holder) as a
control. Routes are enumerated from app.routes: a new route without a row here fails the test.

"ok" means the call got past authorization (any status but 401 and 403; e.g. 409 for a claim of a chat
already held is fine); sockets answer "ready" or close with 4401 (not authenticated) or 4403 (not allowed).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute

from api.main import create_app
from api.services.accounts import create_account, update_account
from tests.conftest import Gateway, GatewayFactory, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.security.socket_client import auth_result, forged_token, ws

OK = "ok"
PRINCIPALS = (
    "none", "other_youth", "not_holder", "former_holder", "disabled", "expired", "no_exp", "supervisor",
    "own_youth", "holder",
)  # fmt: skip
COUNSELLOR_DENIALS = {"none": 401, "other_youth": 401, "own_youth": 401, "disabled": 401, "expired": 401, "no_exp": 401}

# Expected outcome per class of route; a row below may override single cells.
CLASSES: dict[str, dict[str, Any]] = {
    "public": dict.fromkeys(PRINCIPALS, OK),
    "youth": {p: 403 for p in PRINCIPALS} | {"none": 401, "own_youth": OK},
    "counsellor": {p: OK for p in PRINCIPALS} | COUNSELLOR_DENIALS,
    "holder": {p: OK for p in PRINCIPALS} | COUNSELLOR_DENIALS | {"not_holder": 403, "former_holder": 403},
    "holder_only": {p: OK for p in PRINCIPALS}
    | COUNSELLOR_DENIALS
    | {"not_holder": 403, "former_holder": 403, "supervisor": 403},
    "supervisor": {p: 403 for p in PRINCIPALS} | COUNSELLOR_DENIALS | {"supervisor": OK},
    "youth_socket": {p: 4401 for p in PRINCIPALS} | {"own_youth": "ready"},
    "dashboard_socket": {p: "ready" for p in PRINCIPALS} | {p: 4401 for p in COUNSELLOR_DENIALS},
    "chat_socket": {p: "ready" for p in PRINCIPALS}
    | {p: 4401 for p in COUNSELLOR_DENIALS}
    | {"not_holder": 4403, "former_holder": 4403},
}
C = "/api/v1/conversations/{conversation_id}"
H = "/api/v1/counsellor/conversations/{conversation_id}"
# (method, path) -> (class, JSON body or form)
MATRIX: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/healthz"): ("public", None),
    ("GET", "/readyz"): ("public", None),
    ("GET", "/metrics"): ("public", None),  # outside production; production guards it (docs/SECURITY.md)
    ("GET", "/"): ("public", None),
    ("GET", "/counsellor"): ("public", None),
    ("GET", "/widget/frame"): ("public", None),  # the widget's iframe page (issue 16 item 8)
    ("GET", "/articles"): ("public", None),
    ("GET", "/articles/{article_id}"): ("public", None),
    ("POST", "/api/v1/conversations"): ("public", {"lang": "da"}),
    # Login ignores any bearer token: the right password works for every caller (a wrong one: 401, then 429).
    ("POST", "/api/v1/auth/token"): ("public", {"form": {"username": "lea", "password": "password-lea"}}),
    ("POST", C + "/messages"): ("youth", {"text": "hej"}),
    ("POST", C + "/handoff"): ("youth", None),
    ("POST", C + "/leave-queue"): ("youth", None),
    ("POST", C + "/return-code"): ("youth", None),
    ("GET", C + "/queue"): ("youth", None),
    ("POST", C + "/lang"): ("youth", {"lang": "en"}),
    ("GET", C + "/events"): ("youth", None),
    ("DELETE", C): ("youth", None),
    ("WS", C + "/ws"): ("youth_socket", None),
    ("POST", "/api/v1/auth/refresh"): ("counsellor", None),
    ("GET", "/api/v1/queue"): ("counsellor", None),
    ("POST", "/api/v1/queue/{conversation_id}/claim"): ("counsellor", None),  # 409: held already
    ("GET", "/api/v1/counsellor/conversations"): ("counsellor", None),
    ("GET", H): ("holder", None),
    ("POST", H + "/notes"): ("holder", {"text": "en note"}),
    ("POST", H + "/risk"): ("holder", {"level": "concern", "note": "vurderet"}),
    ("POST", H + "/messages"): ("holder_only", {"text": "hej"}),
    ("POST", H + "/release"): ("holder_only", None),
    ("POST", H + "/transfer"): ("holder_only", {"to": "lea"}),
    ("POST", H + "/close"): ("holder_only", {"outcome": "helped"}),
    ("GET", H + "/emergency-details"): ("holder_only", None),
    # Marking a message for triage review: only the holder (404 here: no such message; past authorization).
    ("POST", H + "/review"): ("holder_only", {"event_id": "1-0", "kind": "missed"}),
    ("POST", H + "/emergency-details"): ("holder_only", None),
    ("GET", "/api/v1/supervisor/overview"): ("supervisor", None),
    ("POST", "/api/v1/supervisor/plan"): ("supervisor", {"conversations_per_hour": 4}),
    ("GET", "/api/v1/supervisor/corrections"): ("supervisor", None),
    ("PATCH", "/api/v1/counsellors/{name}"): ("supervisor", {"capacity": 3, "urgent_capacity": 1}),
    ("WS", "/api/v1/counsellor/ws"): ("dashboard_socket", None),
    ("WS", H + "/ws"): ("chat_socket", None),
}
STAFF = {"kim": "counsellor", "lea": "counsellor", "ole": "counsellor", "dis": "counsellor", "sara": "supervisor"}
UNPROTECTED_MOUNTS = {"/static", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def app_routes() -> set[tuple[str, str]]:
    """Every (method, path) the gateway serves, from app.routes (included routers flattened)."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute):
                found.update((method, route.path) for method in route.methods if method != "HEAD")
            elif isinstance(route, APIWebSocketRoute):
                found.add(("WS", route.path))
            else:
                assert route.path in UNPROTECTED_MOUNTS, f"unknown kind of route {route!r}: add it to the matrix"

    walk(create_app().routes)
    return found


def test_every_route_has_a_matrix_row() -> None:
    routes = app_routes()
    assert routes - MATRIX.keys() == set(), "routes without a row in the authorization matrix"
    assert MATRIX.keys() - routes == set(), "matrix rows for routes that no longer exist"


@dataclass
class World:
    gateway: Gateway
    tokens: dict[str, str | None]
    other_cid: str

    def fresh_chat(self) -> str:
        """A chat held by kim after ole held it (ole: the former holder); its own youth token in tokens."""
        base = self.gateway.url
        cid, token = new_conversation(base)
        events_of(send(base, cid, token, "/ask_human"))
        ole = {"Authorization": f"Bearer {self.tokens['former_holder']}"}
        httpx.post(f"{base}/api/v1/queue/{cid}/claim", headers=ole).raise_for_status()
        httpx.post(f"{base}{H.format(conversation_id=cid)}/transfer", json={"to": "kim"}, headers=ole).raise_for_status()
        self.tokens["own_youth"] = token
        return cid


@pytest.fixture
def world(gateway_factory: GatewayFactory, redis_server: RedisServer) -> Iterator[World]:
    gateway = gateway_factory(
        LYT_CONVERSATIONS_PER_IP_HOUR="100000", LYT_COUNSELLOR_CAPACITY="1000", LYT_QUEUE_ACTIONS_PER_MINUTE="1000"
    )
    for name, role in STAFF.items():
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))

    def login(name: str) -> str:
        response = httpx.post(f"{gateway.url}/api/v1/auth/token", data={"username": name, "password": "password-" + name})
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    other_cid, other_token = new_conversation(gateway.url)
    tokens: dict[str, str | None] = {
        "none": None,
        "other_youth": other_token,
        "not_holder": login("lea"),
        "former_holder": login("ole"),
        "disabled": login("dis"),
        "expired": forged_token("kim", exp=1_000_000),
        "no_exp": forged_token("kim", exp=None),
        "supervisor": login("sara"),
        "holder": login("kim"),
    }
    asyncio.run(update_account(redis_server.url, "dis", disabled=True))
    yield World(gateway, tokens, other_cid)


def call(world: World, method: str, path: str, principal: str, body: Any) -> int | str:
    cid = world.fresh_chat()
    url_path = path.format(conversation_id=cid, article_id="no-such-article", name="lea")
    token = world.tokens[principal]
    if method == "WS":
        return auth_result(ws(world.gateway.url, url_path), token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    form = body.get("form") if isinstance(body, dict) else None
    response = httpx.request(
        method,
        world.gateway.url + url_path,
        headers=headers,
        json=None if form else body,
        data=form,
        timeout=30,
    )
    return OK if response.status_code not in (401, 403) else response.status_code


def test_authorization_matrix(world: World) -> None:
    """Every cell, each on a fresh chat (a call may close, release or delete it); all mismatches reported."""
    wrong = {}
    for method, path in sorted(MATRIX):
        kind, body = MATRIX[(method, path)]
        for principal in PRINCIPALS:
            got, expected = call(world, method, path, principal, body), CLASSES[kind][principal]
            if got != expected:
                wrong[f"{method} {path} as {principal}"] = {"got": got, "expected": expected}
    assert not wrong, json.dumps(wrong, indent=1)
