"""Accessibility: axe-core (WCAG 2.1 A/AA), keyboard only, focus handling, 200% zoom, reduced motion."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import AXE_JS, PHONE, TabFactory, WidgetTab

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def _axe(target: Page | Frame) -> list[dict[str, Any]]:
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(AXE_JS.read_text(encoding="utf-8"))
    # Each document on its own: the partner page (the iframe needs a title) and the widget's iframe.
    options = AXE_OPTIONS | {"iframes": False}
    result: dict[str, Any] = target.evaluate("options => axe.run(document, options)", options)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def axe_violations(tab: WidgetTab) -> list[dict[str, Any]]:
    """axe-core on the partner page and inside the widget's iframe (where the chat is)."""
    return _axe(tab.page) + _axe(tab.frame())


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_serious_violations(new_tab: TabFactory, viewport: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True}  # only so that axe itself can be injected
    if viewport == "phone":
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = new_tab(**options)
    tab.goto()
    closed = axe_violations(tab)
    tab.open()
    tab.send_and_wait_reply("hej")
    tab.ui.locator("[data-lyt-handoff]").click()
    tab.wait_for(lambda items: any("køen" in b["text"] for b in items))
    tab.ui.locator("[data-lyt-menu]").click()
    opened = axe_violations(tab)
    tab.shot(f"widget-axe-{viewport}")
    assert serious(closed) == [], closed
    assert serious(opened) == [], opened


def test_keyboard_only(tab: WidgetTab) -> None:
    tab.goto()
    launcher = tab.ui.locator("[data-lyt-open]")
    for _ in range(40):
        tab.page.keyboard.press("Tab")
        if launcher.evaluate("e => e.getRootNode().activeElement === e"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    tab.page.keyboard.press("Enter")
    box = tab.ui.locator("[data-lyt-input]")
    expect(box).to_be_focused()
    tab.page.keyboard.type("første linje")
    tab.page.keyboard.press("Shift+Enter")
    tab.page.keyboard.type("anden linje")
    assert box.input_value() == "første linje\nanden linje"
    tab.page.keyboard.press("Enter")
    tab.wait_for(lambda items: any(b["text"] == "første linje\nanden linje" and b["id"] for b in items))
    assert box.input_value() == ""
    tab.page.keyboard.press("Escape")
    expect(tab.ui.locator("#lyt-panel")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_controls_have_names_and_the_log_is_live(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    log = tab.ui.locator("[role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    panel = tab.ui.locator("#lyt-panel")
    expect(panel).to_have_attribute("lang", "da")
    for selector in ("[data-lyt-input]", "[data-lyt-send]", "[data-lyt-exit]", "[data-lyt-menu]", "[data-lyt-close]"):
        name = tab.ui.locator(selector).evaluate(
            "e => e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent) || e.textContent"
        )
        assert name.strip(), selector


@pytest.mark.parametrize(
    ("name", "size"), [("zoom200", {"width": 640, "height": 400}), ("reflow320", {"width": 320, "height": 640})]
)
def test_readable_at_200_percent_zoom(new_tab: TabFactory, name: str, size: dict[str, int]) -> None:
    tab = new_tab(viewport=size)
    tab.goto()
    tab.open()
    tab.send_and_wait_reply("hej, kan I hjælpe mig med noget med et meget langt ord: " + "a" * 80)
    overflow = tab.ui.locator("#lyt-panel").evaluate(
        "p => [p.scrollWidth - p.clientWidth, ...Array.from(p.querySelectorAll('.head, .log, .composer, .msg'))"
        ".map(e => e.scrollWidth - e.clientWidth)]"
    )
    assert max(overflow) <= 1, overflow
    for selector in ("[data-lyt-input]", "[data-lyt-send]", "[data-lyt-exit]", "[data-lyt-handoff]"):
        expect(tab.ui.locator(selector)).to_be_in_viewport()
    tab.shot(f"widget-{name}")


def test_reduced_motion_is_respected(new_tab: TabFactory) -> None:
    tab = new_tab(reduced_motion="reduce")
    tab.goto()
    tab.open()
    animation = tab.ui.locator(".typing .dots span").first.evaluate("e => getComputedStyle(e).animationName")
    assert animation == "none"
