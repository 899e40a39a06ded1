"""Small gateway units: language, opening hours, helplines and the safety message, Rasa payloads, compose file."""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from api.services.events import valid_event_id
from api.services.hours import TZ, is_open, next_opening, parse_opening_hours
from api.services.rasa_client import interpret
from api.state import triage_thread
from knowledge.helplines import load_helplines, safety_message
from knowledge.language import detect_language

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hej", "da"),
        ("jeg bliver mobbet i skolen", "da"),
        ("hvad gør jeg", "da"),
        ("hey", "en"),
        ("someone shared my nudes", "en"),
        ("i feel so alone", "en"),
        ("ok", None),
        ("💀", None),
    ],
)
def test_language_detection(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_opening_hours() -> None:
    windows = parse_opening_hours("mon-fri 14:00-23:00; sun 16:00-22:00")
    assert is_open(windows, datetime(2026, 11, 23, 15, 0, tzinfo=TZ))  # Monday
    assert not is_open(windows, datetime(2026, 11, 23, 23, 30, tzinfo=TZ))
    assert not is_open(windows, datetime(2026, 11, 28, 15, 0, tzinfo=TZ))  # Saturday
    assert next_opening(windows, "da", datetime(2026, 11, 28, 15, 0, tzinfo=TZ)) == "søndag kl. 16:00"
    assert next_opening(windows, "en", datetime(2026, 11, 23, 23, 30, tzinfo=TZ)) == "Tuesday at 14:00"
    with pytest.raises(ValueError, match="bad opening hours"):
        parse_opening_hours("someday 9-5")


def test_safety_message_always_has_112_and_the_child_line_from_data() -> None:
    helplines = load_helplines()
    for lang in ("da", "en"):
        message = safety_message(lang, helplines)
        assert "112" in message
        assert helplines["bornetelefonen"].phone in message


def test_low_confidence_numbers_are_never_displayed() -> None:
    for helpline in load_helplines().values():
        assert helpline.source, helpline.id
        if helpline.confidence == "low":
            assert helpline.display_phone() is None


def test_rasa_custom_payloads_become_events_and_actions() -> None:
    reply = interpret(
        [
            {"recipient_id": "x", "text": "Hej!"},
            {
                "recipient_id": "x",
                "custom": {
                    "lyt": "article",
                    "text": "Sådan gør du",
                    "article": {"id": "a-da", "title": "A", "url": "/articles/a-da"},
                    "buttons": [{"title": "Ja", "payload": "/feedback"}],
                },
            },
            {"recipient_id": "x", "custom": {"lyt": "decline", "text": "Det kan jeg ikke hjælpe med"}},
            {"recipient_id": "x", "custom": {"lyt": "handoff", "reason": "user_request", "text": "Jeg finder en"}},
        ]
    )
    assert [e.get("text") for e in reply.events] == [
        "Hej!",
        "Sådan gør du",
        "Det kan jeg ikke hjælpe med",
        "Jeg finder en",
    ]
    assert reply.events[1]["article"]["url"] == "/articles/a-da"
    assert reply.handoff_reason == "user_request"
    assert reply.gap_kind == "decline"


def test_docker_compose_names_the_services_and_ports() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"redis", "rasa", "actions", "api", "caddy"}
    assert services["rasa"]["image"] == "rasa/rasa:3.6.21"
    assert "--appendonly" in services["redis"]["command"]
    # Only Caddy (TLS, in front of two api replicas) publishes ports (issue 16; tests/unit/test_compose_hardening.py).
    assert [name for name in services if services[name].get("ports")] == ["caddy"]
    for name in ("redis", "rasa", "actions", "api"):
        assert "healthcheck" in services[name], name
    assert services["api"]["environment"]["REDIS_URL"].split("@")[-1].startswith("redis:")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0", True),
        ("1700000000000-0", True),
        ("18446744073709551615-18446744073709551615", True),
        ("18446744073709551616-0", False),  # past uint64: Redis would refuse it
        ("", False),
        ("-1", False),
        ("12-", False),
        ("²-1", False),  # a Unicode digit, not an ASCII one
        ("1-2-3", False),
        ("abc", False),
    ],
)
def test_event_ids_are_checked_before_they_reach_redis(value: str, ok: bool) -> None:
    assert valid_event_id(value) is ok


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_triage_thread_runs_at_its_niceness_and_the_rest_does_not() -> None:
    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = niceness()
    lowered, plain = triage_thread(10), triage_thread(0)
    try:
        value = lowered.submit(niceness).result()
        assert value == 10 or (before > 10 and value == before)  # raising priority may be refused
        assert plain.submit(niceness).result() == before
        assert niceness() == before  # the event loop's thread keeps its priority
    finally:
        lowered.shutdown()
        plain.shutdown()
