"""A small closed-loop load generator (httpx + asyncio) and the message mix it sends.

`concurrency` virtual users each play scripted conversations back to back — a greeting, one or two
knowledge questions (Danish or English), thanks — sending the next message as soon as the reply
arrives. A run stops after `max_messages` messages or `max_seconds`, whichever comes first, so every
loop is bounded. The same driver and mix feed Lyt (its HTTP contract) and a Rasa REST webhook.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

REQUEST_TIMEOUT_SECONDS = 30.0
# Knowledge questions get two typing slips each (`with_typos`): every question is new to any cache.

# (kind, text). Kinds: greeting, knowledge_da, knowledge_en, thanks, ack (okay, cool, ...). Only benign
# topics, so the conversations stay with the bot (a handoff would take later turns away from Rasa).
# Lengths 3–12 messages (mean 5.7): most bot chats are short, some go on.
# fmt: off
CONVERSATIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("da", [("greeting", "hej"), ("knowledge_da", "hvordan kan jeg bruge mindre tid på min telefon?"),
            ("knowledge_da", "jeg kan ikke sove om natten, hvad kan jeg gøre"), ("thanks", "tak")]),
    ("en", [("greeting", "hi"), ("knowledge_en", "how do i make my tiktok account private"), ("thanks", "thanks")]),
    ("da", [("greeting", "hejsa"), ("knowledge_da", "hvordan gør jeg min instagram privat"),
            ("knowledge_da", "hvordan ved jeg om en profil er fake"), ("thanks", "tusind tak")]),
    ("en", [("greeting", "hello"), ("knowledge_en", "someone keeps sending me mean messages on discord"),
            ("knowledge_en", "how can i tell if a website is a scam"), ("thanks", "thank you!")]),
    ("da", [("greeting", "godaften"), ("knowledge_da", "er det snyd når nogen vil sælge skins billigt?"),
            ("thanks", "ok tak")]),
    ("en", [("greeting", "hey"), ("knowledge_en", "i feel pressure to look perfect on instagram"),
            ("knowledge_en", "what should i do if my account got hacked"), ("thanks", "thanks a lot")]),
    ("da", [("greeting", "hej med dig"), ("knowledge_da", "der er nogen der skriver grimme ting om mig i en gruppechat"),
            ("knowledge_da", "min mor siger jeg gamer for meget"), ("thanks", "tak for hjælpen")]),
    ("da", [("greeting", "hej"), ("knowledge_da", "hvordan siger jeg til mine forældre at jeg bliver mobbet online"),
            ("ack", "okay"), ("knowledge_da", "hvad hvis de bliver sure på mig"), ("thanks", "tak"),
            ("knowledge_da", "kan man slette noget man har lagt op på snap"), ("ack", "okay"),
            ("knowledge_da", "hvordan blokerer jeg nogen på tiktok"), ("knowledge_da", "hvad er en god sengetid"),
            ("thanks", "tak for det")]),
    ("en", [("greeting", "hi there"), ("knowledge_en", "how much screen time is normal for a teenager"), ("ack", "ok"),
            ("knowledge_en", "how do i turn off notifications at night"), ("thanks", "thanks"),
            ("knowledge_en", "my friend got scammed on vinted what should she do"),
            ("knowledge_en", "how can i make a strong password"), ("ack", "cool"), ("thanks", "thanks bye")]),
    ("da", [("greeting", "hej"), ("knowledge_da", "hvordan får jeg styr på stress til eksamen"), ("ack", "ok"),
            ("knowledge_da", "hvad kan jeg gøre når jeg ikke kan falde i søvn"), ("thanks", "tak"),
            ("knowledge_da", "jeg bruger alt for meget tid på youtube"),
            ("knowledge_da", "hvordan slår jeg skærmtid til på iphone"), ("ack", "super"),
            ("knowledge_da", "er det ok at spille hele natten i weekenden"),
            ("knowledge_da", "hvordan taler jeg med min far om gaming"), ("thanks", "tak"), ("greeting", "hej hej")]),
]
# fmt: on


def long_script(lang: str, turns: int) -> list[tuple[str, str]]:
    """One long conversation: the scripted turns of one language, one after another, `turns` long."""
    pool = [turn for script_lang, script in CONVERSATIONS if script_lang == lang for turn in script]
    return [pool[i % len(pool)] for i in range(turns)]


def with_typos(text: str, rng: random.Random, edits: int = 2) -> str:
    """The question as a teenager might type it: `edits` slips (a dropped, doubled or swapped letter).

    Every knowledge question the driver sends is typed afresh, so no cache of earlier questions (the
    knowledge base keeps an LRU of query embeddings for repeated button payloads) answers it for free."""
    chars = list(text)
    for _ in range(edits):
        letters = [i for i in range(1, len(chars) - 1) if chars[i].isalpha() and chars[i + 1].isalpha()]
        if not letters:
            break
        i = rng.choice(letters)
        slip = rng.randrange(3)
        if slip == 0:
            del chars[i]
        elif slip == 1:
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def message_mix() -> dict[str, float]:
    """Share of each kind of message in one pass over the scripted conversations."""
    kinds = Counter(kind for _, turns in CONVERSATIONS for kind, _ in turns)
    total = sum(kinds.values())
    return {kind: round(count / total, 3) for kind, count in sorted(kinds.items())}


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise_ms(latencies_s: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies_s]
    return {f"p{q}_ms": round(percentile(ms, q), 1) for q in (50, 95, 99)} | {"mean_ms": round(sum(ms) / len(ms), 1)}


@dataclass
class Reply:
    ok: bool
    answered: bool = False  # a bot (or Rasa) reply came back
    article: bool = False  # Lyt answered with an article card (the knowledge search worked)
    handoff: bool = False  # the conversation left the bot (queue event)


class Target(Protocol):
    name: str

    async def open(self, client: httpx.AsyncClient, lang: str, index: int) -> dict[str, str]: ...

    async def send(self, client: httpx.AsyncClient, handle: dict[str, str], text: str, turn: int) -> Reply: ...


class LytTarget:
    """The whole Lyt stack through its HTTP contract (conversations spread over the given gateways)."""

    name = "lyt"

    def __init__(self, base_urls: list[str]) -> None:
        self.base_urls = base_urls

    async def open(self, client: httpx.AsyncClient, lang: str, index: int) -> dict[str, str]:
        base = self.base_urls[index % len(self.base_urls)]
        response = await client.post(f"{base}/api/v1/conversations", json={"lang": lang})
        response.raise_for_status()
        data = response.json()
        return {"base": base, "cid": data["conversation_id"], "token": data["token"]}

    async def send(self, client: httpx.AsyncClient, handle: dict[str, str], text: str, turn: int) -> Reply:
        response = await client.post(
            f"{handle['base']}/api/v1/conversations/{handle['cid']}/messages",
            json={"text": text, "client_msg_id": uuid.uuid4().hex},
            headers={"Authorization": f"Bearer {handle['token']}"},
        )
        if response.status_code != 200:
            return Reply(ok=False)
        events: list[dict[str, Any]] = response.json().get("events", [])
        return Reply(
            ok=True,
            answered=any(e.get("from") == "bot" for e in events),
            article=any("article" in e for e in events),
            handoff=any(e.get("type") == "queue" for e in events),
        )


class RasaRestTarget:
    """A Rasa server's REST channel. With several URLs, turns of one conversation rotate over them."""

    def __init__(self, base_urls: list[str], name: str = "stock-rasa", set_lang: bool = False) -> None:
        self.base_urls = base_urls
        self.name = name
        self.set_lang = set_lang

    async def open(self, client: httpx.AsyncClient, lang: str, index: int) -> dict[str, str]:
        handle = {"sender": f"bench-{uuid.uuid4().hex}", "offset": str(index)}
        if self.set_lang:  # what the Lyt gateway sends before the first message
            await self._post(
                client, self.base_urls[index % len(self.base_urls)], handle, '/set_lang{"lang":"' + lang + '"}'
            )
        return handle

    async def send(self, client: httpx.AsyncClient, handle: dict[str, str], text: str, turn: int) -> Reply:
        base = self.base_urls[(int(handle["offset"]) + turn) % len(self.base_urls)]
        response = await self._post(client, base, handle, text)
        if response.status_code != 200:
            return Reply(ok=False)
        items = response.json()
        return Reply(ok=True, answered=bool(items))

    async def _post(self, client: httpx.AsyncClient, base: str, handle: dict[str, str], text: str) -> httpx.Response:
        return await client.post(f"{base}/webhooks/rest/webhook", json={"sender": handle["sender"], "message": text})


