"""The supervisor's staffing plan ("Bemanding i aften") in a real browser."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
import redis
from playwright.sync_api import expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import Dashboard, token_for

pytestmark = pytest.mark.browser


def test_supervisor_plans_staffing_tonight(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    """'Bemanding i aften': prefilled from today's busiest hour, Enter submits, the answer and a table show."""
    redis_client.hset(redis_keys.day_stats(time.strftime("%Y%m%d")), mapping={"conv:10": 2, "conv:19": 9})
    sara = dashboard()
    sara.goto()
    sara.login("sara")
    box = sara.page.locator("[data-lyt-overview] [data-lyt-plan-box]")
    expect(box).to_be_visible()
    expect(box.locator("h4")).to_have_text("Bemanding i aften")
    demand = box.locator("[data-lyt-plan-demand]")
    expect(demand).to_have_value("9")
    expect(box.locator("#plan-prefill")).to_contain_text("kl. 19: 9 samtaler")

    # Out of range: a clear message on the field, nothing sent.
    demand.fill("500")
    demand.press("Enter")
    expect(box.locator("[data-lyt-plan-msg]")).to_contain_text("mellem 0,5 og 360")
    expect(demand).to_have_attribute("aria-invalid", "true")
    expect(demand).to_be_focused()

    # Keyboard only: type the demand, press Enter.
    demand.fill("12")
    demand.press("Enter")
    headline = box.locator("[data-lyt-plan-recommended]")
    expect(headline).to_contain_text("Anbefaling:", timeout=10_000)
    expect(demand).not_to_have_attribute("aria-invalid", "true")
    shown = int(headline.get_attribute("data-lyt-plan-recommended") or "0")
    api = httpx.post(
        f"{stack.url}/api/v1/supervisor/plan", json={"conversations_per_hour": 12}, headers=token_for(stack.url, "sara")
    )
    assert api.status_code == 200, api.text
    assert shown == api.json()["recommended"] >= 1
    expect(headline).to_contain_text(f"{shown} rådgiver")
    table = box.locator("[data-lyt-plan-table] table")
    expect(table.locator("tbody tr")).to_have_count(len(api.json()["rows"]))
    expect(table.locator("tr[data-recommended=true]")).to_have_count(1)
    expect(table.locator("tr[data-recommended=true] th")).to_contain_text("anbefalet")
    expect(table.locator("thead")).to_contain_text("Akutte inden for 5 min.")
    sara.shot("plan")

    # The whole shift instead of per hour; the assumptions open with the keyboard; then English.
    box.locator("#plan-unit").select_option("shift")
    demand.fill("72")
    box.locator(".plan-assumptions summary").focus()
    sara.page.keyboard.press("Enter")
    expect(box.locator("#plan-target")).to_be_visible()
    expect(box.locator("#plan-target")).to_have_value("94")
    box.locator("#plan-hours").fill("6")
    box.locator("#plan-hours").press("Enter")
    expect(table.locator("caption")).to_contain_text("12 samtaler i timen", timeout=10_000)
    sara.page.locator("[data-set-lang=en]").click()
    sara.page.locator("[data-lyt-overview-tab]").click()
    expect(box.locator("h4")).to_have_text("Staffing tonight")
    expect(headline).to_contain_text("Recommendation:")
    expect(table.locator("tr[data-recommended=true] th")).to_contain_text("recommended")
    sara.shot("plan-en")


def test_counsellor_has_no_staffing_plan(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str]
) -> None:
    anna = dashboard()
    anna.goto()
    anna.login("anna")
    expect(anna.page.locator("[data-lyt-plan]")).to_have_count(0)
    response = httpx.post(
        f"{stack.url}/api/v1/supervisor/plan", json={"conversations_per_hour": 5}, headers=token_for(stack.url, "anna")
    )
    assert response.status_code == 403
