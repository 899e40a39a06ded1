"""The action card in a real Chromium (issue 17): the real gateway, Rasa and action server behind the widget.
A first message that says it all gets the card at once: numbered steps, working links in a new tab, a
"talk to a person" button that queues the chat, reachable by keyboard, axe clean on desktop and phone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TabFactory, WidgetStack
from tests.browser.test_widget_a11y import axe_violations, serious

pytestmark = pytest.mark.browser

OPENING = "nogen har lagt mit nøgenbillede på insta, jeg er 15"
CARD = "[data-lyt-action-card]"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_card_renders_numbered_steps_with_links_and_is_axe_clean(
    new_tab: TabFactory, stack: WidgetStack, viewport: str
) -> None:
    if not stack.bot_online:
        pytest.fail("the action card needs the trained Rasa model (make model)")
    options: dict[str, Any] = {"bypass_csp": True}  # only so that axe itself can be injected
    if viewport == "phone":
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = new_tab(**options)
    tab.goto()
    tab.open()
    tab.type_and_send(OPENING)
    card = tab.ui.locator(CARD)
    expect(card).to_be_visible(timeout=30_000)
    expect(card).to_have_attribute("data-lyt-action-card", "nude-images")
    expect(card.locator("h3")).not_to_be_empty()
    steps = card.locator("ol > li")
    assert steps.count() >= 5
    links = card.locator("a")
    hrefs = links.evaluate_all("els => els.map(a => ({href: a.href, target: a.target, rel: a.rel, name: a.textContent}))")
    assert any(h["href"] == "https://takeitdown.ncmec.org/" for h in hrefs), hrefs
    own = [h for h in hrefs if "/articles/" in h["href"]]
    assert own, hrefs
    for link in hrefs:
        assert link["target"] == "_blank" and "noopener" in link["rel"] and link["name"].strip()
    for link in own:  # our own articles answer
        assert httpx.get(link["href"], timeout=10).status_code == 200, link
    width = tab.page.evaluate("() => document.documentElement.clientWidth")
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # fits a phone
    violations = axe_violations(tab)
    tab.shot(f"action-card-{viewport}")
    assert serious(violations) == [], violations


def test_card_is_keyboard_reachable_and_asks_for_a_person(new_tab: TabFactory, stack: WidgetStack) -> None:
    if not stack.bot_online:
        pytest.fail("the action card needs the trained Rasa model (make model)")
    tab = new_tab()
    tab.goto()
    tab.open()
    tab.type_and_send(OPENING)
    human = tab.ui.locator(CARD + " [data-lyt-card-human]")
    expect(human).to_be_visible(timeout=30_000)
    first_link = tab.ui.locator(CARD + " a").first
    first_link.focus()
    for _ in range(40):
        if human.evaluate("e => e.getRootNode().activeElement === e"):
            break
        tab.page.keyboard.press("Tab")
    else:
        pytest.fail("the card's 'talk to a person' button cannot be reached with Tab")
    tab.page.keyboard.press("Enter")
    tab.wait_for(lambda items: any("køen" in b["text"] for b in items), timeout_ms=30_000)
