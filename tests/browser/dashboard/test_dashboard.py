"""The counsellor dashboard in a real browser: login, live queue, claim, chat both ways, tools.

The supervisor's views are in test_supervisor_overview.py and test_staffing_plan.py. The gateway runs with
Rasa down (the dashboard never needs the bot). Young people are simulated over
HTTP and WebSocket with the helpers the integration tests use.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
import redis
from playwright.sync_api import Route, expect

from api import redis_keys
from tests.browser.conftest import WidgetStack
from tests.browser.dashboard.helpers import (
    LIMITS,
    PASSWORDS,
    XSS,
    Dashboard,
    axe,
    has,
    read_until,
    serious,
    token_for,
    waiting_youth,
)
from tests.conftest import GatewayFactory
from tests.integration.helpers import open_socket, ws_url

pytestmark = pytest.mark.browser


def test_login_queue_claim_chat_reload_and_close(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    plain = waiting_youth(stack.url)
    urgent = waiting_youth(stack.url, "jeg vil ikke leve mere")
    api_queue = httpx.get(f"{stack.url}/api/v1/queue", headers=token_for(stack.url, "anna")).json()
    assert [item["conversation_id"] for item in api_queue] == [urgent.cid, plain.cid]

    dash = dashboard()
    dash.goto()
    expect(dash.page.locator("html")).to_have_attribute("lang", "da")
    expect(dash.page.locator("#username")).to_be_focused()
    dash.shot("login")
    dash.page.locator("#username").fill("anna")
    dash.page.locator("#password").fill("wrong-password")
    dash.page.locator("#password").press("Enter")
    expect(dash.page.locator("#login-msg")).to_have_text("Forkert brugernavn eller adgangskode.")
    dash.login("anna")
    assert dash.session()["lyt.dash.token"].count(".") == 2, "the JWT lives in sessionStorage"

    # The queue: most urgent first, band as text (not colour only), ticking wait, highlighted reasons.
    items = dash.page.locator("#queue li[data-cid]")
    expect(items).to_have_count(2)
    first = items.nth(0)
    expect(first).to_have_attribute("data-cid", urgent.cid)
    expect(first).to_have_attribute("data-band", "urgent")
    expect(first.locator(".badge")).to_contain_text("Akut")
    expect(items.nth(1).locator(".badge")).to_contain_text("Øvrige")
    expect(first.locator(".lang")).to_contain_text("DA")
    quoted = [r for r in api_queue[0]["reasons"] if '"' in r]
    if quoted:
        marked = first.locator(".reasons mark").all_text_contents()
        assert marked and all(m in quoted[0] or any(m in q for q in quoted) for m in marked), marked
    wait = first.locator(".wait [data-wait-base]")
    before = wait.text_content()
    dash.page.wait_for_timeout(2200)
    assert wait.text_content() != before, "the waiting time ticks"
    expect(dash.page.locator("[data-lyt-overview-tab]")).to_have_count(0)  # counsellors get no supervisor view
    dash.shot("queue")

    # Claim: the handover summary and the history, the input focused.
    dash.claim(urgent.cid)
    panel = dash.panel(urgent.cid)
    expect(panel.locator("[data-lyt-input]")).to_be_focused()
    expect(panel.locator(".summary [data-level]")).to_have_attribute("data-level", "urgent")
    expect(dash.queue_item(urgent.cid)).to_have_count(0)
    expect(dash.page.locator("#tabs [role=tab][aria-selected=true]")).to_contain_text("Samtale 1")
    dash.wait_for(
        urgent.cid, lambda b: has(b, "user", "jeg vil ikke leve mere") and any(x["from"] == "system" for x in b)
    )

    expect(panel.locator("[data-from=user] .text.command").first).to_have_text("[trykkede: Tal med en person]")

    # The young person writes and types; the counsellor sees it live.
    urgent.say("Hej, er der nogen?")
    dash.wait_for(urgent.cid, lambda b: has(b, "user", "Hej, er der nogen?"))
    last_id = urgent.events()[-1]["id"]
    with open_socket(ws_url(stack.url, urgent.cid, last_id), urgent.token) as youth_socket:
        youth_socket.send(json.dumps({"type": "typing"}))
        expect(panel.locator("[data-lyt-typing]")).to_contain_text("skriver")

        # A canned reply in the conversation's language goes into the box; typing reaches the young person.
        panel.locator("[data-lyt-canned-id=greeting]").click()
        box = panel.locator("[data-lyt-input]")
        greeting = box.input_value()
        assert greeting.startswith("Hej, og tak fordi du skriver"), greeting
        expect(box).to_be_focused()
        read_until(youth_socket, lambda f: f.get("type") == "typing" and f.get("from") == "counsellor")
        box.press("Enter")
        sent = read_until(youth_socket, lambda f: f.get("from") == "counsellor" and f.get("type") == "message")
        assert sent["text"] == greeting
    expect(box).to_have_value("")
    assert any(e["from"] == "counsellor" and e["text"] == greeting for e in urgent.events())
    dash.wait_for(urgent.cid, lambda b: has(b, "counsellor", greeting))

    # Shift+Enter is a new line, Enter sends.
    box.fill("Første linje")
    box.press("Shift+Enter")
    box.press_sequentially("anden linje")
    box.press("Enter")
    dash.wait_for(urgent.cid, lambda b: has(b, "counsellor", "Første linje\nanden linje"))
    assert any(e.get("text") == "Første linje\nanden linje" for e in urgent.events())

    # An XSS payload from the young person is shown as text, inert.
    urgent.say(XSS)
    dash.wait_for(urgent.cid, lambda b: has(b, "user", XSS))
    assert dash.page.evaluate("() => window.__xss") is None
    assert panel.locator("[data-lyt-log] img, [data-lyt-log] script, [data-lyt-log] b").count() == 0
    dash.shot("chat")

    # Reload: still logged in, the same chat, no duplicates, and live again from the last id.
    ids_before = [b["id"] for b in dash.bubbles(urgent.cid)]
    dash.page.wait_for_function(
        "([cid, id]) => (JSON.parse(sessionStorage.getItem('lyt.dash.tabs') || '{}').last || {})[cid] === id",
        arg=[urgent.cid, ids_before[-1]],
    )
    dash.page.reload()
    expect(dash.page.locator("#app")).to_be_visible()
    expect(dash.panel(urgent.cid)).to_be_visible()
    dash.wait_for(urgent.cid, lambda b: [x["id"] for x in b] == ids_before)
    expect(dash.page.locator("#conn.conn-ok")).to_be_visible()
    urgent.say("Er du der stadig?")
    after = dash.wait_for(urgent.cid, lambda b: has(b, "user", "Er du der stadig?"))
    assert len({b["id"] for b in after}) == len(after) == len(ids_before) + 1
    assert after[:-1] == [b for b in after if b["id"] in ids_before]

    # Close with an outcome: the tab goes, the young person is told, the outcome is stored.
    panel = dash.panel(urgent.cid)
    panel.locator("[data-lyt-close]").click()
    expect(panel.locator(".tool-msg")).to_have_text("Vælg et udfald.")
    expect(panel.locator("[data-lyt-outcome]")).to_be_focused()
    panel.locator("[data-lyt-outcome]").select_option("helped")
    panel.locator("textarea[id^=closenote]").fill("Aftalt at skrive igen")
    panel.locator("[data-lyt-close]").click()
    expect(dash.panel(urgent.cid)).to_have_count(0)
    expect(dash.page.locator("#queue-msg")).to_contain_text("Hjulpet")
    expect(dash.page.locator("#no-chats")).to_be_visible()
    assert redis_client.hget(redis_keys.conversation(urgent.cid), "outcome") == "helped"
    assert redis_client.hget(redis_keys.conversation(urgent.cid), "mode") == "bot"
    notes = [json.loads(n) for n in redis_client.lrange(redis_keys.notes(urgent.cid), 0, -1)]
    assert any(n["text"] == "[helped] Aftalt at skrive igen" for n in notes)
    assert any(e["from"] == "system" and "afsluttet" in e.get("text", "") for e in urgent.events())
    expect(dash.queue_item(plain.cid)).to_have_count(1)  # the other one still waits
    dash.shot("closed")

    # Log out: the token is gone.
    dash.page.locator("#logout").click()
    expect(dash.page.locator("#login")).to_be_visible()
    assert "lyt.dash.token" not in dash.session()


def test_claim_conflict_says_someone_else_took_it(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str]
) -> None:
    youth = waiting_youth(stack.url, "/ask_human", "en")
    dash = dashboard()
    dash.goto()
    dash.page.locator("[data-set-lang=en]").click()
    expect(dash.page.locator("html")).to_have_attribute("lang", "en")
    dash.login("anna")
    expect(dash.queue_item(youth.cid)).to_have_count(1)
    bo = token_for(stack.url, "bo")

    def bo_first(route: Route) -> None:
        # Bo wins the race just before Anna's click reaches the server.
        assert httpx.post(f"{stack.url}/api/v1/queue/{youth.cid}/claim", headers=bo).status_code == 200
        route.continue_()

    dash.page.route("**/api/v1/queue/*/claim", bo_first)
    dash.queue_item(youth.cid).locator("[data-lyt-claim]").click()
    expect(dash.page.locator("#queue-msg")).to_have_text("Someone else took it.")
    expect(dash.queue_item(youth.cid)).to_have_count(0)
    expect(dash.page.locator("#panels section.chat")).to_have_count(0)
    expect(dash.page.locator("#queue-empty")).to_be_visible()
    dash.shot("claim-conflict")


def test_several_chats_tools_transfer_and_release(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], redis_client: redis.Redis
) -> None:
    first = waiting_youth(stack.url, "jeg er blevet mobbet og er ked af det")
    second = waiting_youth(stack.url, "/ask_human", "en")
    anna = dashboard()
    anna.goto()
    anna.login("anna")
    bo = dashboard()
    bo.goto()
    bo.login("bo")

    for youth in (first, second):
        expect(anna.queue_item(youth.cid)).to_have_count(1)
        anna.claim(youth.cid)
    tabs = anna.page.locator("#tabs [role=tab]")
    expect(tabs).to_have_count(2)
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")

    # English canned replies for the English conversation.
    english = anna.panel(second.cid)
    expect(english.locator("[data-lyt-canned-id=safety_check]")).to_have_text("Are you safe?")
    english.locator("[data-lyt-canned-id=safety_check]").click()
    assert (
        english.locator("[data-lyt-input]").input_value()
        == "I'd like to ask you something important: are you safe right now?"
    )

    # Keyboard: arrows move between tabs; a message to the hidden chat shows as unread.
    tabs.nth(1).focus()
    anna.page.keyboard.press("ArrowLeft")
    expect(tabs.nth(0)).to_be_focused()
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(anna.panel(second.cid)).to_be_hidden()
    second.say("hello?")
    expect(tabs.nth(1).locator(".tab-unread")).to_be_visible()
    expect(tabs.nth(1).locator(".tab-unread")).to_contain_text("1")
    expect(anna.page.locator("#announce")).to_contain_text("Ny besked i samtale 2")
    anna.page.keyboard.press("End")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(1).locator(".tab-unread")).to_be_hidden()
    anna.wait_for(second.cid, lambda b: has(b, "user", "hello?"))

    # A reload keeps both chats, their numbers, their order and the active one.
    anna.page.reload()
    expect(tabs).to_have_count(2)
    expect(tabs.nth(0)).to_contain_text("Samtale 1")
    expect(tabs.nth(0)).to_have_attribute("data-cid", first.cid)
    expect(tabs.nth(1)).to_contain_text("Samtale 2")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    anna.wait_for(second.cid, lambda b: has(b, "user", "hello?"))
    expect(anna.page.locator("#announce")).not_to_contain_text("er nu din")

    # A private note and a lower risk level on the first chat.
    tabs.nth(0).click()
    panel = anna.panel(first.cid)
    panel.locator("summary", has_text="Private noter").click()
    panel.locator("textarea[id^=note-]").fill("Mobning i skolen, ingen akut fare")
    panel.locator("button", has_text="Gem note").click()
    expect(panel.locator(".notes-list")).to_contain_text("Mobning i skolen, ingen akut fare")
    panel.locator("summary", has_text="Risikoniveau").click()
    panel.locator("select[id^=risk-]").select_option("none")
    panel.locator("input[id^=risknote-]").fill("Talt igennem, ingen fare")
    panel.locator("button", has_text="Skift niveau").click()
    expect(panel.locator(".summary [data-level]")).to_have_attribute("data-level", "none")
    expect(panel.locator(".summary")).to_contain_text("Talt igennem, ingen fare")
    assert redis_client.hget(redis_keys.conversation(first.cid), "level") == "none"
    anna.shot("tools")

    # Transfer to Bo: Anna's tab goes, Bo's dashboard opens it with the note.
    panel.locator("summary", has_text="Overfør til en kollega").click()
    panel.locator("input[id^=to-]").fill("nobody-here")
    panel.locator("button", has_text="Overfør").click()
    expect(panel.locator(".tool-msg")).to_have_text("Der findes ingen rådgiver med det navn.")
    panel.locator("input[id^=to-]").fill("bo")
    panel.locator("textarea[id^=tonote-]").fill("Kan du tage over? Min vagt slutter.")
    panel.locator("button", has_text="Overfør").click()
    expect(anna.panel(first.cid)).to_have_count(0)
    expect(bo.panel(first.cid)).to_have_count(1)
    bo.page.locator(f"#tabs [data-cid='{first.cid}']").click()
    expect(bo.panel(first.cid).locator(".notes-list")).to_contain_text("Kan du tage over?")
    bo.wait_for(first.cid, lambda b: has(b, "user", "jeg er blevet mobbet og er ked af det"))

    # Release the English chat: back in the queue, for anyone.
    panel = anna.panel(second.cid)
    expect(panel).to_be_visible()
    panel.locator("[data-lyt-release]").click()
    expect(anna.panel(second.cid)).to_have_count(0)
    expect(anna.queue_item(second.cid)).to_have_count(1)
    expect(bo.queue_item(second.cid)).to_have_count(1)
    assert redis_client.hget(redis_keys.conversation(second.cid), "mode") == "waiting"
    bo.shot("transferred")

    # The young person deletes their chat: Bo is told, can no longer write, and closes the tab.
    deleted = httpx.delete(
        f"{stack.url}/api/v1/conversations/{first.cid}", headers={"Authorization": f"Bearer {first.token}"}
    )
    assert deleted.status_code == 204
    bo_panel = bo.panel(first.cid)
    expect(bo_panel.locator(".notice")).to_contain_text("Den unge har slettet samtalen.")
    expect(bo_panel.locator("[data-lyt-input]")).to_be_disabled()
    bo_panel.locator(".notice button").click()
    expect(bo.panel(first.cid)).to_have_count(0)


def test_english_keyboard_only_and_axe(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str]
) -> None:
    youth = waiting_youth(stack.url, "I want to kill myself", "en")
    dash = dashboard(bypass_csp=True)  # only so that axe itself can be injected
    dash.goto()
    page = dash.page
    page.locator("[data-set-lang=en]").click()
    expect(page.locator("#login-h")).to_have_text("Log in")
    page.reload()
    expect(page.locator("#login-h")).to_have_text("Log in")  # the choice survives a reload
    login_violations = axe(page)

    # Keyboard only: log in, reach the claim button, claim, write, send.
    page.locator("#username").focus()
    page.keyboard.type("anna")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["anna"])
    page.keyboard.press("Enter")
    expect(page.locator("#app")).to_be_visible()
    claim = dash.queue_item(youth.cid).locator("[data-lyt-claim]")
    expect(claim).to_have_text("Take this chat")
    for _ in range(30):
        page.keyboard.press("Tab")
        if claim.evaluate("e => document.activeElement === e"):
            break
    else:
        pytest.fail("the claim button cannot be reached with Tab")
    page.keyboard.press("Enter")
    panel = dash.panel(youth.cid)
    expect(panel.locator("[data-lyt-input]")).to_be_focused()
    page.keyboard.type("Hi, I'm here. Are you safe right now?")
    page.keyboard.press("Enter")
    dash.wait_for(youth.cid, lambda b: has(b, "counsellor", "Hi, I'm here. Are you safe right now?"))
    expect(panel.locator("[data-lyt-log]")).to_have_attribute("aria-live", "polite")
    expect(panel.locator(".who").first).to_be_visible()
    expect(page.locator("#tabs [role=tab]").first).to_contain_text("Chat 1")
    app_violations = axe(page)
    dash.shot("english")

    # Laptop screens: the page itself never scrolls, the reply box and the close button stay reachable.
    for size in ({"width": 1366, "height": 768}, {"width": 1024, "height": 640}):
        page.set_viewport_size(size)
        assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1"), size
        expect(panel.locator("[data-lyt-send]")).to_be_in_viewport()
        panel.locator("[data-lyt-close]").scroll_into_view_if_needed()
        expect(panel.locator("[data-lyt-close]")).to_be_in_viewport()
        dash.shot(f"laptop-{size['width']}")
    assert serious(login_violations) == [], login_violations
    assert serious(app_violations) == [], app_violations


def test_youth_and_counsellor_on_different_gateways(
    dashboard: Callable[..., Dashboard], stack: WidgetStack, staff: dict[str, str], gateway_factory: GatewayFactory
) -> None:
    """The dashboard on one gateway replica, the young person on another: live both ways through Redis."""
    other = gateway_factory(**LIMITS)
    youth = waiting_youth(other.url, "/ask_human")
    dash = dashboard()
    dash.goto()
    dash.login("anna")
    dash.claim(youth.cid)
    with open_socket(ws_url(other.url, youth.cid, youth.events()[-1]["id"]), youth.token) as socket:
        youth.say("hej fra den anden server")
        dash.wait_for(youth.cid, lambda b: has(b, "user", "hej fra den anden server"))
        box = dash.panel(youth.cid).locator("[data-lyt-input]")
        box.fill("Hej, jeg er her")
        box.press("Enter")
        got = read_until(socket, lambda f: f.get("from") == "counsellor" and f.get("type") == "message")
        assert got["text"] == "Hej, jeg er her"
