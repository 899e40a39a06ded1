"""The counsellor's handover summary lists the action cards shown and the young person's answers as words
(issue 17), in a real Chromium against the real gateway, Rasa model, action server and Redis: a young person
goes through the hacked-account flow and asks for a person from the card; the counsellor claims the chat and
reads "App: Snapchat", never a slot code, in Danish and after switching the dashboard to English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from playwright.sync_api import expect

from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import LIMITS, Dashboard, Youth, axe, serious
from tests.conftest import MODEL, GatewayFactory, RasaStack, RedisServer
from tests.integration.helpers import new_conversation

pytestmark = pytest.mark.browser


@pytest.fixture
def stack(
    gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis, rasa_stack: RasaStack
) -> WidgetStack:
    """Overrides the dashboard tests' stack: the bot is online, so a guided flow can end in a card."""
    if not MODEL.exists():
        pytest.fail("the action card needs the trained Rasa model (make model)")
    gateway = gateway_factory(rasa_url=rasa_stack.rasa_url, ACTION_SERVER_URL=rasa_stack.actions_url, **LIMITS)
    return WidgetStack(gateway.url, redis_server.url, True)


def test_summary_lists_the_card_and_the_answers_as_words(
    stack: WidgetStack, staff: dict[str, str], dashboard: Callable[..., Dashboard]
) -> None:
    cid, token = new_conversation(stack.url, "da")
    youth = Youth(stack.url, cid, token)
    events: list[dict[str, object]] = []
    for text in ("min konto er blevet hacket", "snapchat", "ja de har skiftet min mail"):
        events = youth.say(text)
        if any(e.get("type") == "action_card" for e in events):
            break
    cards = [e for e in events if e.get("type") == "action_card"]
    assert cards, events
    youth.say("/ask_human")  # what the card's "talk to a person" button sends

    dash = dashboard(bypass_csp=True)  # only so that axe itself can be injected
    dash.goto()
    dash.login("anna")
    expect(dash.queue_item(cid)).to_be_visible(timeout=15_000)
    dash.claim(cid)
    block = dash.panel(cid).locator("[data-lyt-cards]")
    expect(block).to_be_visible(timeout=15_000)
    expect(block.locator("h4")).to_have_text("Handlingskort vist")
    item = block.locator("li[data-lyt-card-shown='hacked_account']")
    expect(item.locator(".card-title")).to_have_text(str(cards[0]["title"]))
    expect(item.locator("dt")).to_have_text(["App", "Mail eller nummer ændret"])
    expect(item.locator("dd")).to_have_text(["Snapchat", "mail eller nummer er ændret"])
    assert "card_" not in (block.text_content() or "") and "under_18" not in (block.text_content() or "")
    violations = serious(axe(dash.page))
    assert violations == [], violations
    dash.shot("action-cards-summary-da")

    dash.page.locator("[data-set-lang='en']").click()
    expect(block.locator("h4")).to_have_text("Action cards shown")
    expect(item.locator("dt")).to_have_text(["App", "Email or phone changed"])
    expect(item.locator("dd")).to_have_text(["Snapchat", "email or phone was changed"])
    dash.shot("action-cards-summary-en")
