"""The supervisor changes a counsellor's capacity from the overview in a real browser (issue 18 part 3);
the next claim over HTTP obeys the new number at once."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import redis
from playwright.sync_api import expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import Dashboard, axe, serious, token_for, waiting_youth

pytestmark = pytest.mark.browser


def test_supervisor_lowers_and_raises_a_counsellors_capacity(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    bo = token_for(stack.url, "bo")
    first, second = waiting_youth(stack.url, "/ask_human"), waiting_youth(stack.url, "/ask_human")
    assert httpx.post(f"{stack.url}/api/v1/queue/{first.cid}/claim", headers=bo).status_code == 200

    sara = dashboard(bypass_csp=True)  # only so that axe itself can be injected
    sara.goto()
    sara.login("sara")
    overview = sara.page.locator("[data-lyt-overview]")
    expect(overview.locator("table.load")).to_contain_text("1 / 3")
    violations = axe(sara.page)
    assert serious(violations) == [], violations
    form = overview.locator("form[data-lyt-capacity=bo]")
    form.locator("input[name=capacity]").fill("1")
    form.locator("input[name=urgent_capacity]").fill("1")
    form.locator("button[type=submit]").click()
    expect(overview.locator("table.load")).to_contain_text("1 / 1")
    assert redis_client.hmget(redis_keys.counsellor("bo"), ["capacity", "urgent_capacity"]) == ["1", "1"]
    refused = httpx.post(f"{stack.url}/api/v1/queue/{second.cid}/claim", headers=bo)
    assert refused.status_code == 409 and refused.json()["detail"]["reason"] == "capacity"

    # A bad number shows the server's refusal and changes nothing.
    form = overview.locator("form[data-lyt-capacity=bo]")
    form.locator("input[name=capacity]").fill("2")
    form.locator("input[name=urgent_capacity]").fill("5")
    form.locator("button[type=submit]").click()
    expect(form.locator(".capacity-status")).to_contain_text("urgent capacity")
    assert redis_client.hget(redis_keys.counsellor("bo"), "capacity") == "1"

    form.locator("input[name=capacity]").fill("3")
    form.locator("input[name=urgent_capacity]").fill("2")
    form.locator("button[type=submit]").click()
    expect(overview.locator("table.load")).to_contain_text("1 / 3")
    assert httpx.post(f"{stack.url}/api/v1/queue/{second.cid}/claim", headers=bo).status_code == 200
