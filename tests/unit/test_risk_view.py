"""Triage's spans and quotes moved onto the stored (scrubbed) text: offsets into what is stored, no raw PII."""

from __future__ import annotations

from api.services import pii
from api.services.events import as_seen_by, for_counsellor, youth_events
from api.services.risk_view import _diff_map, mark_message, span_map, stored_reasons, stored_spans


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_spans_and_quotes_follow_the_text_around_a_scrubbed_phone_number() -> None:
    raw = "ring til mig på 20 30 40 50, jeg har taget alle mine piller"
    stored = pii.scrub(raw)
    assert stored != raw and "20 30 40 50" not in stored
    event = {"type": "message", "from": "user", "text": stored}
    reasons = mark_message(
        event, "urgent", ['lexicon: "taget alle mine piller" (urgent, da)'], [_span(raw, "taget alle mine piller")], raw
    )
    (start, end), *rest = event["spans"]
    assert not rest and stored[start:end] == "taget alle mine piller"
    assert reasons == ['lexicon: "taget alle mine piller" (urgent, da)']


def test_a_quote_that_held_personal_data_quotes_the_placeholder_instead() -> None:
    raw = "skriv til mig på anna.jensen@example.com jeg vil ikke leve mere"
    stored = pii.scrub(raw)
    assert "anna.jensen" not in stored
    words = "på anna.jensen@example.com jeg vil ikke leve"
    to_stored = span_map(raw, stored)
    reasons = stored_reasons([f'classifier: urgent, words: "{words}"'], raw, stored, to_stored)
    assert "anna.jensen" not in reasons[0] and "jeg vil ikke leve" in reasons[0]
    (start, end), *_ = stored_spans([_span(raw, words)], to_stored, stored)
    assert "anna.jensen" not in stored[start:end] and stored[start:end].endswith("jeg vil ikke leve")


def test_the_diff_fallback_maps_offsets_past_a_placeholder() -> None:
    raw = "mail x@y.dk, jeg skærer i mig selv nu"
    stored = "mail [email], jeg skærer i mig selv nu"
    mapper = _diff_map(raw, stored)
    start, end = mapper(*_span(raw, "skærer i mig selv"))
    assert stored[start:end] == "skærer i mig selv"
    assert stored_spans([(5, 11)], mapper, stored) == [[5, 12]]  # inside the e-mail: the placeholder


def test_unchanged_text_keeps_spans_and_reasons_as_they_are() -> None:
    raw = "jeg vil ikke leve mere"
    event = {"type": "message", "from": "user", "text": raw}
    assert mark_message(event, "urgent", ['lexicon: "vil ikke leve" (urgent, da)'], [(4, 17)], raw) == [
        'lexicon: "vil ikke leve" (urgent, da)'
    ]
    assert event["spans"] == [[4, 17]]


def test_risk_parts_reach_counsellors_only() -> None:
    message = {
        "id": "1-0",
        "type": "message",
        "from": "user",
        "text": "jeg har taget alle mine piller",
        "spans": [[8, 30]],
        "risk": {"level": "urgent", "reasons": ['lexicon: "taget alle mine piller" (urgent, da)']},
    }
    seen_by_youth = youth_events([message, {"type": "risk", "level": "urgent"}])
    assert seen_by_youth == [{"id": "1-0", "type": "message", "from": "user", "text": "jeg har taget alle mine piller"}]
    assert as_seen_by("youth", message) == seen_by_youth
    shown = for_counsellor([message])
    assert shown[0] is message
    assert shown[1] == {
        "type": "risk",
        "level": "urgent",
        "reasons": ['lexicon: "taget alle mine piller" (urgent, da)'],
        "spans": [[8, 30]],
        "event_id": "1-0",
    }
    assert as_seen_by("counsellor", message) == shown


def test_the_latest_topic_is_kept_last_even_when_it_came_before() -> None:
    from api.services.waiting_room import with_latest_topic

    assert with_latest_topic("", "nude-images") == "nude-images"
    assert with_latest_topic("nude-images,gaming", "nude-images") == "gaming,nude-images"
    assert with_latest_topic("a,b,c", "d") == "b,c,d"
    assert with_latest_topic("a,b,c", "a") == "b,c,a"
