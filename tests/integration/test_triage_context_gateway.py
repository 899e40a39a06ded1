"""The gateway judges every youth message with the conversation's earlier youth messages (issue 15, item 3).

Against a real gateway and Redis (Rasa down): a farewell after earlier distress, and a third-party
emergency told over two messages, become urgent in bot mode and in human mode; the same last message in
a fresh conversation does not carry the conversation-level reason.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis

from api import redis_keys
from tests.conftest import Gateway
from tests.integration.helpers import events_of, new_conversation, send

CONVERSATIONS = {
    "farewell": ("da", ["jeg orker ikke mere, det hele er bare håbløst", "nå men farvel"]),
    "third-party": ("en", ["my friend said goodbye in the group chat", "he's not answering his phone"]),
}


def _last_verdict(redis_client: redis.Redis, cid: str) -> dict[str, Any]:
    raw = redis_client.lrange(redis_keys.triage_log(cid), -1, -1)
    assert raw, "no triage log entry"
    entry: dict[str, Any] = json.loads(raw[0])
    return entry


@pytest.mark.parametrize("mode", ["bot", "human"])
@pytest.mark.parametrize("rule", sorted(CONVERSATIONS))
def test_history_reaches_triage_in_bot_and_human_mode(
    gateway: Gateway, redis_client: redis.Redis, mode: str, rule: str
) -> None:
    lang, messages = CONVERSATIONS[rule]
    cid, token = new_conversation(gateway.url, lang)
    if mode == "human":  # as after a counsellor took the chat over
        redis_client.hset(redis_keys.conversation(cid), "mode", "human")
    for text in messages[:-1]:
        send(gateway.url, cid, token, text).raise_for_status()
    response = send(gateway.url, cid, token, messages[-1])
    response.raise_for_status()
    verdict = _last_verdict(redis_client, cid)
    assert verdict["level"] == "urgent", verdict
    assert any(r.startswith("context:") and rule in r for r in verdict["reasons"]), verdict
    assert redis_client.hget(redis_keys.conversation(cid), "level") in (b"urgent", "urgent")
    # the young person gets the safety message for this message, in either mode
    assert any(e.get("from") == "system" for e in events_of(response)), events_of(response)

    alone_cid, alone_token = new_conversation(gateway.url, lang)
    send(gateway.url, alone_cid, alone_token, messages[-1]).raise_for_status()
    alone = redis_client.lrange(redis_keys.triage_log(alone_cid), 0, -1)
    assert not any(rule in r for e in alone for r in json.loads(e)["reasons"]), alone
