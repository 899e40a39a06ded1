"""Return codes in the widget (issue 18 part 1), real Chromium against a real gateway and Redis (Rasa down: the
handoff and the code need no bot): a counsellor closes the chat, the widget explains and offers a code (also
from its menu), and a fresh tab on a phone comes back with it through "I have a code" into the queue, offered
to the same counsellor."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TabFactory, WidgetStack
from tests.browser.test_widget_a11y import axe_violations, serious
from tests.conftest import GatewayFactory, RedisServer


@pytest.fixture
def stack(redis_server: RedisServer, redis_client: redis.Redis, gateway_factory: GatewayFactory) -> WidgetStack:
    gateway = gateway_factory(LYT_CONVERSATIONS_PER_IP_HOUR="1000", LYT_MESSAGES_PER_MINUTE="600")
    return WidgetStack(gateway.url, redis_server.url, False, gateway.restart)


def counsellor(stack: WidgetStack, name: str) -> dict[str, str]:
    from api.services.accounts import create_account

    assert stack.redis_url
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
        pool.submit(asyncio.run, create_account(stack.redis_url, name, "widget-test-password", "counsellor")).result()
    login = httpx.post(f"{stack.url}/api/v1/auth/token", data={"username": name, "password": "widget-test-password"})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def test_the_widget_offers_a_code_on_close_and_comes_back_with_it(new_tab: TabFactory, stack: WidgetStack) -> None:
    staff = counsellor(stack, "kim")
    first = new_tab(bypass_csp=True)  # only so that axe itself can be injected
    first.goto()
    first.open()
    first.ui.locator("[data-lyt-handoff]").click()
    first.wait_for(lambda items: any("køen" in b["text"] for b in items))
    earlier = first.session()["cid"]
    assert httpx.get(f"{stack.url}/api/v1/queue", headers=staff).status_code == 200
    assert httpx.post(f"{stack.url}/api/v1/queue/{earlier}/claim", headers=staff).status_code == 200
    closed = httpx.post(
        f"{stack.url}/api/v1/counsellor/conversations/{earlier}/close",
        json={"outcome": "helped", "note": "kom gerne igen"},
        headers=staff,
    )
    assert closed.status_code == 200, closed.text

    # The close offers a code, with what it does and does not do, in the chat's language.
    offer = first.ui.locator("[data-lyt-return-offer]").first
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Koden viser ikke dine gamle beskeder til nogen")
    expect(offer).to_contain_text("Koden virker én gang")
    offer.locator("[data-lyt-get-code]").click()
    shown = first.ui.locator("[data-lyt-return-code]").first
    expect(shown).to_have_text(re.compile(r"^[a-z]+ [a-z]+ [a-z]+ [a-z]+$"))
    code = shown.text_content() or ""
    # The menu offers it too.
    first.ui.locator("[data-lyt-menu]").click()
    first.ui.locator("[data-lyt-menu-return-code]").click()
    expect(first.ui.locator("[data-lyt-return-offer]")).to_have_count(2)
    first.shot("widget-return-code-offer")
    assert serious(axe_violations(first)) == []
    # A new code from the menu would replace this one: come back with the one shown.

    # A fresh tab on a phone: "I have a code"; a wrong code is refused without saying why, the right one works.
    second = new_tab(viewport=PHONE, bypass_csp=True)
    second.goto()
    second.open()
    second.ui.locator("[data-lyt-lang]").click()  # the entry follows the widget's language
    expect(second.ui.locator("[data-lyt-have-code]")).to_have_text("I have a code")
    second.ui.locator("[data-lyt-lang]").click()
    expect(second.ui.locator("[data-lyt-have-code]")).to_have_text("Jeg har en kode")
    second.ui.locator("[data-lyt-have-code]").click()
    box = second.ui.locator("[data-lyt-code-input]")
    expect(box).to_be_focused()
    box.fill("sol hest bro kage")
    box.press("Enter")
    expect(second.ui.locator("[data-lyt-code-status]")).to_contain_text("Den kode virker ikke")
    assert serious(axe_violations(second)) == []
    box.fill(code.upper().replace(" ", "-"))
    box.press("Enter")
    second.wait_for(lambda items: any("køen" in b["text"] for b in items))
    returned = second.session()["cid"]
    assert returned and returned != earlier
    row = next(
        i for i in httpx.get(f"{stack.url}/api/v1/queue", headers=staff).json() if i["conversation_id"] == returned
    )
    assert row["returning"] is True and row["earlier_counsellor"] == "kim" and row["offered_to"] == "kim"
    summary = httpx.post(f"{stack.url}/api/v1/queue/{returned}/claim", headers=staff).json()
    assert summary["earlier"]["outcome"] == "helped"
    assert [n["text"] for n in summary["earlier"]["notes"]] == ["[helped] kom gerne igen"]
    second.shot("widget-return-code-back")
