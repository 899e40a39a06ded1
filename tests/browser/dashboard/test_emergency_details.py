"""Emergency details in the dashboard, in a real browser: the button in an open urgent chat, the values on
click (and only then), the audit record, and nothing for a chat that is not urgent."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import redis
from playwright.sync_api import expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import Dashboard, waiting_youth

pytestmark = pytest.mark.browser
ADDRESS = "Vestergade 4"
EMAIL = "mathilde.j@gmail.com"


def test_show_emergency_details_in_an_urgent_chat(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    urgent = waiting_youth(stack.url, f"jeg vil ikke leve mere. jeg bor på {ADDRESS}")
    plain = waiting_youth(stack.url)
    dash = dashboard()
    dash.goto()
    dash.login("anna")
    requests: list[str] = []
    dash.page.on("request", lambda r: requests.append(r.method) if r.url.endswith("/emergency-details") else None)

    dash.claim(plain.cid)
    expect(dash.panel(plain.cid).locator("[data-lyt-emergency]")).to_be_hidden()  # not urgent: no button

    dash.claim(urgent.cid)
    box = dash.panel(urgent.cid).locator("[data-lyt-emergency]")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Nøddata")
    expect(box.locator("[data-lyt-emergency-list]")).to_have_count(0)
    assert ADDRESS not in (box.text_content() or "")  # nothing shown before the click
    assert "POST" not in requests
    assert redis_client.keys(redis_keys.emergency_audit("*")) == []

    # The young person writes more while the counsellor is there: it is kept too.
    urgent.say(f"min mail er {EMAIL}")
    dash.wait_for(urgent.cid, lambda bubbles: any(b["from"] == "user" and "[email]" in b["text"] for b in bubbles))
    show = box.locator("[data-lyt-emergency-show]")
    show.click()
    listed = box.locator("[data-lyt-emergency-list] dd")
    expect(listed.filter(has_text=ADDRESS)).to_have_count(1)
    expect(listed.filter(has_text=EMAIL)).to_have_count(1)
    expect(box.locator("dt[data-kind=address]")).to_contain_text("Adresse")
    expect(show).to_have_attribute("aria-expanded", "true")
    dash.shot("emergency-details")
    # The transcript stays scrubbed.
    assert not any(ADDRESS in b["text"] or EMAIL in b["text"] for b in dash.bubbles(urgent.cid))

    audit_keys = redis_client.keys(redis_keys.emergency_audit("*"))
    assert len(audit_keys) == 1
    audit = redis_client.lrange(audit_keys[0], 0, -1)
    assert [json.loads(r)["by"] for r in audit] == ["anna"]
    assert ADDRESS not in audit[0] and EMAIL not in audit[0]

    show.click()  # hide: the values leave the page
    expect(box.locator("[data-lyt-emergency-list]")).to_have_count(0)
    assert ADDRESS not in (dash.page.content())
    assert dash.session().get("lyt.dash.tabs", "").find(ADDRESS) < 0  # never in sessionStorage
