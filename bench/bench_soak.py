"""Soak test: the whole stack at a steady load for minutes; memory growth and what ends up in Redis.

    .venv/bin/python -m bench.bench_soak [--minutes 10] [--widgets 8] [--counsellors 2] [--no-doc]

Starts redis-server, the Lyt Rasa stack (Rasa + action server, `var/models/lyt.tar.gz`) and one
gateway (bench/procs.py), then for `--minutes`:

- **widgets** (simulated young people, each a loop with 0.3–1.0 s between messages): create a
  conversation, then play one of three kinds of chat — a bot chat from bench/load.py's scripts (some
  with a message carrying personal data: e-mail, Danish phone numbers "+45 12 34 56 78" and
  "12345678", CPR numbers "010203-1234" and "0102031234", street addresses), a chat that asks for a
  person ("/ask_human") and keeps writing while waiting or with the counsellor, or a risk message
  (written here, concern or urgent, some with personal data too). Some bot chats end with "delete my
  chat"; a widget still waiting when it is done leaves the queue.
- **counsellors** (accounts made with `api.services.accounts`, logged in with POST /api/v1/auth/token):
  list the queue, claim the top conversation (409s from concurrent claims or capacity are counted,
  not errors), write a few messages (some with personal data), close with an outcome and a note.

Reported: requests and errors (any status other than the expected one) and p50/p95/p99 latency per
operation kind; RSS of every process (gateway, Rasa, action server, redis-server) after a warm-up
minute and at the end, and the growth per process (target < 5 %); then a scan of the whole Redis
dataset (SCAN every key; GET / HGETALL / LRANGE / XRANGE / ZRANGE / SMEMBERS by type) for IP
addresses (IPv4/IPv6), e-mail addresses, phone and CPR numbers (patterns), and for the exact values
this run sent (digits compared whatever the spacing); and a check that every key under the
conversation prefix has a TTL. Results go to bench/results/soak-<time>.json and .md, and to the
`<!-- bench:soak -->` block of docs/PERFORMANCE.md. `make bench` runs it only when asked
(`--only soak`). Nothing fails on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil
import redis as redis_sync

from api import redis_keys
from api.services.accounts import create_account
from bench.load import CONVERSATIONS, new_client, percentile, with_typos
from bench.procs import Processes, start_gateway, start_lyt_rasa, start_redis_server

DEFAULT_MINUTES = 10.0
DEFAULT_WIDGETS = 8
DEFAULT_COUNSELLORS = 2
WARM_UP_SECONDS = 60.0
RSS_SAMPLE_SECONDS = 15.0
RSS_GROWTH_TARGET_PCT = 5.0
WIDGET_THINK_SECONDS = (0.3, 1.0)
COUNSELLOR_THINK_SECONDS = (0.5, 1.5)
PASSWORD = "soak-password-0123"
CONVERSATION_PREFIX = redis_keys.conversation("")  # "lyt:conv:"
OUTCOMES = ("helped", "referred", "emergency_services", "no_reply", "not_relevant", "other")
MAX_FINDINGS_KEPT = 25
MAX_FINDINGS_PER_KIND = 5

# --- personal data the widgets send -------------------------------------------------------------

FIRST_NAMES = ("lukas", "emma", "noah", "ida", "william", "freja", "oscar", "alma", "karl", "clara", "malik", "sofie")
MAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.dk", "live.dk", "yahoo.com", "skole.dk")
STREETS_DA = ("Nørrebrogade", "Vesterbrogade", "Jagtvej", "Åboulevard", "Amagerbrogade", "Søndergade", "Strandvejen")
STREETS_EN = ("Baker Street", "High Road", "Church Lane", "Park Avenue")

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


@dataclass
class SentPersonalData:
    """Every personal value the generator sent, by kind (searched for in Redis at the end)."""

    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def fill(self, template: str, rng: random.Random) -> str:
        for name in re.findall(r"\{(\w+)\}", template):
            value = getattr(self, name)(rng)
            template = template.replace("{" + name + "}", value, 1)
        return template

    def _keep(self, kind: str, value: str) -> str:
        self.values[kind].add(value)
        return value

    def email(self, rng: random.Random) -> str:
        local = f"{rng.choice(FIRST_NAMES)}{rng.choice(('.', '_', ''))}{rng.randrange(10, 99999)}"
        return self._keep("email", f"{local}@{rng.choice(MAIL_DOMAINS)}")

    @staticmethod
    def _dk_number(rng: random.Random) -> str:
        return str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(7))

    def phone_intl(self, rng: random.Random) -> str:
        d = self._dk_number(rng)
        return self._keep("phone", f"+45 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}")

    def phone_dk(self, rng: random.Random) -> str:
        return self._keep("phone", self._dk_number(rng))

    def phone_dk_spaced(self, rng: random.Random) -> str:
        d = self._dk_number(rng)
        return self._keep("phone", f"{d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}")

    @staticmethod
    def _cpr_digits(rng: random.Random) -> str:
        return (
            f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(0, 100):02d}{rng.randrange(10000):04d}"
        )

    def cpr_dash(self, rng: random.Random) -> str:
        d = self._cpr_digits(rng)
        return self._keep("cpr", f"{d[:6]}-{d[6:]}")

    def cpr_plain(self, rng: random.Random) -> str:
        return self._keep("cpr", self._cpr_digits(rng))

    def address(self, rng: random.Random) -> str:
        floor = rng.choice(("", f", {rng.randrange(1, 6)}. th", f", {rng.randrange(1, 6)}. tv"))
        return self._keep("address", f"{rng.choice(STREETS_DA)} {rng.randrange(1, 200)}{floor}")

    def address_en(self, rng: random.Random) -> str:
        return self._keep("address", f"{rng.randrange(1, 200)} {rng.choice(STREETS_EN)}")

    def counts(self) -> dict[str, int]:
        return {kind: len(values) for kind, values in sorted(self.values.items())}


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


# --- memory --------------------------------------------------------------------------------------


def rss_mb(pids: dict[str, int]) -> dict[str, float]:
    """RSS of each named process with its children, in MB (NaN when it is gone)."""
    out: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            process = psutil.Process(pid)
            family = [process, *process.children(recursive=True)]
            out[name] = round(sum(p.memory_info().rss for p in family) / 2**20, 1)
        except psutil.Error:
            out[name] = float("nan")
    return out


def redis_memory(redis_url: str) -> dict[str, Any]:
    client = redis_sync.Redis.from_url(redis_url, decode_responses=True)
    try:
        info = client.info("memory")
        return {"used_memory_mb": round(info["used_memory"] / 2**20, 2), "keys": client.dbsize()}
    finally:
        client.close()


async def sample_memory(
    pids: dict[str, int], redis_url: str, began: float, stop: asyncio.Event, series: list[dict[str, Any]]
) -> None:
    while not stop.is_set():
        series.append(
            {"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)}
            | await asyncio.to_thread(redis_memory, redis_url)
        )
        try:
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_SECONDS)
        except TimeoutError:
            pass


def growth(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
    return {name: round((end[name] - start[name]) * 100 / start[name], 2) for name in start if start[name]}


# --- the Redis scan -------------------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9A-Fa-f:]*[0-9A-Fa-f])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone: optional +45/0045, then 8 digits in any grouping; not inside a longer number, word or decimal.
_PHONE = re.compile(r"(?<![\w+.])(?:(?:\+|00)45[ .-]?)?\d{2}(?:[ .-]?\d{2}){3}(?!\w|[.,]\d)")
_PHONE_INTL = re.compile(r"(?<![\w+.])(?:\+|00)\d{1,3}(?:[ .-]?\d){6,12}(?!\w|[.,]\d)")
_CPR = re.compile(r"(?<![\w.])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-?\d{4}(?!\w|[.,]\d)")
_DIGIT_RUN = re.compile(r"\+?\d(?:[ .-]?\d)*")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_WORD = re.compile(r"[\w.+@-]+")
_STREET_WORDS = tuple(s.lower().split()[0] for s in STREETS_DA + STREETS_EN)


def _ip_ok(candidate: str, version: int) -> bool:
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return address.version == version


# Key names are built from ids, buckets and time windows (lyt:ratelimit:msg:{cid}:{minute}), never from
# message text: only addresses, e-mails and the exact values sent are looked for in them.
NOT_IN_KEY_NAMES = {"phone", "phone_international", "cpr"}
PATTERNS: dict[str, tuple[re.Pattern[str], Any]] = {
    "ipv4": (_IPV4, lambda m: _ip_ok(m, 4)),
    "ipv6": (_IPV6, lambda m: _ip_ok(m, 6)),
    "email": (_EMAIL, None),
    "phone": (_PHONE, None),
    "phone_international": (_PHONE_INTL, None),
    "cpr": (_CPR, None),
}


@dataclass
class ExactValues:
    """The sent values in forms that are cheap to look for in any text."""

    digits: dict[str, str]  # digits only (phones also without +45) -> kind
    emails: set[str]
    email_locals: set[str]
    addresses: set[str]

    @classmethod
    def of(cls, sent: SentPersonalData) -> ExactValues:
        digits: dict[str, str] = {}
        for kind in ("phone", "cpr"):
            for value in sent.values.get(kind, ()):
                only = re.sub(r"\D", "", value)
                digits[only] = kind
                if kind == "phone" and only.startswith("45") and len(only) == 10:
                    digits[only[2:]] = kind
        emails = {v.lower() for v in sent.values.get("email", ())}
        return cls(
            digits,
            emails,
            {e.split("@", 1)[0] for e in emails},
            {v.lower() for v in sent.values.get("address", ())}
            | {a.lower().split(",")[0] for a in sent.values.get("address", ())},
        )

    def find(self, text: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for run in _DIGIT_RUN.findall(text):
            only = re.sub(r"\D", "", run)
            if only in self.digits:
                found.append((f"sent {self.digits[only]}", run))
        lower = text.lower()
        if "@" in lower or self.email_locals:
            for word in _WORD.findall(lower):
                if word in self.emails:
                    found.append(("sent email", word))
                elif word.split("@", 1)[0] in self.email_locals:
                    found.append(("sent email (local part)", word))
        if any(street in lower for street in _STREET_WORDS):
            matched = [a for a in self.addresses if a in lower]  # "Jagtvej 3, 2. th" and "Jagtvej 3": once
            found += [("sent address", a) for a in matched if not any(a != b and a in b for b in matched)]
        return found


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _key_shape(key: str) -> str:
    """A key name with its ids and numbers replaced, to group keys (lyt:conv:{id}:events)."""
    return re.sub(r"\d{6,}", "{n}", re.sub(r"[0-9a-f]{16,}", "{id}", key))


def _pieces(client: redis_sync.Redis, key: str, kind: str) -> Iterable[tuple[str, str]]:
    """(where, text) for everything stored under one key."""
    if kind == "string":
        yield "value", _text(client.get(key) or b"")
    elif kind == "hash":
        for f, v in client.hscan_iter(key, count=500):
            yield f"field {_text(f)}", _text(f)
            yield f"field {_text(f)}", _text(v)
    elif kind == "list":
        for i, v in enumerate(client.lrange(key, 0, -1)):
            yield f"item {i}", _text(v)
    elif kind == "set":
        for v in client.sscan_iter(key, count=500):
            yield "member", _text(v)
    elif kind == "zset":
        for member, _score in client.zscan_iter(key, count=500):
            yield "member", _text(member)
    elif kind == "stream":
        last = "-"
        while True:
            entries = client.xrange(key, min=last, max="+", count=500)
            if last != "-":
                entries = entries[1:]
            if not entries:
                break
            for entry_id, fields in entries:
                for f, v in fields.items():
                    yield f"entry {_text(entry_id)} {_text(f)}", _text(f) + "\n" + _text(v)
            last = _text(entries[-1][0])


def scan_redis(redis_url: str, sent: SentPersonalData) -> dict[str, Any]:
    """Read every key of the database; look for addresses, e-mails, phone and CPR numbers; check TTLs."""
    client = redis_sync.Redis.from_url(redis_url, decode_responses=False)
    exact = ExactValues.of(sent)
    findings: list[dict[str, str]] = []
    by_kind: Counter[str] = Counter()
    keys_by_type: Counter[str] = Counter()
    no_ttl: Counter[str] = Counter()
    conv_keys = conv_no_ttl = pieces = 0
    conv_no_ttl_examples: list[str] = []
    began = time.monotonic()
    try:
        for raw_key in client.scan_iter(count=1000):
            key = _text(raw_key)
            kind = _text(client.type(raw_key))
            if kind == "none":
                continue  # expired between SCAN and TYPE
            keys_by_type[kind] += 1
            ttl = client.ttl(raw_key)
            if ttl == -1:
                no_ttl[_key_shape(key)] += 1
            if key.startswith(CONVERSATION_PREFIX):
                conv_keys += 1
                if ttl == -1:
                    conv_no_ttl += 1
                    if len(conv_no_ttl_examples) < 10:
                        conv_no_ttl_examples.append(key)
            for where, text in [("key name", key), *_pieces(client, key, kind)]:
                pieces += 1
                if "\\u" in text:  # JSON (Rasa's tracker) writes "på" as "p\u00e5"
                    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
                hits = [
                    (name, m.group(0))
                    for name, (pattern, valid) in PATTERNS.items()
                    if where != "key name" or name not in NOT_IN_KEY_NAMES
                    for m in pattern.finditer(text)
                    if valid is None or valid(m.group(0))
                ]
                hits += exact.find(text)
                for name, match in hits:
                    by_kind[name] += 1
                    if by_kind[name] <= MAX_FINDINGS_PER_KIND and len(findings) < MAX_FINDINGS_KEPT:
                        at = text.find(match)
                        context = text[max(0, at - 60) : at + len(match) + 60].replace("\n", " ")
                        findings.append(
                            {"key": key, "type": kind, "where": where, "kind": name, "match": match, "context": context}
                        )
    finally:
        client.close()
    return {
        "keys": sum(keys_by_type.values()),
        "keys_by_type": dict(keys_by_type),
        "pieces_read": pieces,
        "seconds": round(time.monotonic() - began, 1),
        "found_by_kind": dict(by_kind),
        "found": sum(by_kind.values()),
        "findings": findings,
        "sent_values": sent.counts(),
        "conversation_keys": conv_keys,
        "conversation_keys_without_ttl": conv_no_ttl,
        "conversation_keys_without_ttl_examples": conv_no_ttl_examples,
        "keys_without_ttl_by_shape": dict(no_ttl.most_common(20)),
    }


# --- the run ------------------------------------------------------------------------------------


async def soak(
    gateway_url: str,
    redis_url: str,
    pids: dict[str, int],
    minutes: float = DEFAULT_MINUTES,
    widgets: int = DEFAULT_WIDGETS,
    counsellors: int = DEFAULT_COUNSELLORS,
    warm_up_seconds: float | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Drive one gateway for `minutes`; returns the figures (see the module docstring)."""
    seconds = minutes * 60
    warm_up = min(WARM_UP_SECONDS, seconds / 5) if warm_up_seconds is None else warm_up_seconds
    seed = int(time.time()) if seed is None else seed
    stats, sent = Stats(), SentPersonalData()
    run_id = uuid.uuid4().hex[:6]
    names = [f"soak-{run_id}-{i}" for i in range(counsellors)]
    for name in names:
        await create_account(redis_url, name, PASSWORD, "counsellor")
    load_before = round(os.getloadavg()[0], 2)
    series: list[dict[str, Any]] = []
    stop = asyncio.Event()
    began = time.monotonic()
    deadline = began + seconds
    sampler = asyncio.create_task(_sample_after(warm_up, pids, redis_url, began, stop, series))
    async with new_client(widgets + counsellors) as client:
        people = [Widget(gateway_url, client, stats, sent, seed * 1000 + i).run(deadline) for i in range(widgets)]
        people += [
            Counsellor(gateway_url, client, stats, sent, name, seed * 1000 + 500 + i).run(deadline)
            for i, name in enumerate(names)
        ]
        await asyncio.gather(*people)
    elapsed = time.monotonic() - began
    stop.set()
    await sampler
    end = {"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)} | await asyncio.to_thread(
        redis_memory, redis_url
    )
    series.append(end)
    start = series[0]
    load_after = round(os.getloadavg()[0], 2)
    print(f"  load done: {elapsed:.0f} s; scanning Redis ...", flush=True)
    scan = await asyncio.to_thread(scan_redis, redis_url, sent)
    summary = stats.summary()
    rss_growth = growth(start["rss_mb"], end["rss_mb"])
    youth = sum(summary["operations"].get(op, {}).get("n", 0) for op in YOUTH_MESSAGE_OPS)
    counsellor_msgs = summary["operations"].get("counsellor_message", {}).get("n", 0)
    result: dict[str, Any] = {
        "minutes": minutes,
        "widgets": widgets,
        "counsellors": counsellors,
        "seed": seed,
        "elapsed_s": round(elapsed, 1),
        "warm_up_s": round(warm_up, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "messages_sent": youth + counsellor_msgs,
        "youth_messages": youth,
        "counsellor_messages": counsellor_msgs,
        "messages_per_s": round((youth + counsellor_msgs) / elapsed, 2) if elapsed else 0.0,
        **summary,
        "rss_start": start,
        "rss_end": end,
        "rss_growth_pct": rss_growth,
        "rss_target_met": bool(rss_growth) and all(v < RSS_GROWTH_TARGET_PCT for v in rss_growth.values()),
        "rss_series": series,
        "scan": scan,
        "privacy_target_met": scan["found"] == 0 and scan["conversation_keys_without_ttl"] == 0,
    }
    _print(result)
    return result


async def _sample_after(
    warm_up: float,
    pids: dict[str, int],
    redis_url: str,
    began: float,
    stop: asyncio.Event,
    series: list[dict[str, Any]],
) -> None:
    try:
        await asyncio.wait_for(stop.wait(), warm_up)
    except TimeoutError:
        pass
    if not stop.is_set():
        await sample_memory(pids, redis_url, began, stop, series)
    elif not series:
        series.append({"t_s": round(time.monotonic() - began, 1), "rss_mb": rss_mb(pids)} | redis_memory(redis_url))


def _print(r: dict[str, Any]) -> None:
    print(
        f"  {r['elapsed_s']} s, {r['widgets']} widgets, {r['counsellors']} counsellors: {r['messages_sent']} messages "
        f"({r['youth_messages']} youth, {r['counsellor_messages']} counsellor, {r['messages_per_s']}/s), "
        f"{r['requests']} requests, {r['errors']} errors; load average {r['load_average_before']} → {r['load_average_after']}"
    )
    for op, row in r["operations"].items():
        print(f"    {op:24} n={row['n']:6} errors={row['errors']:4} p50 {row.get('p50_ms')} p95 {row.get('p95_ms')} ms")
    for name, pct in r["rss_growth_pct"].items():
        print(f"    RSS {name:8} {r['rss_start']['rss_mb'][name]} → {r['rss_end']['rss_mb'][name]} MB ({pct:+.2f} %)")
    s = r["scan"]
    print(
        f"  Redis scan: {s['keys']} keys, {s['pieces_read']} values read in {s['seconds']} s; found {s['found']} "
        f"{s['found_by_kind']}; conversation keys {s['conversation_keys']}, without TTL "
        f"{s['conversation_keys_without_ttl']}"
    )
    for finding in s["findings"][:10]:
        print(
            f"    FOUND {finding['kind']} in {finding['key']} ({finding['type']}, {finding['where']}): {finding['context']!r}"
        )
    if r["error_samples"]:
        print("  first errors: " + "; ".join(r["error_samples"][:5]))


def run_stack(procs: Processes, minutes: float, widgets: int, counsellors: int) -> dict[str, Any]:
    """Start redis-server, the Lyt Rasa stack and a gateway; soak them; stop them."""
    redis = start_redis_server(procs)
    rasa = start_lyt_rasa(procs, redis.port, "configured")
    gateway = start_gateway(procs, redis.url, rasa.urls[0], rasa.actions_url)
    pids = {
        "gateway": gateway.process.pid,
        "rasa": rasa.processes[1].pid,
        "actions": rasa.processes[0].pid,
        "redis": redis.process.pid,
    }
    print(f"soak: {minutes} min, {widgets} widgets, {counsellors} counsellors (triage {gateway.triage})", flush=True)
    result = asyncio.run(soak(gateway.url, redis.url, pids, minutes, widgets, counsellors))
    result |= {"triage": gateway.triage, "tracker_store": rasa.tracker_store}
    for process in [gateway.process, *rasa.processes, redis.process]:
        procs.stop(process)
    return result


# --- report ---------------------------------------------------------------------------------------


def render(data: dict[str, Any]) -> str:
    """The `<!-- bench:soak -->` block of docs/PERFORMANCE.md."""
    ops = data.get("operations", {})
    lines = [
        f"{data.get('minutes')} minutes ({data.get('elapsed_s')} s, RSS first sampled after {data.get('warm_up_s')} s of "
        f"warm-up), {data.get('widgets')} widgets and {data.get('counsellors')} counsellors, triage "
        f"{data.get('triage', '–')}, tracker store `{data.get('tracker_store', '–')}`; 1-minute load average "
        f"{data.get('load_average_before')} at the start, {data.get('load_average_after')} at the end.",
        "",
        f"Messages sent: **{data.get('messages_sent')}** ({data.get('youth_messages')} from widgets, "
        f"{data.get('counsellor_messages')} from counsellors; {data.get('messages_per_s')} per second) in "
        f"{data.get('counts', {}).get('conversations', 0)} conversations; {data.get('requests')} requests, "
        f"**{data.get('errors')} errors**"
        + (
            f" ({', '.join(f'{k}: {v}' for k, v in data.get('errors_by_kind', {}).items())})"
            if data.get("errors")
            else ""
        )
        + ".",
        "",
        "| operation | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for op, row in ops.items():
        lines.append(
            f"| {op} | {row['n']} | {row['errors']} | {row.get('p50_ms', '–')} | {row.get('p95_ms', '–')} "
            f"| {row.get('p99_ms', '–')} | {row.get('max_ms', '–')} |"
        )
    tolerated = data.get("tolerated", {})
    if tolerated:
        lines += ["", "Expected conflicts (not errors): " + ", ".join(f"{k}: {v}" for k, v in tolerated.items()) + "."]
    start, end, pct = data.get("rss_start", {}), data.get("rss_end", {}), data.get("rss_growth_pct", {})
    lines += [
        "",
        f"| process | RSS at {start.get('t_s')} s | RSS at {end.get('t_s')} s | growth | < {RSS_GROWTH_TARGET_PCT:.0f} % |",
        "|---|---|---|---|---|",
    ]
    for name, value in pct.items():
        lines.append(
            f"| {name} | {start['rss_mb'][name]} MB | {end['rss_mb'][name]} MB | {value:+.2f} % "
            f"| {'yes' if value < RSS_GROWTH_TARGET_PCT else '**no**'} |"
        )
    lines += [
        "",
        f"Redis: {start.get('keys')} → {end.get('keys')} keys, used memory {start.get('used_memory_mb')} → "
        f"{end.get('used_memory_mb')} MB.",
    ]
    s = data.get("scan", {})
    sent = ", ".join(f"{k} {v}" for k, v in s.get("sent_values", {}).items())
    lines += [
        "",
        f"Redis scan at the end: {s.get('keys')} keys ({', '.join(f'{k} {v}' for k, v in s.get('keys_by_type', {}).items())}), "
        f"{s.get('pieces_read')} values read. Looked for IPv4/IPv6 addresses, e-mail addresses, phone and CPR "
        f"numbers, and the {sum(s.get('sent_values', {}).values())} distinct values sent ({sent}): "
        f"**{s.get('found')} found**"
        + (f" ({', '.join(f'{k} {v}' for k, v in s.get('found_by_kind', {}).items())})" if s.get("found") else "")
        + f". Keys under `{CONVERSATION_PREFIX}`: {s.get('conversation_keys')}, without a TTL: "
        f"**{s.get('conversation_keys_without_ttl')}**. Keys without a TTL, by shape: "
        + (", ".join(f"`{k}` {v}" for k, v in s.get("keys_without_ttl_by_shape", {}).items()) or "none")
        + ".",
    ]
    for f in s.get("findings", [])[:10]:
        lines.append(f"- found {f['kind']} in `{f['key']}` ({f['type']}, {f['where']}): `{f['context']}`")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from bench.run_all import PERFORMANCE_DOC, RESULTS_DIR, machine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES)
    parser.add_argument("--widgets", type=int, default=DEFAULT_WIDGETS)
    parser.add_argument("--counsellors", type=int, default=DEFAULT_COUNSELLORS)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    meta = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    with Processes() as procs:
        data = run_stack(procs, args.minutes, args.widgets, args.counsellors)
    meta["soak_load_average_after"] = round(os.getloadavg()[0], 2)
    results = {"meta": meta, "soak": data}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS_DIR / f"soak-{stamp}.json", RESULTS_DIR / f"soak-{stamp}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(report.full_report(results))
    print(f"wrote {json_path} and {md_path}")
    if not args.no_doc:
        stamp_text = (
            f"{meta['started']}, {meta['machine']}; 1-minute load average before the run {meta['load_average_before']}"
        )
        report.update_performance_doc(PERFORMANCE_DOC, {"soak": render(data)}, stamp_text)
        print(f"updated {PERFORMANCE_DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
