"""The soak test's simulated people (see bench/bench_soak.py): widgets (young people) and counsellors,
the messages they write, and the per-operation request recording.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load import CONVERSATIONS, percentile, with_typos
from bench.soak_scan import SentPersonalData

WIDGET_THINK_SECONDS = (0.3, 1.0)
COUNSELLOR_THINK_SECONDS = (0.5, 1.5)
PASSWORD = "soak-password-0123"
OUTCOMES = ("helped", "referred", "emergency_services", "no_reply", "not_relevant", "other")

# --- messages the widgets and counsellors send ---------------------------------------------------


# {email} {phone_intl} {phone_dk} {phone_dk_spaced} {cpr_dash} {cpr_plain} {address} are filled in.
# fmt: off
PII_MESSAGES: list[tuple[str, str]] = [
    ("da", "min mail er {email} hvis i vil skrive til mig"),
    ("da", "kan i ringe til mig på {phone_intl}"),
    ("da", "mit nummer er {phone_dk}"),
    ("da", "skriv en sms til {phone_dk_spaced} efter skole"),
    ("da", "mit cpr nummer er {cpr_dash} skal i bruge det?"),
    ("da", "jeg har cpr {cpr_plain} og er 14 år"),
    ("da", "jeg bor på {address} sammen med min mor"),
    ("da", "hej jeg hedder ikke noget men min mail er {email} og tlf {phone_dk}"),
    ("en", "you can email me at {email}"),
    ("en", "my number is {phone_intl} text me"),
    ("en", "i live at {address_en} can someone come"),
]
# Risk messages written for the soak (checked with `lyt triage --jsonl`: urgent or concern).
RISK_MESSAGES: list[tuple[str, str]] = [
    ("da", "jeg har lyst til at tage mit eget liv"),
    ("da", "jeg skærer i mig selv igen i aften"),
    ("da", "min stedfar slår mig når han er fuld"),
    ("da", "jeg er så ked af det hele tiden og kan ikke mere"),
    ("da", "en voksen jeg mødte på nettet vil mødes og siger jeg ikke må sige det til nogen"),
    ("da", "han ved hvor jeg bor, {address}, og jeg er bange for at han kommer"),
    ("da", "jeg vil ikke leve mere, ring til mig på {phone_dk}"),
    ("en", "i want to kill myself tonight"),
    ("en", "i feel so alone and nobody cares about me"),
    ("en", "someone is threatening to share my nudes unless i send more, his email is {email}"),
]
WAITING_MESSAGES: list[tuple[str, str]] = [
    ("da", "er der nogen?"), ("da", "hvor lang tid tager det"), ("da", "okay jeg venter"),
    ("da", "det handler om min ven"), ("en", "is anyone there"), ("en", "ok i'll wait"),
]
COUNSELLOR_MESSAGES: list[str] = [
    "Hej, jeg hedder Sara og er rådgiver her. Hvad har du lyst til at fortælle?",
    "Det lyder svært. Hvor længe har det stået på?",
    "Tak fordi du skriver. Du behøver ikke sige hvem du er.",
    "Du skrev {phone_dk} – slet det gerne, vi har ikke brug for dit nummer.",
    "Jeg kan se du har skrevet {email}; vi skriver kun her i chatten.",
    "Er der en voksen du stoler på, som du kan tale med?",
]
# fmt: on


# --- recording ------------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    async def call(
        self, op: str, request: Any, expected: Iterable[int] = (200,), tolerated: Iterable[int] = ()
    ) -> httpx.Response | None:
        """Time one request. An `expected` status is a success, a `tolerated` one is counted apart
        (e.g. a 409 from a lost claim race); anything else, or no answer, is an error."""
        began = time.perf_counter()
        try:
            response: httpx.Response = await request
        except httpx.HTTPError as exc:
            self._error(op, type(exc).__name__, "")
            return None
        elapsed = time.perf_counter() - began
        if response.status_code in expected:
            self.latencies[op].append(elapsed)
            return response
        if response.status_code in tolerated:
            self.latencies[op].append(elapsed)
            self.counts[f"{op} {response.status_code}"] += 1
            return response
        self._error(op, str(response.status_code), response.text[:200])
        return None

    def _error(self, op: str, what: str, body: str) -> None:
        self.errors[f"{op} {what}"] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{op} {what} {body}".strip())

    def summary(self) -> dict[str, Any]:
        ops: dict[str, Any] = {}
        for op in sorted(set(self.latencies) | {k.split(" ", 1)[0] for k in self.errors}):
            ms = [s * 1000 for s in self.latencies.get(op, [])]
            row: dict[str, Any] = {
                "n": len(ms),
                "errors": sum(v for k, v in self.errors.items() if k.split(" ", 1)[0] == op),
            }
            if ms:
                row |= {f"p{q}_ms": round(percentile(ms, q), 1) for q in (50, 95, 99)}
                row["max_ms"] = round(max(ms), 1)
            ops[op] = row
        return {
            "operations": ops,
            "requests": sum(len(v) for v in self.latencies.values()) + sum(self.errors.values()),
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors),
            "error_samples": self.error_samples,
            "tolerated": {k: v for k, v in self.counts.items() if " " in k},
            "counts": {k: v for k, v in self.counts.items() if " " not in k},
        }


YOUTH_MESSAGE_OPS = ("message_bot", "message_pii", "message_risk", "ask_human", "message_after_handoff")


# --- the simulated people -----------------------------------------------------------------------


class Widget:
    def __init__(self, base: str, client: httpx.AsyncClient, stats: Stats, sent: SentPersonalData, seed: int) -> None:
        self.base, self.client, self.stats, self.sent = base, client, stats, sent
        self.rng = random.Random(seed)
        self.cid = self.token = ""

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*WIDGET_THINK_SECONDS))

    async def say(self, op: str, text: str) -> list[dict[str, Any]] | None:
        response = await self.stats.call(
            op,
            self.client.post(
                f"{self.base}/api/v1/conversations/{self.cid}/messages",
                json={"text": text, "client_msg_id": uuid.uuid4().hex},
                headers={"Authorization": f"Bearer {self.token}"},
            ),
        )
        if response is None:
            return None
        self.stats.counts["youth_messages"] += 1
        events: list[dict[str, Any]] = response.json().get("events", [])
        await self.think()
        return events

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            lang = self.rng.choice(("da", "da", "en"))
            response = await self.stats.call(
                "create", self.client.post(f"{self.base}/api/v1/conversations", json={"lang": lang})
            )
            if response is None:
                await asyncio.sleep(0.5)
                continue
            data = response.json()
            self.cid, self.token = data["conversation_id"], data["token"]
            self.stats.counts["conversations"] += 1
            kind = self.rng.choices(("bot", "handoff", "risk"), weights=(55, 25, 20))[0]
            self.stats.counts[f"chats_{kind}"] += 1
            await getattr(self, f"_{kind}_chat")(lang, deadline)

    def _pii_text(self, lang: str) -> str:
        templates = [t for lng, t in PII_MESSAGES if lng == lang] or [t for _, t in PII_MESSAGES]
        return self.sent.fill(self.rng.choice(templates), self.rng)

    async def _bot_chat(self, lang: str, deadline: float) -> None:
        scripts = [turns for script_lang, turns in CONVERSATIONS if script_lang == lang]
        turns = list(self.rng.choice(scripts))
        pii_at = self.rng.randrange(1, len(turns)) if self.rng.random() < 0.5 else -1
        for i, (kind, text) in enumerate(turns):
            if time.monotonic() >= deadline:
                return
            if i == pii_at:
                if await self.say("message_pii", self._pii_text(lang)) is None:
                    return
            text = with_typos(text, self.rng) if kind.startswith("knowledge") else text
            events = await self.say("message_bot", text)
            if events is None or any(e.get("type") == "queue" for e in events):
                return  # an error, or the bot handed over: this chat is done
        if self.rng.random() < 0.15:  # quick exit / delete my chat
            await self.stats.call(
                "delete",
                self.client.delete(
                    f"{self.base}/api/v1/conversations/{self.cid}", headers={"Authorization": f"Bearer {self.token}"}
                ),
                expected=(204,),
            )

    async def _after_handoff(self, lang: str, deadline: float, events: list[dict[str, Any]]) -> None:
        waiting = any(e.get("type") == "queue" for e in events)
        for _ in range(self.rng.randint(2, 5)):
            if time.monotonic() >= deadline:
                break
            if self.rng.random() < 0.3:
                text = self._pii_text(lang)
            else:
                text = self.rng.choice([t for lng, t in WAITING_MESSAGES if lng == lang])
            reply = await self.say("message_after_handoff", text)
            if reply is None:
                return
            waiting = any(e.get("type") == "queue" for e in reply)
        if waiting:  # not picked up yet: leave the queue (409 if a counsellor claimed it meanwhile)
            await self.stats.call(
                "leave_queue",
                self.client.post(
                    f"{self.base}/api/v1/conversations/{self.cid}/leave-queue",
                    headers={"Authorization": f"Bearer {self.token}"},
                ),
                tolerated=(409,),
            )

    async def _handoff_chat(self, lang: str, deadline: float) -> None:
        first = "hej" if lang == "da" else "hi"
        if await self.say("message_bot", first) is None:
            return
        if self.rng.random() < 0.5 and await self.say("message_pii", self._pii_text(lang)) is None:
            return
        events = await self.say("ask_human", "/ask_human")
        if events is not None:
            await self._after_handoff(lang, deadline, events)

    async def _risk_chat(self, lang: str, deadline: float) -> None:
        if await self.say("message_bot", "hej" if lang == "da" else "hey") is None:
            return
        templates = [t for lng, t in RISK_MESSAGES if lng == lang]
        events = await self.say("message_risk", self.sent.fill(self.rng.choice(templates), self.rng))
        if events is None:
            return
        if not any(e.get("type") == "queue" for e in events):  # concern: the offer of a person, taken half the time
            if self.rng.random() < 0.5:
                await self.say("message_bot", "ok tak" if lang == "da" else "ok thanks")
                return
            events = await self.say("ask_human", "/ask_human")
            if events is None:
                return
        await self._after_handoff(lang, deadline, events)


class Counsellor:
    def __init__(
        self, base: str, client: httpx.AsyncClient, stats: Stats, sent: SentPersonalData, name: str, seed: int
    ) -> None:
        self.base, self.client, self.stats, self.sent, self.name = base, client, stats, sent, name
        self.rng = random.Random(seed)
        self.headers: dict[str, str] = {}
        self.held: dict[str, int] = {}  # cid -> messages still to write before closing

    async def login(self) -> bool:
        response = await self.stats.call(
            "login",
            self.client.post(f"{self.base}/api/v1/auth/token", data={"username": self.name, "password": PASSWORD}),
        )
        if response is None:
            return False
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return True

    async def run(self, deadline: float) -> None:
        if not await self.login():
            return
        while time.monotonic() < deadline:
            await self._claim_one()
            for cid in list(self.held):
                await self._write(cid)
            await asyncio.sleep(self.rng.uniform(*COUNSELLOR_THINK_SECONDS))
        for cid in list(self.held):  # at the end: close what is still held
            await self._close(cid)

    async def _claim_one(self) -> None:
        response = await self.stats.call(
            "queue_list", self.client.get(f"{self.base}/api/v1/queue", headers=self.headers)
        )
        if response is None or len(self.held) >= 3:
            return
        waiting = [item["conversation_id"] for item in response.json() if item.get("conversation_id")]
        if not waiting:
            return
        cid = waiting[0]
        claimed = await self.stats.call(
            "claim",
            self.client.post(f"{self.base}/api/v1/queue/{cid}/claim", headers=self.headers),
            tolerated=(409,),
        )
        if claimed is not None and claimed.status_code == 200:
            self.stats.counts["claims"] += 1
            self.held[cid] = self.rng.randint(1, 4)

    async def _write(self, cid: str) -> None:
        text = self.sent.fill(self.rng.choice(COUNSELLOR_MESSAGES), self.rng)
        response = await self.stats.call(
            "counsellor_message",
            self.client.post(
                f"{self.base}/api/v1/counsellor/conversations/{cid}/messages", json={"text": text}, headers=self.headers
            ),
        )
        if response is None:
            self.held.pop(cid, None)
            return
        self.stats.counts["counsellor_messages"] += 1
        self.held[cid] -= 1
        if self.held[cid] <= 0:
            await self._close(cid)

    async def _close(self, cid: str) -> None:
        note = self.sent.fill(self.rng.choice(("", "fulgt op", "nævnte {address}", "gav nummer {phone_dk}")), self.rng)
        await self.stats.call(
            "close",
            self.client.post(
                f"{self.base}/api/v1/counsellor/conversations/{cid}/close",
                json={"outcome": self.rng.choice(OUTCOMES), "note": note},
                headers=self.headers,
            ),
        )
        self.held.pop(cid, None)
        self.stats.counts["closed"] += 1
