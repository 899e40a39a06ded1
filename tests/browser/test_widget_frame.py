"""The widget in its own iframe on a partner page of another origin (issue 16 item 8), in a real Chromium.

The partner page is served by a small HTTP server of its own at http://localhost:PORT, the gateway at
http://localhost:OTHER (cross-origin, same site) or http://127.0.0.1:OTHER (cross-site, as most partner sites
are): the widget's iframe is cross-origin to the partner page either way. (A page Playwright fulfils itself
counts as a public address and may not load a loopback script, hence the real server.) A cross-site iframe in
a browser that blocks third-party storage (as Playwright's contexts do, like a private window) gets no
sessionStorage at all: the chat then works from memory (a reload starts afresh), still with nothing in the
partner page.
- a script of the partner page reads nothing of the chat: not the iframe's document or storage, not its own
  storage (the widget keeps nothing there), not the page's DOM, not a message the iframe posts;
- quick exit leaves for LYT_EXIT_URL (a gateway setting) from the cross-origin iframe, replacing the partner
  page in the history, and the chat is deleted;
- an origin not in LYT_WIDGET_FRAME_ANCESTORS gets no widget (CSP frame-ancestors), one listed does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import redis
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, FRAME, PHONE
from tests.conftest import Gateway, GatewayFactory

pytestmark = pytest.mark.browser

EXIT = "https://exit.example/vejret?fra=lyt"
SECRET_TEXT = "min hemmelighed er blå 4711"
LIMITS = {"LYT_CONVERSATIONS_PER_IP_HOUR": "1000", "LYT_MESSAGES_PER_MINUTE": "600"}
PARTNER = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title></head>
<body><main><h1>Partnerens side</h1><p>Indhold.</p></main>
<script src="{gateway}/static/widget/widget.js" data-lang="da" async></script></body></html>"""
# What any analytics or session-replay script on the partner page could do (runs in the top page only).
SPY = """
if (window.top === window) {
  window.__seen = [];
  window.addEventListener('message', e => window.__seen.push(JSON.stringify(e.data)), true);
}
"""
READ_ALL = """() => {
  const f = document.querySelector('iframe[data-lyt-frame]');
  const out = {};
  try { out.doc = f.contentDocument === null ? null : 'readable'; } catch (e) { out.doc = 'error'; }
  try { out.storage = Object.keys(f.contentWindow.sessionStorage).length; } catch (e) { out.storage = 'blocked'; }
  out.own = [...Object.keys(sessionStorage), ...Object.keys(localStorage)];
  out.cookies = document.cookie;
  out.html = document.documentElement.outerHTML;
  out.seen = window.__seen || [];
  return out;
}"""


