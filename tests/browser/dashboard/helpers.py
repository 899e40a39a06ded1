"""Helpers for the dashboard browser tests: simulated young people, a dashboard page driver, axe."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE_JS, SCREENSHOTS, WidgetTab
from tests.integration.helpers import new_conversation, send

LIMITS = {"LYT_CONVERSATIONS_PER_IP_HOUR": "1000", "LYT_MESSAGES_PER_MINUTE": "600"}
PASSWORDS = {"anna": "password123", "bo": "password-bo", "sara": "password-sara"}
XSS = '<img src=x onerror="alert(1);window.__xss=1"><script>alert(2);window.__xss=2</script><b>fed</b>'
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}

BUBBLES_JS = """els => els.map(e => ({
  from: e.getAttribute('data-from'),
  id: e.getAttribute('data-lyt-id'),
  text: (e.querySelector('.text') || {textContent: ''}).textContent,
}))"""


def token_for(base: str, name: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": name, "password": PASSWORDS[name]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Youth:
    base: str
    cid: str
    token: str

    def say(self, text: str) -> list[dict[str, Any]]:
        response = send(self.base, self.cid, self.token, text)
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events

    def events(self) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.base}/api/v1/conversations/{self.cid}/events",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events


def waiting_youth(base: str, first: str = "/ask_human", lang: str = "da") -> Youth:
    cid, token = new_conversation(base, lang)
    youth = Youth(base, cid, token)
    youth.say(first)
    if first != "/ask_human":
        youth.say("/ask_human")  # urgent messages queue by themselves; anything else takes the offer of a person
    return youth


@dataclass
class Dashboard:
    """One browser tab on /counsellor, with helpers that use the dashboard's hooks."""

    tab: WidgetTab
    console: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.tab.page

    def goto(self) -> None:
        response = self.page.goto(self.tab.base + "/counsellor")
        assert response is not None and response.status == 200
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp
        expect(self.page.locator("body[data-lyt-dashboard]")).to_be_attached()

    def login(self, name: str) -> None:
        expect(self.page.locator("#username")).to_be_visible()
        self.page.locator("#username").fill(name)
        self.page.locator("#password").fill(PASSWORDS[name])
        self.page.locator("#password").press("Enter")
        expect(self.page.locator("#app")).to_be_visible()
        expect(self.page.locator("#conn.conn-ok")).to_be_visible()

    def queue_item(self, cid: str) -> Any:
        return self.page.locator(f"#queue li[data-cid='{cid}']")

    def panel(self, cid: str | None = None) -> Any:
        if cid:
            return self.page.locator(f"#panels section.chat[data-cid='{cid}']")
        return self.page.locator("#panels > [role=tabpanel]:not([hidden])")

    def bubbles(self, cid: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.panel(cid).locator("[data-lyt-message]").evaluate_all(BUBBLES_JS)
        return result

    def wait_for(
        self, cid: str, check: Callable[[list[dict[str, Any]]], bool], timeout_ms: int = 15_000
    ) -> list[dict[str, Any]]:
        waited = 0
        while waited < timeout_ms:
            current = self.bubbles(cid)
            if check(current):
                return current
            self.page.wait_for_timeout(100)
            waited += 100
        raise AssertionError(f"dashboard never reached the state: {json.dumps(self.bubbles(cid), ensure_ascii=False)}")

    def claim(self, cid: str) -> None:
        self.queue_item(cid).locator("[data-lyt-claim]").click()
        expect(self.panel(cid)).to_be_visible()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"))

    def session(self) -> dict[str, str]:
        result: dict[str, str] = self.page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
        return result

    def csp_problems(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]


def has(items: list[dict[str, Any]], sender: str, text: str) -> bool:
    return any(b["from"] == sender and b["text"] == text and b["id"] for b in items)


def read_until(socket: Any, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if predicate(frame):
            return frame  # type: ignore[no-any-return]
    raise AssertionError("the expected frame never came")


def axe(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]
