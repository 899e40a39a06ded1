"""Done when (issue 17): for each of the six harms, a 14-year-old writing in their own words reaches the right
action card in at most four turns, in a real browser (Chromium, the widget's page hooks), against the real
gateway, trained Rasa model, action server and Redis. Three harms are written in Danish and three in English;
the sentences are not in the training data or the Rasa test stories. The card carries its sourced steps, and
its "talk to a person" button is there."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TabFactory, WidgetStack
from tests.conftest import MODEL, RasaStack, RedisServer, _spawn_gateway, free_port, wait_http

pytestmark = pytest.mark.browser
MAX_TURNS = 4
CARD = "[data-lyt-action-card]"

# harm -> (language, topic of the card, what the young person writes, in order; the card must come by the last)
HARMS: dict[str, tuple[str, str, list[str]]] = {
    "nude_images": ("da", "nude-images", ["hjælp en fra min klasse har sendt mit nøgenbillede rundt på snap",
                                          "jeg er 14"]),
    "sextortion": ("en", "sextortion", ["some guy i met on insta says he will post my pics unless i pay him"]),
    "hacked_account": ("da", "privacy-security", ["nogen har hacket min tiktok og jeg kan ikke komme ind",
                                                  "ja de har ændret min mail"]),
    "cyberbullying": ("en", "cyberbullying", ["everyone keeps writing mean stuff about me in a group chat",
                                              "snapchat", "yeah they go to my school"]),
    "grooming": ("da", "grooming", ["en voksen jeg har mødt online siger at jeg ikke må fortælle det til nogen",
                                    "nej"]),
    "scam": ("en", "scams", ["i sent money for a cheap iphone on facebook marketplace and the seller blocked me",
                             "money"]),
}


@pytest.fixture(scope="module")
def stack(redis_server: RedisServer, rasa_stack: RasaStack) -> Iterator[WidgetStack]:
    """One gateway for the six conversations (each its own chat), with the real Rasa and action server. It is
    given up to four minutes to start: on a loaded two-core machine its warm-up alone can pass one minute."""
    if not MODEL.exists():
        pytest.fail("the guided flows need the trained Rasa model (make model)")
    port = free_port()
    env = dict(os.environ)
    env.update({"REDIS_URL": redis_server.url, "RASA_URL": rasa_stack.rasa_url,
                "ACTION_SERVER_URL": rasa_stack.actions_url, "LYT_PORT": str(port), "LYT_RASA_TIMEOUT": "20",
                "LYT_ENV": "test", "HF_HUB_OFFLINE": "1", "LYT_CONVERSATIONS_PER_IP_HOUR": "1000",
                "LYT_MESSAGES_PER_MINUTE": "600"})
    process = _spawn_gateway(port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/healthz", timeout=240, process=process)
        yield WidgetStack(url, redis_server.url, True)
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("harm", sorted(HARMS))
def test_a_young_person_reaches_the_right_card_in_at_most_four_turns(
    new_tab: TabFactory, stack: WidgetStack, harm: str
) -> None:
    if not stack.bot_online:
        pytest.fail("the guided flows need the trained Rasa model (make model)")
    lang, topic, messages = HARMS[harm]
    assert len(messages) <= MAX_TURNS
    tab = new_tab()
    tab.goto()
    tab.open()
    card = tab.ui.locator(CARD)
    turns = 0
    for text in messages:
        turns += 1
        tab.send_and_wait_reply(text)
        if card.count():
            break
    expect(card).to_have_count(1, timeout=10_000)
    assert turns <= MAX_TURNS
    expect(card).to_have_attribute("data-lyt-action-card", topic)
    expect(card).to_have_attribute("lang", lang)
    steps = card.locator("ol > li")
    assert steps.count() >= 3, card.inner_text()
    expect(card.locator("[data-lyt-card-human]")).to_be_visible()
    tab.shot(f"action-card-flow-{harm}")