class PartnerSite:
    """A partner site on its own loopback server (http://localhost:PORT/partner), embedding `gateway`."""

    def __init__(self) -> None:
        site = self

        class Partner(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = PARTNER.format(gateway=site.gateway).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.gateway = ""
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        self.url = self.origin + "/partner"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def sites() -> Iterator[Callable[[], PartnerSite]]:
    started: list[PartnerSite] = []

    def make() -> PartnerSite:
        started.append(PartnerSite())
        return started[-1]

    yield make
    for site in started:
        site.server.shutdown()
        site.server.server_close()


def _stack(
    sites: Callable[[], PartnerSite], factory: GatewayFactory, cross_site: bool = False, **env: str
) -> tuple[PartnerSite, Gateway]:
    """A partner site and a gateway that lets it embed the widget (tests run with LYT_ENV=test: 'self' only)."""
    site = sites()
    gateway = factory(LYT_WIDGET_FRAME_ANCESTORS=json.dumps([site.origin]), **env, **LIMITS)
    site.gateway = gateway.url if cross_site else gateway.url.replace("//127.0.0.1:", "//localhost:")
    return site, gateway


@pytest.fixture
def partner(chromium: Browser, redis_client: redis.Redis) -> Iterator[Any]:
    """Opens a partner page (another origin) in a fresh browser context."""
    contexts = []

    def open_partner(url: str, **options: Any) -> Page:
        context = chromium.new_context(viewport=options.pop("viewport", DESKTOP), service_workers="block", **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(SPY)
        page.goto(url)
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_partner
    for context in contexts:
        context.close()


def _frame_storage(page: Page) -> dict[str, str] | None:
    """The iframe's own sessionStorage (None where the browser gives a cross-site frame none)."""
    handle = page.locator(FRAME).element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    result: dict[str, str] | None = frame.evaluate(
        "() => { try { return Object.fromEntries(Object.entries(sessionStorage)); } catch (e) { return null; } }"
    )
    return result


def _gone(base: str, cid: str, token: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.get(f"{base}/api/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"})
        if r.status_code in (401, 403, 404):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("cross_site", [False, True], ids=["same-site", "cross-site"])
def test_a_partner_script_reads_nothing_of_the_chat(
    partner: Any, sites: Callable[[], PartnerSite], gateway_factory: GatewayFactory, cross_site: bool
) -> None:
    site, gateway = _stack(sites, gateway_factory, cross_site=cross_site)
    page = partner(site.url)
    ui = page.frame_locator(FRAME)
    ui.locator("[data-lyt-open]").click()
    box = ui.locator("[data-lyt-input]")
    box.fill(SECRET_TEXT)
    box.press("Enter")
    expect(ui.locator("[data-lyt-message][data-from=user][data-lyt-id]")).to_contain_text(SECRET_TEXT)
    expect(ui.locator("[data-lyt-message][data-from=system], [data-lyt-message][data-from=bot]").first).to_be_visible()

    stored = _frame_storage(page)  # the chat's state is in the iframe's own storage (or its memory) ...
    if cross_site:
        assert stored is None, "this browser blocks third-party storage: the widget keeps the chat in memory"
        stored_id = ui.locator("[data-lyt-message][data-from=user]").first.get_attribute("data-lyt-id")
        session = {"cid": "", "token": ""}
        assert stored_id, "the message was stored all the same"
    else:
        assert stored is not None
        session = json.loads(stored["lyt.session"])
        assert session["cid"] and session["token"] and SECRET_TEXT in stored["lyt.events"]

    seen = page.evaluate(READ_ALL)  # ... and nowhere a partner script can reach
    assert seen["doc"] is None, "the iframe's document is not readable from the partner page"
    assert seen["storage"] == "blocked", "the iframe's storage is not readable from the partner page"
    assert seen["own"] == [] and seen["cookies"] == "", "the widget keeps nothing in the partner page"
    for secret in filter(None, (SECRET_TEXT, session["token"], session["cid"])):
        assert secret not in seen["html"]
        assert not any(secret in message for message in seen["seen"]), "posted to the partner page"
    assert seen["seen"] and all(json.loads(m).get("lyt") == "layout" for m in seen["seen"]), seen["seen"]
    assert page.errors == []  # type: ignore[attr-defined]


_FRAME_WIDTH_IS = "([sel, w]) => document.querySelector(sel)?.getBoundingClientRect().width === w"
_FRAME_WIDTH_BELOW = "([sel, w]) => (document.querySelector(sel)?.getBoundingClientRect().width ?? w) < w"


def test_quick_exit_goes_to_the_configured_exit_url_from_a_cross_origin_frame(
    partner: Any, sites: Callable[[], PartnerSite], gateway_factory: GatewayFactory
) -> None:
    site, gateway = _stack(sites, gateway_factory, LYT_EXIT_URL=EXIT)
    page = partner(site.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page.route("https://exit.example/**", lambda r: r.fulfill(content_type="text/html", body="<title>Vejret</title>"))
    ui = page.frame_locator(FRAME)
    ui.locator("[data-lyt-open]").click()
    page.wait_for_function(_FRAME_WIDTH_IS, arg=[FRAME, PHONE["width"]])
    box = page.locator(FRAME).bounding_box()
    full_screen = (PHONE["width"], PHONE["height"])
    assert box is not None and (box["width"], box["height"]) == full_screen, "a phone: full screen"
    ui.locator("[data-lyt-handoff]").click()
    expect(ui.locator("[data-lyt-message][data-from=system]").first).to_be_visible()
    stored = _frame_storage(page)
    assert stored is not None
    session = json.loads(stored["lyt.session"])
    ui.locator("[data-lyt-exit]").click()
    page.wait_for_url(EXIT)  # LYT_EXIT_URL, not the old default
    assert _gone(gateway.url, session["cid"], session["token"]), "the chat is deleted"
    page.go_back()
    assert not page.url.startswith(site.url), "the partner page was replaced in the history"

    page.goto(site.url)  # the same tab comes back to the partner page: nothing is left
    expect(page.frame_locator(FRAME).locator("[data-lyt-open]")).to_be_visible()
    assert _frame_storage(page) == {}
    assert page.evaluate(READ_ALL)["own"] == []


def test_the_closed_widget_is_a_small_corner_of_the_page(
    partner: Any, sites: Callable[[], PartnerSite], gateway_factory: GatewayFactory
) -> None:
    site, gateway = _stack(sites, gateway_factory)
    page = partner(site.url)
    ui = page.frame_locator(FRAME)
    expect(ui.locator("[data-lyt-open]")).to_be_visible()
    page.wait_for_function(_FRAME_WIDTH_BELOW, arg=[FRAME, 400])
    frame = page.locator(FRAME).bounding_box()
    launcher = ui.locator("[data-lyt-open]").bounding_box()
    exit_button = ui.locator("[data-lyt-exit]").bounding_box()
    assert frame and launcher and exit_button
    assert frame["width"] < 400 and frame["height"] < 120, frame  # the rest of the page stays clickable
    for inner in (launcher, exit_button):  # both fully inside the iframe
        assert inner["x"] >= frame["x"] and inner["x"] + inner["width"] <= frame["x"] + frame["width"] + 0.5
        assert inner["y"] >= frame["y"] and inner["y"] + inner["height"] <= frame["y"] + frame["height"] + 0.5
    ui.locator("[data-lyt-open]").click()
    # The frame asks its host page to resize it by postMessage: wait for that round trip, not a fixed time.
    page.wait_for_function(_FRAME_WIDTH_IS, arg=[FRAME, 448])
    opened = page.locator(FRAME).bounding_box()
    assert opened and opened["width"] == 448 and opened["height"] == 704, opened
    page.keyboard.press("Escape")
    expect(ui.locator("[data-lyt-open]")).to_be_focused()
    page.wait_for_function(_FRAME_WIDTH_BELOW, arg=[FRAME, 400])
    closed = page.locator(FRAME).bounding_box()
    assert closed and closed["width"] < 400, closed


def test_only_listed_origins_may_embed_the_widget(
    partner: Any, sites: Callable[[], PartnerSite], gateway_factory: GatewayFactory
) -> None:
    listed, gateway = _stack(sites, gateway_factory)
    unlisted = sites()
    unlisted.gateway = gateway.url
    headers = httpx.get(gateway.url + "/widget/frame").headers
    assert f"frame-ancestors {listed.origin};" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
    assert httpx.get(gateway.url + "/").headers["x-frame-options"] == "DENY", "other pages stay unframeable"

    shown = partner(listed.url)
    expect(shown.frame_locator(FRAME).locator("[data-lyt-open]")).to_be_visible()

    refused = partner(unlisted.url)  # the same page on another origin: the browser refuses to show the frame
    refused.wait_for_timeout(2000)
    assert refused.locator(FRAME).count() == 1
    assert refused.frame_locator(FRAME).locator("[data-lyt-open]").count() == 0
