"""The widget survives reloads and dropped connections, and quick exit / delete leave nothing behind."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Route, WebSocketRoute, expect

from tests.browser.conftest import EXIT_URL, PHONE, TabFactory, WidgetStack, WidgetTab

pytestmark = pytest.mark.browser


def stored_ids(tab: WidgetTab) -> list[str]:
    return [e["id"] for e in tab.server_events() if e.get("type") in ("message", "queue", "system")]


def rendered_ids(tab: WidgetTab) -> list[str]:
    return [b["id"] for b in tab.bubbles() if b["id"]]


def send_as_youth(tab: WidgetTab, session: dict[str, Any], text: str) -> None:
    """Store a message in the conversation from outside this tab (as another device of the same person)."""
    response = httpx.post(
        f"{tab.base}/api/v1/conversations/{session['cid']}/messages",
        json={"text": text, "client_msg_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {session['token']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text


def conversation_gone(base: str, session: dict[str, Any], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = httpx.get(
            f"{base}/api/v1/conversations/{session['cid']}/events",
            headers={"Authorization": f"Bearer {session['token']}"},
            timeout=5,
        )
        if response.status_code in (401, 403, 404):
            return True
        time.sleep(0.2)
    return False


def stream_order(event_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in event_id.split("-"))


def wait_for_resume_point(tab: WidgetTab, event_id: str, timeout: float = 10.0) -> dict[str, Any]:
    """The widget's resume point moves only with events read from the socket; wait until it reaches `event_id`."""
    deadline = time.monotonic() + timeout
    while True:
        session = tab.session()
        if session.get("last") and stream_order(session["last"]) >= stream_order(event_id):
            return session
        if time.monotonic() > deadline:
            raise AssertionError(f"resume point {session.get('last')} never reached {event_id}")
        tab.page.wait_for_timeout(100)


