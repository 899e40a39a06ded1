"""The soak test's personal data and its Redis scan (see bench/bench_soak.py).

`SentPersonalData` makes up the e-mails, phone and CPR numbers and addresses the simulated people send and
remembers each one; `scan_redis` reads every key of the database at the end and looks for IP addresses,
e-mail addresses, phone and CPR numbers (patterns) and for the exact values sent, and checks that every key
under the conversation prefix has a TTL.
"""

from __future__ import annotations

import ipaddress
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import redis as redis_sync

from api import redis_keys

CONVERSATION_PREFIX = redis_keys.conversation("")  # "lyt:conv:"
MAX_FINDINGS_KEPT = 25
MAX_FINDINGS_PER_KIND = 5

# --- personal data the widgets send -------------------------------------------------------------

FIRST_NAMES = ("lukas", "emma", "noah", "ida", "william", "freja", "oscar", "alma", "karl", "clara", "malik", "sofie")
MAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.dk", "live.dk", "yahoo.com", "skole.dk")
STREETS_DA = ("Nørrebrogade", "Vesterbrogade", "Jagtvej", "Åboulevard", "Amagerbrogade", "Søndergade", "Strandvejen")
STREETS_EN = ("Baker Street", "High Road", "Church Lane", "Park Avenue")


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
