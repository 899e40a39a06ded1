"""Own situation vs general question (knowledge/card_routing.py), the routing evaluator's scoring
(knowledge/card_eval.py) and first-message answers the extractor reads (knowledge/card_answers.py), issue 17."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.card_answers import extract_answers
from knowledge.card_eval import FirstTurn, comparable, opening, read_lines, score_openings, turns_to_card
from knowledge.card_routing import SITUATION_ARTICLES, flow_for, is_own_situation
from knowledge.content import ARTICLES_DIR

REPO = Path(__file__).resolve().parents[2]
DEV_OPENINGS = REPO / "tests" / "data" / "cards_openings_dev.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "min snap er blevet hacket og de har skiftet min mail",
        "en fyr vil have penge ellers sender han min video til min mor",
        "my ex posted my nudes on insta",
        "min venindes ex har delt mine billeder",  # the friend's ex did it to me
    ],
)
def test_own_situation(text: str) -> None:
    assert is_own_situation(text)


@pytest.mark.parametrize(
    "text",
    [
        "hvad er sextortion",
        "hvad gør man hvis nogen afpresser en",
        "er det ulovligt at dele nøgenbilleder",
        "min veninde har fået lagt et nøgenbillede ud, hvad kan hun gøre",
        "my friend is getting blackmailed",
        "how can i tell if a website is a scam",
        "what is two factor",
    ],
)
def test_general_or_about_someone_else(text: str) -> None:
    assert not is_own_situation(text)


def test_flow_only_for_a_situation_article_and_an_own_situation() -> None:
    assert flow_for("min insta er hacket", "answer", ["hacked-account-da"]) == "hacked_account"
    assert flow_for("min insta er hacket", "decline", ["hacked-account-da"]) is None
    assert flow_for("hvordan laver jeg min insta privat", "answer", ["private-profile-and-your-data-da"]) is None
    assert flow_for("hvad er sextortion", "answer", ["sextortion-dont-pay-da"]) is None


def test_every_situation_article_exists() -> None:
    slugs = {path.name.split(".")[0] for path in ARTICLES_DIR.rglob("*.md")}
    assert set(SITUATION_ARTICLES) <= slugs


def test_evaluation_names_map_to_the_repos() -> None:
    item = opening(
        {
            "id": "x",
            "text": "t",
            "lang": "da",
            "expect": "flow:nude-images",
            "slots": {"age_band": "under18", "status": "online", "platform": "messenger"},
        }
    )
    assert (item.kind, item.target) == ("flow", "nude_images")
    assert item.slots == {"card_age": "under_18", "card_image_status": "online", "card_platform": "facebook"}
    assert opening(
        {"id": "y", "text": "t", "expect": "flow:grooming", "slots": {"meeting": "planned_later"}}
    ).slots == {"card_meeting": "later"}
    assert comparable("card_platform", "roblox") == "other"


def test_scoring_counts_flow_article_slots_and_turns() -> None:
    items = [
        opening(
            {
                "id": "a",
                "text": "nogen har lagt mit nøgenbillede på insta, jeg er 15",
                "lang": "da",
                "expect": "flow:nude-images",
                "slots": {"platform": "instagram", "age_band": "under18"},
            }
        ),
        opening({"id": "b", "text": "hvad er sextortion", "lang": "da", "expect": "article:sextortion"}),
        opening({"id": "c", "text": "min snap er hacket", "lang": "en", "expect": "flow:hacked-account"}),
    ]
    turns = [
        FirstTurn(
            "nude_images",
            {"card_platform": "instagram", "card_age": "under_18", "card_image_status": "online"},
            True,
            reply="flow",
        ),
        FirstTurn(article_topic="sextortion", article_id="sextortion-dont-pay-da", reply="article"),
        FirstTurn(article_topic="privacy-security", article_id="hacked-account-da", reply="article"),
    ]
    figures = score_openings(items, turns).as_dict()
    assert figures["right_in_one_turn"] == round(2 / 3, 3)
    assert figures["right_flow"] == 0.5 and figures["right_topic_article"] == 1.0
    assert figures["slot_accuracy_stack_all"] == 1.0 and figures["turns_to_card_mean_right_flow"] == 1
    assert turns_to_card(FirstTurn("hacked_account", {"card_platform": "snapchat"}, reply="flow")) == 2


def test_slot_accuracy_scores_only_the_flows_own_slots_and_separates_routing_from_slot_loss() -> None:
    """The stack and the extractor are scored on the same slots: a scam's platform is neither asked nor used by the
    scam flow, so it is not counted against the stack; a slot missed because the flow was wrong is a routing miss,
    not a slot the stack lost."""
    items = [
        opening(
            {
                "id": "a",
                "text": "en på snap fik mig til at overføre 200 kr",
                "lang": "da",
                "expect": "flow:scam",
                "slots": {"given": "money", "platform": "snapchat"},
            }
        ),
        opening(
            {
                "id": "b",
                "text": "nogen på insta truer med at dele mine billeder",
                "lang": "da",
                "expect": "flow:sextortion",
                "slots": {"platform": "instagram"},
            }
        ),
    ]
    turns = [
        FirstTurn("scam", {"card_given": "money"}, True, reply="flow"),
        FirstTurn("nude_images", {"card_platform": "instagram"}, reply="flow"),  # the wrong flow
    ]
    figures = score_openings(items, turns).as_dict()
    assert figures["slot_accuracy_stack_all"] == 0.5 and figures["slot_accuracy_extractor_all"] == 1.0
    assert figures["slots_outside_the_flow"] == 1
    assert figures["slot_accuracy_stack"] == {"card_given": 1.0, "card_platform": 0.0}
    assert figures["slot_accuracy_extractor"] == {"card_given": 1.0, "card_platform": 1.0}
    assert figures["slot_accuracy_stack_right_flow_all"] == 1.0 and figures["slots_lost_by_stack"] == 0
    lost = score_openings(items[:1], [FirstTurn("scam", {}, reply="flow")]).as_dict()
    assert lost["slots_lost_by_stack"] == 1 and lost["slot_accuracy_stack_right_flow_all"] == 0.0


def test_dev_openings_are_well_formed_and_two_thirds_danish() -> None:
    lines = read_lines(DEV_OPENINGS)
    items = [opening(raw) for raw in lines]
    assert len(items) >= 60 and len({i.id for i in items}) == len(items)
    assert sum(i.lang == "da" for i in items) / len(items) >= 0.66
    assert {i.target for i in items if i.kind == "flow"} == {
        "nude_images",
        "sextortion",
        "hacked_account",
        "cyberbullying",
        "grooming",
        "scam",
    }
    assert all(json.loads(json.dumps(raw)) == raw for raw in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "min ex har lagt mine nudes ud på snap og jeg er kun 14",
            {"card_platform": "snapchat", "card_age": "under_18", "card_image_status": "online"},
        ),
        ("der går et nøgenbillede af mig rundt", {"card_image_status": "online"}),
        ("nogen har skiftet telefonnummeret på min tiktok", {"card_platform": "tiktok", "card_contact_changed": "yes"}),
        ("de tog pengene men jeg fik intet", {"card_given": "money"}),
        ("de skriver grimt i vores snapgruppe", {"card_platform": "snapchat"}),
    ],
)
def test_first_message_answers(text: str, expected: dict[str, str]) -> None:
    found = extract_answers(text)
    assert {slot: found.get(slot) for slot in expected} == expected