def test_reload_mid_conversation_loses_and_duplicates_nothing(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    tab.send_and_wait_reply("hvad er grooming")
    before = rendered_ids(tab)
    assert before and len(set(before)) == len(before)
    newest = max(before, key=stream_order)
    session = wait_for_resume_point(tab, newest)  # the socket has delivered everything shown

    tab.page.goto("about:blank")
    send_as_youth(tab, session, "skrevet mens siden var væk")  # events the tab missed
    tab.goto()  # the same tab loads the page again: sessionStorage is still there
    expect(tab.ui.locator("#lyt-panel")).to_be_visible()  # it was open before the reload
    after = tab.wait_for(lambda items: any(b["text"] == "skrevet mens siden var væk" for b in items))
    tab.page.wait_for_timeout(1500)
    after_ids = rendered_ids(tab)
    assert after_ids[: len(before)] == before
    assert len(set(after_ids)) == len(after_ids), after
    assert any(f"after={session['last']}" in url for url in tab.sockets), tab.sockets
    assert sorted(after_ids) == sorted(stored_ids(tab))

    tab.send_and_wait_reply("tak")
    final = rendered_ids(tab)
    assert len(set(final)) == len(final) and sorted(final) == sorted(stored_ids(tab))
    assert [b for b in tab.bubbles() if b["pending"]] == []


def test_network_drop_and_recovery(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    session = tab.session()

    tab.context.set_offline(True)
    expect(tab.ui.locator("#lyt-panel [role=status]")).to_contain_text("offline")
    tab.type_and_send("skrevet offline")
    pending = tab.wait_for(lambda items: any(b["pending"] for b in items))
    assert [b["text"] for b in pending if b["pending"]] == ["skrevet offline"]
    outbox = json.loads(tab.session_storage()["lyt.outbox"])
    assert [item["text"] for item in outbox] == ["skrevet offline"]
    send_as_youth(tab, session, "fra en anden enhed")  # arrives while this tab is offline
    tab.shot("widget-offline")

    tab.context.set_offline(False)
    tab.wait_for(
        lambda items: (
            not any(b["pending"] for b in items)
            and any(b["text"] == "fra en anden enhed" for b in items)
            and any(b["text"] == "skrevet offline" and b["id"] for b in items)
        )
    )
    tab.page.wait_for_timeout(1500)
    texts = [e.get("text") for e in tab.server_events() if e.get("from") == "user"]
    assert texts.count("skrevet offline") == 1
    ids = rendered_ids(tab)
    assert len(set(ids)) == len(ids) and sorted(ids) == sorted(stored_ids(tab))
    assert json.loads(tab.session_storage()["lyt.outbox"]) == []
    expect(tab.ui.locator("#lyt-panel [role=status]")).to_have_text("")


def test_gateway_restart_reconnects_and_shows_missed_events_once(tab: WidgetTab, stack: WidgetStack) -> None:
    if stack.restart_gateway is None:
        pytest.skip("the gateway is not started by these tests")
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    session = tab.session()
    sockets_before = len(tab.sockets)
    stack.restart_gateway()
    send_as_youth(tab, session, "mens gatewayen genstartede")
    tab.wait_for(lambda items: any(b["text"] == "mens gatewayen genstartede" for b in items), timeout_ms=40_000)
    assert len(tab.sockets) > sockets_before
    assert any("after=" in url for url in tab.sockets[sockets_before:])
    tab.send_and_wait_reply("er du der stadig")
    ids = rendered_ids(tab)
    assert len(set(ids)) == len(ids) and sorted(ids) == sorted(stored_ids(tab))


def test_a_failed_send_is_retried_with_the_same_client_msg_id(tab: WidgetTab) -> None:
    attempts: list[str] = []

    def flaky(route: Route) -> None:
        attempts.append(json.loads(route.request.post_data or "{}")["client_msg_id"])
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    tab.page.route("**/api/v1/conversations/*/messages", flaky)
    tab.goto()
    tab.open()
    tab.type_and_send("prøv igen")
    tab.wait_for(lambda items: any(b["text"] == "prøv igen" and b["id"] for b in items), timeout_ms=30_000)
    assert len(attempts) >= 2 and len(set(attempts)) == 1
    texts = [e.get("text") for e in tab.server_events() if e.get("from") == "user"]
    assert texts.count("prøv igen") == 1


def test_quick_exit_wipes_storage_deletes_the_chat_and_leaves(new_tab: TabFactory) -> None:
    tab = new_tab(viewport=PHONE, is_mobile=True, has_touch=True, allowed=(EXIT_URL,))
    tab.page.route(EXIT_URL + "**", lambda r: r.fulfill(content_type="text/html", body="<title>DMI</title>Vejret"))
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    session = tab.session()
    assert session["cid"] and "lyt.events" in tab.session_storage()
    exit_button = tab.ui.locator("[data-lyt-exit]")
    expect(exit_button).to_be_visible()
    exit_button.click()
    tab.page.wait_for_url(EXIT_URL + "**")
    assert conversation_gone(tab.base, session)

    tab.goto()  # the same tab comes back: nothing of the chat is left
    assert [k for k in tab.session_storage() if k.startswith("lyt.")] == []
    expect(tab.ui.locator("#lyt-panel")).to_be_hidden()
    assert tab.bubbles() == []


def test_quick_exit_is_on_the_launcher_area_and_replaces_history(new_tab: TabFactory) -> None:
    tab = new_tab(allowed=(EXIT_URL,))
    tab.page.route(EXIT_URL + "**", lambda r: r.fulfill(content_type="text/html", body="<title>DMI</title>Vejret"))
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    tab.ui.locator("[data-lyt-close]").click()
    expect(tab.ui.locator("[data-lyt-open]")).to_be_focused()
    expect(tab.ui.locator("[data-lyt-exit]")).to_be_visible()
    tab.ui.locator("[data-lyt-exit]").click()
    tab.page.wait_for_url(EXIT_URL + "**")
    tab.page.go_back()
    assert not tab.page.url.startswith(tab.base), "the chat page must not be in the history"


def test_delete_my_chat(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    first = tab.session()
    tab.ui.locator("[data-lyt-menu]").click()
    tab.ui.locator("[data-lyt-delete]").click()
    assert tab.bubbles() == []
    assert [k for k in tab.session_storage() if k.startswith("lyt.")] == []
    expect(tab.ui.locator("#lyt-panel [role=status]")).to_contain_text("slettet")
    assert tab.page.url.startswith(tab.base)
    assert conversation_gone(tab.base, first)
    tab.send_and_wait_reply("hej igen")
    assert tab.session()["cid"] != first["cid"]


def test_an_event_stored_while_the_socket_was_down_is_shown_after_newer_http_replies(new_tab: TabFactory) -> None:
    """Another writer (here a second device; in production also the still-waiting watcher or a counsellor) stores
    events while this tab's socket is down, and the tab's own HTTP replies then carry newer ids. The socket must
    resume after the last id it delivered, not after the newest id the tab has seen, or those events are lost."""
    tab = new_tab()
    cut = {"on": False}
    live: list[WebSocketRoute] = []
    held: list[WebSocketRoute] = []

    def route(ws: WebSocketRoute) -> None:
        if cut["on"]:
            held.append(ws)  # accepted by the "network" but never reaches the gateway: no events arrive
        else:
            ws.connect_to_server()
            live.append(ws)

    tab.context.route_web_socket(re.compile(r"/ws(\?|$)"), route)
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej")
    session = wait_for_resume_point(tab, max(rendered_ids(tab), key=stream_order))

    cut["on"] = True
    for ws in live:
        ws.close(code=1001, reason="test: the network drops")
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:  # the widget reconnects into the cut
        tab.page.wait_for_timeout(100)
    assert held, "the widget never tried to reconnect"
    send_as_youth(tab, session, "fra en anden enhed")  # stored while this tab's socket is down
    tab.send_and_wait_reply("hvad er grooming")  # over HTTP: its replies have newer ids than the line above
    assert not any(b["text"] == "fra en anden enhed" for b in tab.bubbles())  # the socket really is cut
    assert stream_order(tab.session()["last"]) < stream_order(max(rendered_ids(tab), key=stream_order))

    cut["on"] = False
    for ws in held:
        ws.close(code=1001, reason="test: the network is back")
    tab.wait_for(lambda items: any(b["text"] == "fra en anden enhed" for b in items), timeout_ms=40_000)
    tab.page.wait_for_timeout(1500)
    ids = rendered_ids(tab)
    assert len(set(ids)) == len(ids) and sorted(ids) == sorted(stored_ids(tab))
