"""The chat widget in a real browser: Danish and English, buttons, article cards, handoff, counsellor, XSS."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import PHONE, TabFactory, WidgetStack, WidgetTab

pytestmark = pytest.mark.browser


def replies(bubbles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in bubbles if b["from"] in ("bot", "system", "counsellor")]


def test_nothing_is_sent_before_the_launcher_is_opened(tab: WidgetTab) -> None:
    tab.goto()
    tab.page.wait_for_timeout(1000)
    api_calls = [url for url in tab.requests if "/api/" in url]
    assert api_calls == [] and tab.sockets == []
    assert tab.ui.locator("[data-lyt-widget]").count() == 1
    expect(tab.ui.locator("[data-lyt-open]")).to_be_visible()
    expect(tab.ui.locator("[data-lyt-exit]")).to_be_visible()
    assert tab.session_storage() == {}
    tab.shot("widget-desktop-closed")


def test_danish_chat_on_desktop(tab: WidgetTab, stack: WidgetStack) -> None:
    tab.goto()
    tab.open()
    panel = tab.ui.locator("#lyt-panel")
    expect(panel).to_have_attribute("lang", "da")
    intro = panel.locator("#lyt-intro")
    expect(intro).to_contain_text("anonymt")
    expect(intro).to_contain_text("112")
    expect(intro).to_contain_text("rådgiver")
    expect(tab.ui.locator("[data-lyt-handoff]")).to_have_text("Tal med en person")
    bubbles = tab.send_and_wait_reply("hej")
    answer = replies(bubbles)
    assert answer, bubbles
    if stack.bot_online:
        assert any(b["from"] == "bot" for b in answer), answer
    assert all(b["id"] for b in bubbles), "every stored event is rendered with its id"
    assert len({b["id"] for b in bubbles}) == len(bubbles)
    assert tab.session()["cid"]
    tab.shot("widget-desktop-danish")


def test_english_chat_on_a_phone(new_tab: TabFactory, stack: WidgetStack) -> None:
    tab = new_tab(viewport=PHONE, is_mobile=True, has_touch=True)
    created: list[dict[str, Any]] = []
    tab.page.on(
        "request",
        lambda r: (
            created.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/api/v1/conversations")
            else None
        ),
    )
    tab.goto()
    tab.open()
    box = tab.ui.locator("#lyt-panel").bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"], box
    tab.ui.locator("[data-lyt-lang]").click()
    panel = tab.ui.locator("#lyt-panel")
    expect(panel).to_have_attribute("lang", "en")
    expect(panel.locator("#lyt-intro")).to_contain_text("anonymously")
    expect(tab.ui.locator("[data-lyt-handoff]")).to_have_text("Talk to a person")
    expect(tab.ui.locator("[data-lyt-exit]")).to_have_text("Leave site")
    bubbles = tab.send_and_wait_reply("hey there, how are you doing")
    assert created == [{"lang": "en"}]
    answer = replies(bubbles)
    assert answer, bubbles
    if stack.bot_online:
        assert any(b["from"] == "bot" for b in answer), answer
    tab.shot("widget-phone-english")


PARTNER = "<!doctype html><html lang='en'><title>Partner</title><main><h1>Partner</h1></main>{tag}</html>"


@pytest.mark.parametrize(("attributes", "expected"), [("", "en"), ('data-lang="da"', "da"), ('data-lang="en"', "en")])
def test_language_follows_data_lang_then_the_browser(
    new_tab: TabFactory, base_url: str, attributes: str, expected: str
) -> None:
    tab = new_tab(locale="en-GB")
    tag = f'<script src="/static/widget/widget.js" {attributes} async></script>'
    tab.page.route(
        base_url + "/partner", lambda route: route.fulfill(content_type="text/html", body=PARTNER.format(tag=tag))
    )
    tab.goto("/partner")
    expect(tab.ui.locator("[data-lyt-open]")).to_have_text("Chat med Lyt" if expected == "da" else "Chat with Lyt")
    tab.open()
    expect(tab.ui.locator("#lyt-panel")).to_have_attribute("lang", expected)


def test_knowledge_answer_has_an_article_card_and_buttons_work(tab: WidgetTab, stack: WidgetStack) -> None:
    if not stack.bot_online:
        pytest.skip("needs the Rasa stack (no trained model)")
    tab.goto()
    tab.open()
    bubbles = tab.send_and_wait_reply("how can i stop comparing myself to influencers")  # general: an article
    cards = [b for b in bubbles if b["card"]]
    assert cards, bubbles
    link = cards[0]["links"][0]
    assert link["href"].startswith(tab.base + "/articles/")
    assert link["target"] == "_blank" and "noopener" in link["rel"]
    assert link["href"].endswith("-en"), "an English question gets the English article"
    expect(tab.ui.locator("[data-lyt-message] .card a").first).to_contain_text("Read the article")
    tab.shot("widget-article-card")
    with_buttons = [b for b in replies(bubbles) if b["buttons"]]
    if with_buttons:
        title = with_buttons[-1]["buttons"][0]
        tab.ui.locator("[data-lyt-message] .btns button", has_text=title).last.click()
        after = tab.wait_for(lambda items: any(b["from"] == "user" and b["text"] == title and b["id"] for b in items))
        assert not any(b["from"] == "user" and b["text"].startswith("/") for b in after)


def test_talk_to_a_person_shows_the_queue(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    tab.ui.locator("[data-lyt-handoff]").click()
    bubbles = tab.wait_for(lambda items: any("køen" in b["text"] for b in items if b["from"] == "system"))
    queue = [b for b in bubbles if re.search(r"Du er nummer \d+ i køen\. \S", b["text"])]
    assert queue, bubbles
    user = tab.wait_for(lambda items: any(b["from"] == "user" for b in items))
    assert [b["text"] for b in user if b["from"] == "user"] == ["Tal med en person"]
    tab.shot("widget-queue")


HOSTILE = "<img src=x onerror=\"alert('xss')\"><script>alert('xss')</script>"


def test_typed_xss_payload_is_inert(tab: WidgetTab) -> None:
    tab.goto()
    tab.open()
    bubbles = tab.send_and_wait_reply(HOSTILE)
    mine = [b for b in bubbles if b["from"] == "user"]
    assert mine[0]["text"] == HOSTILE
    tab.page.wait_for_timeout(500)
    found = tab.ui.locator("[data-lyt-widget]").evaluate(
        "root => root.querySelectorAll('img, script, iframe, object').length"
    )
    assert found == 0
    assert tab.dialogs == []


def _fake_reply(base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "id": "2000000000001-1",
            "type": "message",
            "from": "bot",
            "text": "Læs her <b>nu</b>",
            "article": {"id": "a-da", "title": "Betal ikke <img src=x onerror=alert(1)>", "url": "/articles/a-da"},
            "buttons": [{"title": "Ja tak", "payload": "/affirm"}, {"title": "<i>Nej</i>", "payload": "/deny"}],
        },
        {
            "id": "2000000000001-2",
            "type": "message",
            "from": "bot",
            "text": "script-link",
            "article": {"id": "x", "title": "Farlig", "url": "javascript:alert(1)"},
        },
        {
            "id": "2000000000001-3",
            "type": "message",
            "from": "bot",
            "text": "fremmed",
            "article": {"id": "y", "title": "Fremmed", "url": "https://evil.example/a"},
        },
        {
            "id": "2000000000001-4",
            "type": "message",
            "from": "bot",
            "text": "protokol-relativ",
            "article": {"id": "z", "title": "Skjult", "url": "//evil.example/a"},
        },
        {
            "id": "2000000000001-5",
            "type": "message",
            "from": "bot",
            "text": "absolut",
            "article": {"id": "b-da", "title": "Egen", "url": base_url + "/articles/b-da"},
        },
        {"id": "2000000000001-6", "type": "message", "from": "counsellor", "text": "Hej, jeg er rådgiver."},
        {
            "id": "2000000000001-7",
            "type": "queue",
            "from": "system",
            "position": 3,
            "eta_seconds": 600,
            "eta_text": "Cirka 10–15 minutter.",
        },
        {"id": "2000000000001-8", "type": "queue", "from": "system", "position": 2, "eta_seconds": 60},
        {"id": "2000000000001-9", "type": "system", "from": "system", "text": "Ring 112, hvis du er i fare."},
        {"id": "2000000000001-1", "type": "message", "from": "bot", "text": "dublet"},
    ]


def test_server_data_is_rendered_as_text_and_links_only_from_cards(tab: WidgetTab, base_url: str) -> None:
    posted: list[dict[str, Any]] = []

    def fake_messages(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        posted.append(body)
        echo = {
            "id": f"200000000000{len(posted)}-0",
            "type": "message",
            "from": "user",
            "text": body["text"],
            "client_msg_id": body["client_msg_id"],
        }
        events = [echo] + (_fake_reply(base_url) if len(posted) == 1 else [])
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"events": events}))

    tab.page.route("**/api/v1/conversations/*/messages", fake_messages)
    tab.goto()
    tab.open()
    tab.type_and_send("hej")
    bubbles = tab.wait_for(lambda items: len(items) >= 10)
    by_id = {b["id"]: b for b in bubbles}
    assert len(by_id) == len(bubbles), "an event id is rendered once"
    assert by_id["2000000000001-1"]["text"] == "Læs her <b>nu</b>"
    assert [link["href"] for b in bubbles for link in b["links"]] == [
        base_url + "/articles/a-da",
        base_url + "/articles/b-da",
    ]
    assert all(link["target"] == "_blank" and "noopener" in link["rel"] for b in bubbles for link in b["links"])
    counsellor = by_id["2000000000001-6"]
    assert counsellor["from"] == "counsellor" and counsellor["label"] == "Rådgiver"
    assert "Du er nummer 3 i køen. Cirka 10–15 minutter." == by_id["2000000000001-7"]["text"]
    assert "Om et par minutter." in by_id["2000000000001-8"]["text"]
    counts = tab.ui.locator("[data-lyt-widget]").evaluate(
        "root => root.querySelectorAll('img, script, b, i').length"
    )
    assert counts == 0
    colours = tab.ui.locator("[data-lyt-message]").evaluate_all(
        "els => els.map(e => [e.dataset.from, getComputedStyle(e).backgroundColor])"
    )
    by_from = {sender: colour for sender, colour in colours}
    assert len({by_from["bot"], by_from["counsellor"], by_from["user"], by_from["system"]}) == 4
    tab.shot("widget-rendering")

    tab.ui.locator("[data-lyt-message] .btns button", has_text="Ja tak").click()
    after = tab.wait_for(lambda items: any(b["from"] == "user" and b["text"] == "Ja tak" and b["id"] for b in items))
    assert posted[-1]["text"] == "/affirm"
    assert [b["text"] for b in after if b["from"] == "user"] == ["hej", "Ja tak"]


def test_counsellor_messages_are_labelled_and_distinct(tab: WidgetTab, stack: WidgetStack) -> None:
    if not stack.redis_url:
        pytest.skip("needs the stack's Redis URL to create a counsellor account")
    from api.services.accounts import create_account

    name = f"widget-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
        account = create_account(stack.redis_url, name, "widget-test-password", "counsellor")
        pool.submit(asyncio.run, account).result()
    login = httpx.post(f"{stack.url}/api/v1/auth/token", data={"username": name, "password": "widget-test-password"})
    assert login.status_code == 200, login.text
    staff = {"Authorization": f"Bearer {login.json()['access_token']}"}
    tab.goto()
    tab.open()
    tab.ui.locator("[data-lyt-handoff]").click()
    tab.wait_for(lambda items: any("køen" in b["text"] for b in items))
    cid = tab.session()["cid"]
    assert httpx.post(f"{stack.url}/api/v1/queue/{cid}/claim", headers=staff).status_code == 200
    sent = httpx.post(
        f"{stack.url}/api/v1/counsellor/conversations/{cid}/messages",
        headers=staff,
        json={"text": "Hej, jeg hedder Sara."},
    )
    assert sent.status_code == 200, sent.text
    bubbles = tab.wait_for(lambda items: any(b["from"] == "counsellor" for b in items))
    counsellor = [b for b in bubbles if b["from"] == "counsellor"][0]
    assert counsellor["text"] == "Hej, jeg hedder Sara." and counsellor["label"] == "Rådgiver"
    expect(tab.ui.locator("[data-lyt-message][data-from=counsellor] .who")).to_be_visible()
    tab.shot("widget-counsellor")
