"""Counsellors' corrections reach triage (issue 18, part 2), against a real gateway, a real Redis and a real
`lyt triage build`: a counsellor marks a message as "risk missed", the curator lists it (`lyt triage review`,
`--jsonl`), accepts it, rebuilds triage on a temporary var directory, and triage now gives the corrected level
for that text. Also: a raise/lowering through `POST …/risk`, what an item holds (nothing identifying), its
TTL and `keep`, reject, validation, one mark per message, and the supervisor's weekly counts."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from api import redis_keys
from api.services.accounts import create_account
from api.services.reviews import iso_week
from tests.conftest import REPO, Gateway, RedisServer
from tests.integration.helpers import events_of, new_conversation, send
from tests.integration.test_counsellor_api import login

# Triage (lexicon, classifier and semantic layer) judges this below urgent; a counsellor sees a goodbye.
MISSED_TEXT = "I won't need my winter jacket this year, you can tell my sister she can have it"
H = "/api/v1/counsellor/conversations/{}"


@pytest.fixture
def staff(gateway: Gateway, redis_server: RedisServer) -> dict[str, dict[str, str]]:
    for name, role in (("anna", "counsellor"), ("bo", "counsellor"), ("sara", "supervisor")):
        asyncio.run(create_account(redis_server.url, name, "password-" + name, role))
    return {name: login(gateway.url, name, "password-" + name) for name in ("anna", "bo", "sara")}


def held_chat(gateway: Gateway, headers: dict[str, str], texts: list[str], lang: str = "en") -> tuple[str, list[Any]]:
    """A chat where the young person wrote `texts`, then asked for a person, claimed by `headers`' counsellor;
    with its youth messages as the counsellor sees them."""
    cid, token = new_conversation(gateway.url, lang)
    for text in texts:
        events_of(send(gateway.url, cid, token, text))
    events_of(send(gateway.url, cid, token, "/ask_human"))
    httpx.post(f"{gateway.url}/api/v1/queue/{cid}/claim", headers=headers).raise_for_status()
    detail = httpx.get(gateway.url + H.format(cid), headers=headers)
    detail.raise_for_status()
    youth = [e for e in detail.json()["events"] if e.get("from") == "user" and not e["text"].startswith("/")]
    return cid, youth


def lyt(redis_server: RedisServer, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, REDIS_URL=redis_server.url, HF_HUB_OFFLINE="1", **env)
    return subprocess.run(
        [str(Path(sys.executable).with_name("lyt")), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
    )


def open_items(redis_server: RedisServer) -> list[dict[str, Any]]:
    listed = lyt(redis_server, "triage", "review", "--jsonl")
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def review_keys(client: redis.Redis) -> list[str]:
    return sorted(client.scan_iter(match=redis_keys.review_item("*")))


def test_missed_risk_mark_review_accept_rebuild_and_triage_gives_the_corrected_level(
    gateway: Gateway,
    staff: dict[str, dict[str, str]],
    redis_server: RedisServer,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    cid, youth = held_chat(gateway, staff["anna"], [MISSED_TEXT])
    (message,) = youth
    given = message.get("triage_level", "none")
    assert given != "urgent", "the test text must be one triage does not already judge urgent"

    # Only the holder marks: another counsellor and a supervisor get 403.
    mark = {"event_id": message["id"], "kind": "missed", "level": "urgent", "reason": "implicit_risk"}
    for other in ("bo", "sara"):
        refused = httpx.post(gateway.url + H.format(cid) + "/review", json=mark, headers=staff[other])
        assert refused.status_code == 403, refused.text
    marked = httpx.post(gateway.url + H.format(cid) + "/review", json=mark, headers=staff["anna"])
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"status": "stored", "kind": "missed", "triage_level": given, "level": "urgent"}
    again = httpx.post(gateway.url + H.format(cid) + "/review", json=mark, headers=staff["anna"])
    assert again.status_code == 409

    # The item in Redis: the scrubbed text and the levels, a day; no conversation id, event id, name or token.
    (key,) = review_keys(redis_client)
    stored = redis_client.hgetall(key)
    assert stored == {
        "text": MISSED_TEXT,
        "lang": "en",
        "triage_level": given,
        "level": "urgent",
        "kind": "missed",
        "reason": "implicit_risk",
        "day": datetime.now(UTC).date().isoformat(),
    }
    dump = json.dumps(stored) + key
    assert cid not in dump and message["id"] not in dump and "anna" not in dump
    assert 89 * 86400 < redis_client.ttl(key) <= redis_keys.REVIEW_TTL_SECONDS

    # The curator lists it, as text and as training-file lines.
    human = lyt(redis_server, "triage", "review")
    assert human.returncode == 0, human.stderr
    assert MISSED_TEXT in human.stdout and f"missed/implicit_risk  {given} -> urgent" in human.stdout
    (row,) = open_items(redis_server)
    item_id = row["id"].removeprefix("review-")
    assert key == redis_keys.review_item(item_id)
    assert {k: row[k] for k in ("text", "lang", "level", "tricky")} == {
        "text": MISSED_TEXT,
        "lang": "en",
        "level": "urgent",
        "tricky": False,
    }

    # Nothing reaches training before the accept; then the accepted file holds it and Redis no longer does.
    var = tmp_path / "var"
    var.mkdir()
    (var / "e5").symlink_to(REPO / "var" / "e5")  # the same sentence-embedding model, not converted again
    accepted_file = var / "triage" / "accepted_reviews.jsonl"
    assert not accepted_file.exists()
    accepted = lyt(redis_server, "triage", "review", "accept", item_id, LYT_VAR_DIR=str(var))
    assert accepted.returncode == 0, accepted.stderr
    assert [json.loads(line) for line in accepted_file.read_text().splitlines()] == [row]
    assert review_keys(redis_client) == [] and open_items(redis_server) == []

    # The next build retrains (the accepted set is part of the cache key) and triage gives the corrected level.
    built = lyt(redis_server, "triage", "build", LYT_VAR_DIR=str(var))
    assert built.returncode == 0, built.stderr
    judged = lyt(
        redis_server,
        "triage",
        "--jsonl",
        stdin=json.dumps({"id": "x", "text": MISSED_TEXT}) + "\n",
        LYT_VAR_DIR=str(var),
    )
    assert judged.returncode == 0, judged.stderr
    assert json.loads(judged.stdout)["level"] == "urgent", judged.stdout


def test_risk_change_review_reject_keep_and_weekly_counts(
    gateway: Gateway, staff: dict[str, dict[str, str]], redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    cid, youth = held_chat(gateway, staff["anna"], ["hej", "jeg vil ikke leve mere"], lang="da")
    flagged = youth[-1]
    assert flagged["triage_level"] == "urgent"
    url = gateway.url + H.format(cid)
    # Lowering the conversation (no event_id): the item is about the message triage judged urgent.
    lowered = httpx.post(
        url + "/risk",
        json={"level": "concern", "note": "sang-tekst", "reason": "quote_or_story"},
        headers=staff["anna"],
    )
    assert lowered.status_code == 200, lowered.text
    # Raising again, naming the message; a supervisor's change counts too.
    raised = httpx.post(
        url + "/risk",
        json={"level": "urgent", "note": "alligevel", "reason": "context", "event_id": youth[0]["id"]},
        headers=staff["sara"],
    )
    assert raised.status_code == 200, raised.text
    unchanged = httpx.post(url + "/risk", json={"level": "urgent", "note": "samme"}, headers=staff["anna"])
    assert unchanged.status_code == 200  # no change of level: no correction
    items = {(r["text"], r["level"], r["note"].split(" ")[1]) for r in open_items(redis_server)}
    assert items == {("jeg vil ikke leve mere", "concern", "lowered"), ("hej", "urgent", "raised")}

    # Marks: validation (a false alarm needs a level below triage's; missed one above), 404 for a non-message.
    bad = {"event_id": flagged["id"], "kind": "missed", "level": "concern"}
    assert httpx.post(url + "/review", json=bad, headers=staff["anna"]).status_code == 422
    no_reason = {"event_id": flagged["id"], "kind": "false_alarm", "reason": "gossip"}
    assert httpx.post(url + "/review", json=no_reason, headers=staff["anna"]).status_code == 422
    missing = {"event_id": "1-0", "kind": "missed"}
    assert httpx.post(url + "/review", json=missing, headers=staff["anna"]).status_code == 404
    false_alarm = {"event_id": flagged["id"], "kind": "false_alarm", "reason": "joke_or_idiom"}
    answer = httpx.post(url + "/review", json=false_alarm, headers=staff["anna"])
    assert answer.status_code == 200 and answer.json()["level"] == "none", answer.text

    rows = {r["level"]: r["id"].removeprefix("review-") for r in open_items(redis_server)}
    kept = lyt(redis_server, "triage", "review", "keep", rows["none"])
    assert kept.returncode == 0, kept.stderr
    assert redis_client.ttl(redis_keys.review_item(rows["none"])) == -1
    assert " kept " in lyt(redis_server, "triage", "review").stdout
    rejected = lyt(redis_server, "triage", "review", "reject", rows["urgent"])
    assert rejected.returncode == 0, rejected.stderr
    assert not redis_client.exists(redis_keys.review_item(rows["urgent"]))
    assert lyt(redis_server, "triage", "review", "reject", rows["urgent"]).returncode == 1
    assert lyt(redis_server, "triage", "review", "accept", "nosuchitem").returncode == 1

    # The supervisor's weekly counts: this ISO week, every kind; counsellors get 403.
    assert httpx.get(gateway.url + "/api/v1/supervisor/corrections", headers=staff["anna"]).status_code == 403
    counts = httpx.get(gateway.url + "/api/v1/supervisor/corrections?weeks=4", headers=staff["sara"])
    assert counts.status_code == 200, counts.text
    weeks = counts.json()["weeks"]
    assert len(weeks) == 4 and weeks[-1] == {
        "week": iso_week(datetime.now(UTC).date()),
        "raised": 1,
        "lowered": 1,
        "missed": 0,
        "false_alarm": 1,
    }
    assert 0 < redis_client.ttl(redis_keys.review_week(weeks[-1]["week"])) <= redis_keys.REVIEW_WEEK_TTL_SECONDS
