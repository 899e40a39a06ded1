"""The supervisor's shift overview in a real browser: band counts, counsellor load, the urgent-wait alert
and the hourly charts, in Danish and English. Young people are simulated over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
import redis
from playwright.sync_api import expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import Dashboard, token_for, waiting_youth

pytestmark = pytest.mark.browser


def test_supervisor_overview_alert_and_charts(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    day = redis_keys.day_stats(time.strftime("%Y%m%d"))
    redis_client.hset(
        day,
        mapping={
            "conv:08": 2,
            "conv:09": 5,
            "conv:13": 3,
            "wait:0:09:sum": 40,
            "wait:0:09:n": 2,
            "wait:1:13:sum": 300,
            "wait:1:13:n": 1,
            "wait:2:08:sum": 90,
            "wait:2:08:n": 3,
        },
    )
    waiting_youth(stack.url, "/ask_human")
    urgent = waiting_youth(stack.url, "jeg vil ikke leve mere")
    time.sleep(1.2)  # longer than LYT_URGENT_WAIT_ALERT_SECONDS

    # Bo is online and holds one chat, so the load table has someone in it.
    held = waiting_youth(stack.url, "/ask_human", "en")
    assert (
        httpx.post(f"{stack.url}/api/v1/queue/{held.cid}/claim", headers=token_for(stack.url, "bo")).status_code == 200
    )

    sara = dashboard()
    sara.goto()
    sara.login("sara")
    overview = sara.page.locator("[data-lyt-overview]")
    expect(overview).to_be_visible()
    expect(sara.page.locator("[data-lyt-overview-tab]")).to_have_attribute("aria-selected", "true")
    expect(overview.locator(".band-counts li[data-band=urgent] .big")).to_have_text("1")
    expect(overview.locator(".band-counts li[data-band=other] .big")).to_have_text("1")
    expect(overview.locator("table.load")).to_contain_text("bo")
    expect(overview.locator("table.load")).to_contain_text("1 / 3")
    expect(sara.page.locator("#alert-text")).to_contain_text("akut samtale har ventet for længe")
    expect(sara.page.locator("#alert")).to_be_visible()
    expect(sara.page.locator("body")).to_have_attribute("data-lyt-beeps", "1")
    # Seeded hours (the claim above adds its own hour to the wait chart, and maybe a conversation).
    assert overview.locator("[data-lyt-chart=conversations] rect.bar").count() >= 3
    assert overview.locator("[data-lyt-chart=waits] rect.bar").count() >= 3
    expect(overview.locator("[data-lyt-chart=waits] rect.bar-urgent").first).to_be_attached()
    expect(overview.locator("[data-lyt-chart=waits] .legend")).to_contain_text("Akut")
    expect(overview.locator("[data-lyt-chart=conversations] svg")).to_have_attribute("role", "img")
    assert "samtaler i alt i dag" in (overview.locator("[data-lyt-chart=conversations] desc").text_content() or "")
    sara.shot("supervisor")

    # The alert leads to the queue; a supervisor can claim too, and the alert clears.
    sara.page.locator("#alert button").click()
    expect(sara.queue_item(urgent.cid).locator("[data-lyt-claim]")).to_be_focused()
    sara.page.keyboard.press("Enter")
    expect(sara.panel(urgent.cid)).to_be_visible()
    expect(sara.page.locator("#alert")).to_be_hidden()
    sara.page.locator("[data-set-lang=en]").click()
    sara.page.locator("[data-lyt-overview-tab]").click()
    expect(overview.locator("h3")).to_have_text("Shift overview")
    sara.shot("supervisor-en")
