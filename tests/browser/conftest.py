"""Fixtures for the widget browser tests: a live stack, headless Chromium, and a page helper.

The stack comes from, in this order:
- `LYT_BASE_URL` (a running gateway; `LYT_TEST_REDIS_URL` and `LYT_TEST_BOT_ONLINE=1` tell what else is there);
- a `live_stack` fixture, if the project provides one;
- a gateway started here (tests/conftest.py fixtures), with the real Rasa stack when the model is trained.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, FrameLocator, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("LYT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MODEL = REPO / "var" / "models" / "lyt.tar.gz"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
EXIT_URL = "https://www.dmi.dk/"
# The loader (static/widget/widget.js) inserts this iframe; every widget hook lives inside it (issue 16 item 8).
FRAME = "iframe[data-lyt-frame]"

BUBBLES_JS = """els => els.map(e => ({
  from: e.getAttribute('data-from'),
  id: e.getAttribute('data-lyt-id'),
  pending: e.hasAttribute('data-pending'),
  text: (e.querySelector('.text') || {textContent: ''}).textContent,
  label: (e.querySelector('.who') || {textContent: ''}).textContent,
  buttons: Array.from(e.querySelectorAll('.btns button')).map(b => b.textContent),
  links: Array.from(e.querySelectorAll('a')).map(a => ({href: a.href, target: a.target, rel: a.rel})),
  card: !!e.querySelector('.card'),
}))"""


@dataclass
class WidgetStack:
    url: str
    redis_url: str | None
    bot_online: bool
    restart_gateway: Callable[[], None] | None = None


def _from_live_stack(live: Any) -> WidgetStack:
    if isinstance(live, str):
        return WidgetStack(live.rstrip("/"), None, True)
    url = getattr(live, "url", None) or getattr(live, "base_url", None) or getattr(live, "gateway_url", None)
    redis_url = getattr(live, "redis_url", None)
    if redis_url is None and getattr(live, "redis", None) is not None:
        redis_url = getattr(live.redis, "url", None)
    assert url, f"live_stack has no url: {live!r}"
    return WidgetStack(str(url).rstrip("/"), redis_url, True)


@pytest.fixture
def stack(request: pytest.FixtureRequest) -> WidgetStack:
    env_url = os.environ.get("LYT_BASE_URL")
    if env_url:
        return WidgetStack(
            env_url.rstrip("/"), os.environ.get("LYT_TEST_REDIS_URL"), os.environ.get("LYT_TEST_BOT_ONLINE") == "1"
        )
    try:
        return _from_live_stack(request.getfixturevalue("live_stack"))
    except pytest.FixtureLookupError:
        pass
    redis_server = request.getfixturevalue("redis_server")
    request.getfixturevalue("redis_client")  # a clean database for each test
    factory = request.getfixturevalue("gateway_factory")
    limits = {"LYT_CONVERSATIONS_PER_IP_HOUR": "1000", "LYT_MESSAGES_PER_MINUTE": "600"}
    if MODEL.exists():
        rasa = request.getfixturevalue("rasa_stack")
        # ACTION_SERVER_URL is only used by /readyz; tests/conftest.py's factory sets it itself.
        gateway = factory(rasa_url=rasa.rasa_url, **limits)
        return WidgetStack(gateway.url, redis_server.url, True, gateway.restart)
    gateway = factory(**limits)  # no trained model: Rasa is down, the gateway still answers
    return WidgetStack(gateway.url, redis_server.url, False, gateway.restart)


@pytest.fixture
def base_url(stack: WidgetStack) -> str:
    return stack.url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class WidgetTab:
    """One browser tab on the demo page, with helpers that speak the widget's test hooks (inside its iframe)."""

    context: BrowserContext
    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ui(self) -> FrameLocator:
        """The widget's own document (the iframe the loader inserted): where every `data-lyt-*` hook is."""
        return self.page.frame_locator(FRAME)

    def frame(self) -> Frame:
        handle = self.page.locator(FRAME).element_handle()
        assert handle is not None, "no widget iframe"
        frame = handle.content_frame()
        assert frame is not None, "the widget iframe has no document"
        return frame

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        expect(self.ui.locator("[data-lyt-open]")).to_be_attached()

    def open(self) -> None:
        self.ui.locator("[data-lyt-open]").click()
        expect(self.ui.locator("[data-lyt-input]")).to_be_focused()

    def type_and_send(self, text: str) -> None:
        box = self.ui.locator("[data-lyt-input]")
        box.fill(text)
        box.press("Enter")

    def bubbles(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.ui.locator("[data-lyt-message]").evaluate_all(BUBBLES_JS)
        return result

    def wait_for(self, check: Callable[[list[dict[str, Any]]], bool], timeout_ms: int = 20_000) -> list[dict[str, Any]]:
        deadline = timeout_ms
        while deadline > 0:
            current = self.bubbles()
            if check(current):
                return current
            self.page.wait_for_timeout(100)
            deadline -= 100
        raise AssertionError(
            f"widget never reached the expected state: {json.dumps(self.bubbles(), ensure_ascii=False)}"
        )

    def send_and_wait_reply(self, text: str, timeout_ms: int = 30_000) -> list[dict[str, Any]]:
        """Send `text` and wait until it is stored and something other than the user answered after it."""
        before = len(self.bubbles())
        self.type_and_send(text)

        def answered(items: list[dict[str, Any]]) -> bool:
            mine = [i for i, b in enumerate(items) if b["from"] == "user" and b["text"] == text and b["id"]]
            return bool(mine) and len(items) > before and any(b["from"] != "user" for b in items[mine[-1] + 1 :])

        return self.wait_for(answered, timeout_ms)

    def session_storage(self) -> dict[str, str]:
        """The widget's sessionStorage: the iframe's (Lyt's origin), never the partner page's."""
        result: dict[str, str] = self.frame().evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
        return result

    def page_storage(self) -> dict[str, str]:
        """The partner page's own sessionStorage and localStorage together (the widget must leave both empty)."""
        result: dict[str, str] = self.page.evaluate(
            "() => Object.fromEntries([...Object.entries(sessionStorage), ...Object.entries(localStorage)])"
        )
        return result

    def session(self) -> dict[str, Any]:
        raw = self.session_storage().get("lyt.session")
        return json.loads(raw) if raw else {}

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def server_events(self) -> list[dict[str, Any]]:
        """What the gateway stored for this tab's conversation (read with the tab's own token)."""
        session = self.session()
        response = httpx.get(
            f"{self.base}/api/v1/conversations/{session['cid']}/events",
            headers={"Authorization": f"Bearer {session['token']}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events

    def third_party_requests(self, allowed: tuple[str, ...] = ()) -> list[str]:
        origin = urlparse(self.base)
        ours = {(origin.hostname, origin.port)}
        bad = []
        for url in self.requests + self.sockets:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if (parsed.hostname, parsed.port) in ours or url.startswith(allowed):
                continue
            bad.append(url)
        return bad


TabFactory = Callable[..., WidgetTab]


@pytest.fixture
def new_tab(chromium: Browser, base_url: str) -> Iterator[TabFactory]:
    """Make tabs; at the end, check the privacy promises: no cookies, no localStorage, no third parties."""
    tabs: list[tuple[WidgetTab, tuple[str, ...]]] = []

    def make(viewport: dict[str, int] | None = None, allowed: tuple[str, ...] = (), **options: Any) -> WidgetTab:
        context = chromium.new_context(viewport=viewport or DESKTOP, service_workers="block", **options)
        context.set_default_timeout(20_000)
        page = context.new_page()
        tab = WidgetTab(context, page, base_url)
        page.on("request", lambda r: tab.requests.append(r.url))
        page.on("websocket", lambda ws: tab.sockets.append(ws.url))
        page.on("pageerror", lambda e: tab.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        tabs.append((tab, allowed))
        return tab

    yield make
    for tab, allowed in tabs:
        try:
            assert tab.context.cookies() == [], "the widget must not set cookies"
            if tab.page.url.startswith(base_url):
                assert tab.page.evaluate("() => localStorage.length") == 0, "the widget must not use localStorage"
            assert tab.third_party_requests(allowed) == [], "the widget must not talk to third parties"
            assert tab.errors == [], f"page errors: {tab.errors}"
            assert tab.dialogs == [], f"unexpected dialogs (XSS?): {tab.dialogs}"
        finally:
            tab.context.close()


@pytest.fixture
def tab(new_tab: TabFactory) -> WidgetTab:
    return new_tab()
