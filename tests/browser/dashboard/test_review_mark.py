"""The "Mark for triage" control under a youth message, and the supervisor's corrections per week, in a real
browser against a real gateway and Redis (issue 18, part 2)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import redis
from playwright.sync_api import Locator, expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import Dashboard, axe, serious, token_for, waiting_youth

pytestmark = pytest.mark.browser
# Triage leaves it below urgent; a counsellor hears a goodbye. (The earlier text, "det hele er lige meget nu, jeg
# har taget en beslutning", is judged urgent since the eleventh triage pass.)
TEXT = "jeg får ikke brug for min vinterjakke i år, min søster må få den"


def _mark_control(who: Dashboard, cid: str) -> Locator:
    """The "Mark for triage" control under the youth message TEXT in `who`'s panel of chat `cid`."""
    return (
        who.panel(cid)
        .locator("[data-lyt-message][data-from=user]", has_text=TEXT)
        .locator("details[data-lyt-review-mark]")
    )


def test_counsellor_marks_a_missed_risk_and_the_supervisor_sees_it_counted(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    youth = waiting_youth(stack.url, TEXT)
    anna = dashboard(bypass_csp=True)  # only so that axe itself can be injected
    anna.goto()
    anna.login("anna")
    anna.claim(youth.cid)
    bubble = anna.panel(youth.cid).locator("[data-lyt-message][data-from=user]", has_text=TEXT)
    mark = bubble.locator("details[data-lyt-review-mark]")
    expect(mark).to_be_visible()
    mark.locator("summary").click()
    form = mark.locator("form[data-lyt-review-form]")
    expect(form).to_be_visible()
    violations = axe(anna.page)
    assert serious(violations) == [], violations
    form.get_by_label("Risiko overset").check()
    form.locator("select[name=level]").select_option("urgent")
    form.locator("select[name=reason]").select_option("implicit_risk")
    form.locator("button[type=submit]").click()
    expect(mark).to_have_attribute("data-lyt-review-marked", "missed")
    expect(form.locator("[data-lyt-review-status]")).to_contain_text("Gemt")
    anna.shot("review-mark")
    (key,) = list(redis_client.scan_iter(match=redis_keys.review_item("*")))
    item = redis_client.hgetall(key)
    assert (item["text"], item["level"], item["kind"], item["reason"]) == (TEXT, "urgent", "missed", "implicit_risk")

    # The risk form sends its reason category too: raising the chat stores a "raised" item with it.
    panel = anna.panel(youth.cid)
    panel.locator("summary", has_text="Risikoniveau").click()
    panel.locator("select[id^=risk-]").select_option("urgent")
    panel.locator("input[id^=risknote-]").fill("Beslutning uden ord for den")
    panel.get_by_label("Hvorfor triage tog fejl").select_option("context")
    panel.locator("button", has_text="Skift niveau").click()
    expect(panel.locator(".summary [data-level]")).to_have_attribute("data-level", "urgent")
    items = [redis_client.hgetall(k) for k in redis_client.scan_iter(match=redis_keys.review_item("*"))]
    assert sorted((i["kind"], i["reason"]) for i in items) == [("missed", "implicit_risk"), ("raised", "context")]

    sara = dashboard()
    sara.goto()
    sara.login("sara")
    counts = sara.page.locator("[data-lyt-overview] section[data-lyt-review-counts]")
    expect(counts.locator("tbody tr").last.locator("td[data-kind=missed]")).to_have_text("1")
    expect(counts.locator("tbody tr").last.locator("td[data-kind=raised]")).to_have_text("1")


def test_a_mark_survives_a_reload_and_a_second_one_is_refused(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    youth = waiting_youth(stack.url, TEXT)
    anna = dashboard()
    anna.goto()
    anna.login("anna")
    anna.claim(youth.cid)
    mark = _mark_control(anna, youth.cid)
    mark.locator("summary").click()
    mark.locator("button[type=submit]").click()
    expect(mark).to_have_attribute("data-lyt-review-marked", "missed")

    anna.page.reload()
    expect(anna.page.locator("#app")).to_be_visible()
    mark = _mark_control(anna, youth.cid)
    expect(mark).to_have_attribute("data-lyt-review-marked", "missed")
    expect(mark.locator("summary")).to_have_text("Allerede markeret")
    mark.locator("summary").click()
    expect(mark.locator("[data-lyt-review-status]")).to_have_text("Allerede markeret: Risiko overset.")
    expect(mark.locator("button[type=submit]")).to_be_disabled()
    anna.shot("review-mark-after-reload")

    # The server's answer to a second mark of the same message: 409 with the stored kind, and no second item.
    event_id = mark.get_attribute("data-event-id")
    again = httpx.post(
        f"{stack.url}/api/v1/counsellor/conversations/{youth.cid}/review",
        json={"event_id": event_id, "kind": "missed"},
        headers=token_for(stack.url, "anna"),
    )
    assert again.status_code == 409, again.text
    assert again.json()["detail"]["reason"] == "marked_already"
    assert again.json()["detail"]["kind"] == "missed"
    assert len(list(redis_client.scan_iter(match=redis_keys.review_item("*")))) == 1


def test_a_supervisor_cannot_use_the_mark_control_on_a_chat_she_does_not_hold(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    youth = waiting_youth(stack.url, TEXT)
    sara = dashboard()
    sara.goto()
    sara.login("sara")
    sara.claim(youth.cid)
    mark = _mark_control(sara, youth.cid)
    expect(mark.locator("button[type=submit]")).to_be_enabled()  # her own chat: she may mark it
    moved = httpx.post(
        f"{stack.url}/api/v1/counsellor/conversations/{youth.cid}/transfer",
        json={"to": "anna"},
        headers=token_for(stack.url, "sara"),
    )
    assert moved.status_code == 200, moved.text

    # Held by anna now: the control says why it cannot be used, and nothing reaches the server.
    expect(mark).to_have_attribute("data-lyt-review-locked", "", timeout=20_000)
    mark.locator("summary").click()
    expect(mark.locator("[data-lyt-review-status]")).to_have_text("Kun rådgiveren, der har samtalen, kan markere.")
    expect(mark.locator("button[type=submit]")).to_be_disabled()
    expect(mark.locator("input[name=kind]:not([disabled])")).to_have_count(0)
    sara.shot("review-mark-not-held")
    assert list(redis_client.scan_iter(match=redis_keys.review_item("*"))) == []
