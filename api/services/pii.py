"""Scrub personal data from a message before it is stored or sent anywhere.

Only the personal-data span is replaced, never a word around it: "min far slår mig og vi bor på
Nørrebrogade 12, 3. th" becomes "min far slår mig og vi bor på [adresse]".

Replaced (placeholder in brackets):
- e-mail addresses, also written "x (at) gmail.com", "x at gmail dot com", "x @ hotmail.dk" [email];
- CPR numbers: a plausible date and four digits, with a dash, space, dots or nothing [cpr];
- phone numbers: Danish 8 digits in any grouping ("22334455", "2233 4455", "22 33 44 55", "203 04 050"),
  +45/0045 and other international numbers [telefon];
- street addresses, Danish and English, anchored on the street word and a house number (pii_address) [adresse];
- handles ("@mathilde.j", "min snap er sofie_2009", "insta: lukas.k") and profile links
  (instagram.com/…, tiktok.com/@…, snapchat.com/add/…, facebook, x/twitter, youtube, discord.gg, t.me, …) [profil];
- any other URL carrying a query string, fragment or long token [link].

Names are not scrubbed (docs/PRIVACY.md says why).

Linear in the length of the message: no pattern nests unbounded repeats; each pattern run over the whole
text starts with a look-behind or a fixed-width element (with the look-behind placed after a first character
class where it can be, so the regex engine skips ahead fast), so it never restarts inside a run it failed
on; links are found from their rare characters ("/", "://", "www.") and addresses from street words, each
then checked in a bounded window. tests/unit/test_pii.py checks the structure, bench/bench_pii.py the time.
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from api.services.pii_address import STOPWORDS, UNITS, find_addresses, word_alternation

PLACEHOLDERS: dict[str, str] = {
    "email": "[email]",
    "cpr": "[cpr]",
    "url": "[link]",
    "phone": "[telefon]",
    "address": "[adresse]",
    "profile": "[profil]",
}
# Longest text scrubbed on the event loop; longer text goes to a worker thread. Corpus-like text crossed 1 ms
# of CPU at 750-1,500 characters on the 2-core development machine under load (bench/bench_pii.py,
# docs/PERFORMANCE.md "PII scrubbing"); most messages are far shorter.
INLINE_MAX_CHARS = 750

_MAIL_PROVIDERS = {
    "gmail", "googlemail", "hotmail", "outlook", "live", "yahoo", "icloud", "me", "mail", "protonmail", "proton",
    "msn", "aol", "gmx", "yandex", "email", "webmail", "skole", "stud", "jubii", "ofir", "mail.dk",
}  # fmt: skip
_TLD = r"(?:com|dk|net|org|se|no|de|uk|co\.uk|io|me|info|eu|nu|fr|es|it|nl|ch)"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+){1,8}")
# Obfuscated: "x (at) gmail.com", "x [at] gmail [dot] com", "x at gmail dot com", "x @ hotmail.dk",
# "x snabel-a live.dk". Found from the "at" (a rare character or a space starts it, so the engine skips fast),
# then the domain forwards and the local part backwards.
_AT_FORM = re.compile(
    r"[(\[{<][ \t]?(?:at|snabel-?a)[ \t]?[)\]}>][ \t]?"
    r"|[ \t](?:[(\[{<][ \t]?(?:at|snabel-?a)[ \t]?[)\]}>][ \t]?|(?:at|snabel-?a|snabela)[ \t]|@[ \t]?)"
    r"|@[ \t]",
    re.IGNORECASE,
)
_DOT = r"(?:[ \t]?[(\[{<][ \t]?(?:dot|punktum|prik)[ \t]?[)\]}>][ \t]?|[ \t](?:dot|punktum|prik)[ \t]|[ \t]?\.[ \t]?)"
_MAIL_DOMAIN = re.compile(rf"(?P<domain>[\w-]+)(?:{_DOT}[a-z]{{2,12}})?{_DOT}{_TLD}(?!\w)", re.IGNORECASE)
_LOCAL_PART_MAX = 64
# CPR: DDMMYY then four digits; date parts separated alike ("01.02.03") or not at all.
_CPR = re.compile(
    r"[0-3](?<![\w+][0-3])(?<!\d[.,/-]\d)(?:(?<=0)[1-9]|(?<=[12])\d|(?<=3)[01])"  # the day, 01-31
    r"(?P<s>[. -]?)(?:0[1-9]|1[0-2])(?P=s)\d\d[ .-]?\d{4}(?!\w|[.,/-]\d)"
)
# Danish: 8 digits in 2-4 groups of 2-4 digits with one kind of separator; the count is checked after.
_PHONE_DK = re.compile(r"[2-9](?<![\w+][2-9])(?<!\d[.,/-][2-9])\d{1,3}(?P<s>[ .-]?)\d{2,4}(?:(?P=s)\d{2,4}){0,2}(?!\w|[.,/:-]\d)")
# International: + or 00, a country code, then 6-13 digits with spaces, dots, dashes or brackets.
_PHONE_INTL = re.compile(r"(?:\+(?<![\w+]\+)|0(?<![\w+]0)0)[1-9]\d{0,2}(?:[ .-]?\(?\d\)?){6,13}(?!\w|[.,]\d)")
_DIGIT = re.compile(r"\d")
_WORD_AFTER = re.compile(r"[ \t]{1,2}(\w+)")
# Links are found from their rare characters ("/", "://", "www."), not by trying a pattern at every position.
_URL = re.compile(r"[^\s<>\"']+")
_LINK_PATH = re.compile(r"[^\s<>\"']*[^\s<>\"'.,!?;:)\]]")
_PROFILE_SITES = (
    "instagram.com", "instagr.am", "tiktok.com", "snapchat.com", "facebook.com", "fb.com", "fb.me", "m.me",
    "twitter.com", "x.com", "youtube.com", "youtu.be", "discord.gg", "discord.com/invite", "discordapp.com/invite",
    "t.me", "telegram.me", "twitch.tv", "reddit.com/u", "reddit.com/user", "threads.net", "bsky.app/profile",
    "onlyfans.com", "wa.me", "kik.me", "linkedin.com/in", "pinterest.com", "vsco.co", "steamcommunity.com/id",
    "steamcommunity.com/profiles", "roblox.com/users", "bere.al",
)  # fmt: skip
_LINK_PREFIXES = tuple(
    sorted((s + w for s in ("https://", "http://", "") for w in ("www.", "m.", "vm.", "vt.", "mobile.", "")), key=len)[::-1]
)
_NOT_BEFORE_LINK = re.compile(r"[\w.@/-]")
_HANDLE = re.compile(r"(?<![\w@.+-])@(?=[\w.]{0,40}[^\W\d_])\w(?:[\w.]{0,40}\w)?")
# "min snap er sofie_2009", "insta: lukas.k", "add me on sc lukas_22"
_HANDLE_CUE = re.compile(
    r"(?<!\w)"
    + word_alternation({"snap", "snapchat", "sc", "insta", "instagram", "ig", "tiktok", "tt", "discord", "telegram",
                        "kik", "twitter", "threads", "bereal", "roblox", "psn", "xbox", "fortnite", "twitch"})
    + r"(?:[ \t]" + word_alternation({"navn", "name", "handle", "username", "user", "brugernavn", "id", "tag"}) + ")?"
    + r"(?P<sep>[ \t]?[:=][ \t]?|[ \t](?:" + word_alternation({"er", "is", "hedder"}) + r"|=|-)[ \t]|[ \t])"
    + r"(?P<handle>@?[^\W\d][\w.]{1,40})"
)  # fmt: skip
# Words after "snap:" or "min snap er" that are not a username ("snap: ja", "min insta er privat").
_NOT_HANDLES = STOPWORDS | {
    "with", "so", "yes", "ja", "nej", "lol", "haha", "idk", "ok", "okay", "død", "dead", "privat", "private",
    "slettet", "deleted", "hacket", "hacked", "lukket", "closed", "ny", "new", "gammel", "old", "hemmelig", "secret",
}  # fmt: skip


class Replacement(NamedTuple):
    """One replaced span, in offsets of the raw text."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class ScrubResult:
    """The scrubbed text, what was replaced where, and the raw values (never store `found` in the clear)."""

    text: str
    replacements: list[Replacement]
    found: list[tuple[str, str]]
    _raw_ends: list[int] = field(default_factory=list, repr=False)
    _new_starts: list[int] = field(default_factory=list, repr=False)
    _new_ends: list[int] = field(default_factory=list, repr=False)

    def map_offset(self, raw: int, *, end: bool = False) -> int:
        """A raw-text offset in the scrubbed text. Inside a replaced span it moves to the placeholder's
        start (a span's start) or end (a span's end, `end=True`), so a mapped span covers the placeholder."""
        i = bisect.bisect_right(self._raw_ends, raw)  # replacements wholly before `raw`
        shifted = raw + (self._new_ends[i - 1] - self._raw_ends[i - 1] if i else 0)
        if i < len(self.replacements) and self.replacements[i].start < raw:
            return self._new_ends[i] if end else self._new_starts[i]
        return max(0, min(shifted, len(self.text)))

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text [start, end) as offsets into the scrubbed text."""
        return self.map_offset(start), max(self.map_offset(start), self.map_offset(end, end=True))


def _emails(text: str) -> Iterator[tuple[int, int, str]]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield m.start(), m.end(), "email"
    for at in _AT_FORM.finditer(text):
        domain = _MAIL_DOMAIN.match(text, at.end())
        if domain is None:
            continue
        bracketed = any(c in at.group() for c in "([{<")
        if not bracketed and domain.group("domain").lower() not in _MAIL_PROVIDERS:
            continue  # "jeg prøver at google.com" is not an address
        start = _local_part_start(text, at.start())  # " (at)" is matched from its space: the local part ends there
        if start is not None:
            yield start, domain.end(), "email"


def _local_part_start(text: str, end: int) -> int | None:
    """The start of the run of [\\w.+-] ending at `end` (None: there is none, or it is too long to be one)."""
    start = end
    while start > 0 and end - start <= _LOCAL_PART_MAX and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
        start -= 1
    return start if 0 < end - start <= _LOCAL_PART_MAX else None


def _numbers(text: str) -> Iterator[tuple[int, int, str]]:
    if _DIGIT.search(text) is None:
        return
    for m in _CPR.finditer(text):
        yield m.start(), m.end(), "cpr"
    for m in _PHONE_INTL.finditer(text):
        if sum(c.isdigit() for c in m.group()) <= 15:
            yield m.start(), m.end(), "phone"
    for m in _PHONE_DK.finditer(text):
        if _is_danish_phone(m.group(), m.group("s"), text[m.end() : m.end() + 16]):
            yield m.start(), m.end(), "phone"


def _is_danish_phone(number: str, sep: str, after: str) -> bool:
    groups = number.split(sep) if sep else [number]
    if sum(len(g) for g in groups) != 8:
        return False
    sizes = [len(g) for g in groups]
    if sizes == [2, 2, 4] and int(groups[0]) <= 31 and int(groups[1]) <= 12 and groups[2][:2] in ("19", "20"):
        return False  # a date: 24.12.2024
    if sizes == [4, 4] and all(g[:2] in ("19", "20") for g in groups) and sep:
        return False  # a span of years: 2019-2020
    if sep == "." and all(size == 3 for size in sizes[1:]):
        return False  # an amount: 10.000.000
    if re.match(r"\s?(?:kr\b|kroner|dkk|,-|euro|€|\$)", after, re.IGNORECASE):
        return False  # an amount: 22334455 kr
    unit = _WORD_AFTER.match(after)
    return unit is None or unit.group(1).lower() not in UNITS  # "63939395 times worse" is a count


def _links(text: str) -> Iterator[tuple[int, int, str]]:
    if "/" not in text and "www." not in text.lower():
        return
    lower = text.lower()
    yield from _profile_links(text, lower)
    starts = {i for i in _find_all(lower, "www.")} | {lower.rfind("http", max(0, i - 5), i) for i in _find_all(lower, "://")}
    for start in sorted(i for i in starts if i >= 0):
        if start and _NOT_BEFORE_LINK.match(text, start - 1):
            continue
        m = _URL.match(text, start)
        url = m.group().rstrip(".,!?;:)]}'\"") if m else ""
        if not url.lower().startswith(("http://", "https://", "www.")):
            continue
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        query = any(c in url for c in "?#") and not url.endswith(("?", "#"))
        if query or any(len(part) >= 16 for part in re.split(r"[^A-Za-z0-9_-]", path)):
            yield start, start + len(url), "url"


def _profile_links(text: str, lower: str) -> Iterator[tuple[int, int, str]]:
    """instagram.com/name and the like: at each "/", the site's name before it and a path after it."""
    done = 0
    for slash in _find_all(lower, "/"):
        if slash < done:
            continue
        site = next((s for s in _PROFILE_SITES if lower.startswith(s, slash - len(s), slash)), None)
        path = _LINK_PATH.match(text, slash + 1) if site else None
        if site is None or path is None:
            continue
        start = slash - len(site)
        start -= len(next(p for p in _LINK_PREFIXES if lower.startswith(p, start - len(p), start) or not p))
        if start == 0 or not _NOT_BEFORE_LINK.match(text, start - 1):
            done = path.end()
            yield start, path.end(), "profile"