def new_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency + 8, max_keepalive_connections=concurrency + 8)
    return httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS, limits=limits)


async def run_load(
    target: Target,
    concurrency: int,
    max_messages: int,
    max_seconds: float,
    warmup_messages: int = 0,
    conversation_turns: int | None = None,
) -> dict[str, Any]:
    """Drive `target` with `concurrency` virtual users; returns throughput and latency figures.

    By default each user plays the scripted conversations (3–12 turns). With `conversation_turns`,
    each user keeps one conversation going for that many turns (`long_script`) before a new one."""
    async with new_client(concurrency) as client:
        if warmup_messages:
            warm = _Budget(warmup_messages)
            await _play(target, client, 0, warm, time.monotonic() + max_seconds, [], Counter(), None)
        latencies: list[float] = []
        counts: Counter[str] = Counter()
        budget = _Budget(max_messages)
        started = time.monotonic()
        deadline = started + max_seconds
        await asyncio.gather(
            *(
                _play(target, client, i, budget, deadline, latencies, counts, conversation_turns)
                for i in range(concurrency)
            )
        )
        elapsed = time.monotonic() - started
    done = len(latencies)
    result: dict[str, Any] = {
        "target": target.name,
        "concurrency": concurrency,
        "conversation_turns": conversation_turns or "scripted 3–12",
        "messages": done,
        "errors": counts["errors"],
        "elapsed_s": round(elapsed, 2),
        "throughput_msg_s": round(done / elapsed, 2) if elapsed else 0.0,
        "answered_share": round(counts["answered"] / done, 3) if done else 0.0,
        "article_share": round(counts["articles"] / done, 3) if done else 0.0,
        "handoffs": counts["handoffs"],
        "conversations": counts["conversations"],
    }
    if latencies:
        result.update(summarise_ms(latencies))
    return result


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


