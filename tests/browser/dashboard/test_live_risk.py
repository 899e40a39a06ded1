"""Risk in human mode, live, in a real browser (issue 14 item 3).

A counsellor holding a chat sees a banner (role="alert") and the risky words highlighted the moment the
young person writes something urgent, again after a reload (from the history), and a supervisor's live
chats show the raised level. The young person is simulated over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_JS, WidgetStack
from tests.browser.dashboard.helpers import AXE_OPTIONS, Dashboard, has, serious, waiting_youth

pytestmark = pytest.mark.browser

URGENT = "ring til mig på 20 30 40 50. jeg kan ikke mere, jeg har taget alle mine piller"


def test_holder_sees_banner_and_highlighted_words_when_the_young_person_writes_something_urgent(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str]
) -> None:
    youth = waiting_youth(stack.url, "/ask_human")
    sara = dashboard()
    sara.goto()
    sara.login("sara")
    live = sara.page.locator("[data-lyt-overview] [data-lyt-live-chats]")
    expect(live).to_be_visible()

    dash = dashboard()
    dash.goto()
    dash.login("anna")
    dash.claim(youth.cid)
    panel = dash.panel(youth.cid)
    banner = panel.locator("[data-lyt-risk-banner]")
    expect(banner).to_be_hidden()
    expect(live.locator(f"tr[data-cid='{youth.cid}']")).to_have_attribute("data-level", "none")
    youth.say("hej, er der nogen?")
    dash.wait_for(youth.cid, lambda b: has(b, "user", "hej, er der nogen?"))

    reply = youth.say(URGENT)
    message = reply[0]
    assert "20 30 40 50" not in message["text"]
    assert any(e.get("type") == "system" and "112" in e.get("text", "") for e in reply), reply
    assert not any("spans" in e or "risk" in e or e.get("type") == "risk" for e in reply + youth.events())

    # The banner: an alert naming the new level and the reasons, with the quoted words marked.
    alert = banner.locator("[role=alert]")
    expect(alert).to_contain_text("Risiko hævet til akut", timeout=5000)
    expect(banner).to_have_attribute("data-event-id", message["id"])
    expect(alert.locator("mark").first).to_be_visible()
    assert "20 30 40 50" not in (alert.text_content() or "")
    # The risky words of that message, highlighted in the transcript.
    bubble = panel.locator(f"[data-lyt-message][data-lyt-id='{message['id']}']")
    marks = bubble.locator("mark[data-lyt-risk-span]")
    expect(marks.first).to_be_visible()
    marked = marks.all_text_contents()
    assert any("piller" in words for words in marked), marked
    assert bubble.locator(".text").text_content() == message["text"]  # marking keeps the stored text as it is
    expect(dash.page.locator(f"#tabs [data-cid='{youth.cid}'] .tab-level")).to_contain_text("Akut")
    if not dash.page.evaluate("() => typeof window.axe === 'object'"):
        dash.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = dash.page.evaluate(
        "o => axe.run('[data-lyt-risk-banner]', o).then(r => r.violations.map(v => ({id: v.id, impact: v.impact})))",
        AXE_OPTIONS,
    )
    assert serious(violations) == [], violations
    dash.shot("risk-banner")

    # The supervisor's live chats show the raised level at once (pushed over the dashboard socket).
    row = live.locator(f"tr[data-cid='{youth.cid}']")
    expect(row).to_have_attribute("data-level", "urgent", timeout=5000)
    expect(row).to_have_attribute("data-risk-raised", "")

    # Dismiss, then reload: the history brings the marks and the banner back.
    banner.locator("button").click()
    expect(banner).to_be_hidden()
    dash.page.reload()
    panel = dash.panel(youth.cid)
    expect(panel.locator(f"[data-lyt-id='{message['id']}'] mark[data-lyt-risk-span]").first).to_be_visible()
    expect(panel.locator("[data-lyt-risk-banner] [role=alert]")).to_contain_text("Risiko hævet til akut")

    # English UI: the same banner in English.
    dash.page.locator("[data-set-lang=en]").click()
    expect(panel.locator("[data-lyt-risk-banner] [role=alert]")).to_contain_text("Risk raised to urgent")