def _find_all(text: str, needle: str) -> Iterator[int]:
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def _handles(text: str) -> Iterator[tuple[int, int, str]]:
    if "@" in text:
        for m in _HANDLE.finditer(text):
            yield m.start(), m.end(), "profile"
    for m in _HANDLE_CUE.finditer(text):
        handle = m.group("handle").rstrip(".")
        if handle.lower() in _NOT_HANDLES:
            continue
        looks_like_handle = any(c.isdigit() or c == "_" for c in handle) or "." in handle or handle[0] == "@"
        if looks_like_handle or m.group("sep").strip() in (":", "="):
            yield m.start("handle"), m.start("handle") + len(handle), "profile"


def _addresses(text: str) -> Iterator[tuple[int, int, str]]:
    for start, end in find_addresses(text):
        yield start, end, "address"


_DETECTORS: tuple[Callable[[str], Iterator[tuple[int, int, str]]], ...] = (
    _emails,
    _links,
    _numbers,
    _handles,
    _addresses,
)
# Which kind names a span found by two detectors: the more specific one.
_PRIORITY = {"email": 0, "profile": 1, "url": 2, "cpr": 3, "phone": 4, "address": 5}


def _merge(spans: list[tuple[int, int, str]]) -> list[Replacement]:
    """Overlapping spans become one (the union: nothing personal is left half-replaced)."""
    spans.sort(key=lambda s: (s[0], -s[1], _PRIORITY[s[2]]))
    merged: list[Replacement] = []
    for start, end, kind in spans:
        if merged and start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Replacement(last.start, max(last.end, end), last.kind)
        else:
            merged.append(Replacement(start, end, kind))
    return merged


