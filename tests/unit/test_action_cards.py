"""Action card data (knowledge/cards/*.yml) and the card builder (issue 17)."""

from __future__ import annotations

import re

from knowledge.action_cards import answers_in_words, build_card, card_templates, check_cards
from knowledge.helplines import load_helplines

FLOWS = {"nude_images", "sextortion", "hacked_account", "cyberbullying", "grooming", "scam"}


def test_every_step_is_sourced_dated_and_links_only_to_known_places() -> None:
    assert set(card_templates()) >= FLOWS
    assert check_cards() == []


def test_nude_image_under_18_gets_take_it_down_and_over_18_gets_stopncii() -> None:
    young = build_card("nude_images", {"card_age": "under_18", "card_platform": "instagram"}, "da")
    links = [s["link"] for s in young["steps"]]
    assert "https://takeitdown.ncmec.org" in links and "https://stopncii.org" not in links
    assert any("Instagram" in s["text"] for s in young["steps"])
    adult = build_card("nude_images", {"card_age": "over_18"}, "en")
    links = [s["link"] for s in adult["steps"]]
    assert "https://stopncii.org" in links and "https://takeitdown.ncmec.org" not in links
    assert adult["lang"] == "en" and adult["topic"] == "nude-images" and adult["type"] == "action_card"


def test_unknown_answers_say_less_instead_of_guessing() -> None:
    card = build_card("nude_images", {}, "da")
    links = [s["link"] for s in card["steps"]]
    assert "https://takeitdown.ncmec.org" not in links and "https://stopncii.org" not in links
    assert any(s["helpline"] == "police_114" for s in card["steps"])


def test_scam_steps_come_in_the_order_bank_mitid_police() -> None:
    texts = [s["text"] for s in build_card("scam", {"card_given": "mitid"}, "en")["steps"]]
    bank = next(i for i, t in enumerate(texts) if "bank" in t)
    mitid = next(i for i, t in enumerate(texts) if "MitID" in t)
    police = next(i for i, t in enumerate(texts) if "police" in t)
    assert bank < mitid < police


def test_article_links_point_to_our_own_articles_in_the_card_language() -> None:
    for flow in FLOWS:
        for lang in ("da", "en"):
            for step in build_card(flow, {}, lang)["steps"]:
                if step["link"] and step["link"].startswith("/"):
                    assert re.fullmatch(rf"/articles/[a-z0-9-]+-{lang}", step["link"])


def test_helplines_are_ids_and_numbers_only_come_from_helplines_yml() -> None:
    known = load_helplines()
    for flow in FLOWS:
        for step in build_card(flow, {}, "da")["steps"]:
            assert step["helpline"] is None or step["helpline"] in known


def test_answers_in_words_for_the_counsellor() -> None:
    words = answers_in_words({"card_age": "under_18", "card_platform": "snapchat", "card_meeting": None}, "da")
    assert words == {"card_age": "under 18 på billedet", "card_platform": "Snapchat"}