async def _play(
    target: Target,
    client: httpx.AsyncClient,
    vu: int,
    budget: _Budget,
    deadline: float,
    latencies: list[float],
    counts: Counter[str],
    conversation_turns: int | None,
) -> None:
    """One virtual user: conversations back to back until the budget or the deadline ends."""
    script = vu
    rng = random.Random(vu * 7919 + int(time.time() * 1000))
    while time.monotonic() < deadline:
        lang, turns = CONVERSATIONS[script % len(CONVERSATIONS)]
        if conversation_turns:
            turns = long_script(lang, conversation_turns)
        script += 1
        try:
            handle = await target.open(client, lang, vu)
        except httpx.HTTPError:
            counts["errors"] += 1
            await asyncio.sleep(0.05)
            continue
        counts["conversations"] += 1
        for turn, (kind, text) in enumerate(turns):
            if time.monotonic() >= deadline or not budget.take():
                return
            if kind.startswith("knowledge"):
                text = with_typos(text, rng)
            began = time.perf_counter()
            try:
                reply = await target.send(client, handle, text, turn)
            except httpx.HTTPError:
                reply = Reply(ok=False)
            if not reply.ok:
                counts["errors"] += 1
                break
            latencies.append(time.perf_counter() - began)
            counts["answered"] += reply.answered
            counts["articles"] += reply.article
            if reply.handoff:
                counts["handoffs"] += 1
                break  # the bot is out of this conversation; start a new one