def scrub_spans(text: str) -> ScrubResult:
    """Find and replace personal data; the result maps raw offsets to offsets in the scrubbed text."""
    spans = [span for detect in _DETECTORS for span in detect(text)]
    replacements = _merge(spans)
    parts: list[str] = []
    raw_ends: list[int] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = length = 0
    for r in replacements:
        parts.append(text[pos : r.start])
        length += r.start - pos
        placeholder = PLACEHOLDERS[r.kind]
        parts.append(placeholder)
        new_starts.append(length)
        length += len(placeholder)
        new_ends.append(length)
        raw_ends.append(r.end)
        pos = r.end
    parts.append(text[pos:])
    return ScrubResult(
        text="".join(parts),
        replacements=replacements,
        found=[(r.kind, text[r.start : r.end]) for r in replacements],
        _raw_ends=raw_ends,
        _new_starts=new_starts,
        _new_ends=new_ends,
    )


def scrub(text: str) -> str:
    """Return the text with personal data replaced by placeholders such as `[telefon]`."""
    return scrub_spans(text).text


async def scrub_spans_off_loop(text: str) -> ScrubResult:
    """`scrub_spans`, on a worker thread when the text is long enough to hold the event loop over ~1 ms."""
    if len(text) <= INLINE_MAX_CHARS:
        return scrub_spans(text)
    return await asyncio.to_thread(scrub_spans, text)
