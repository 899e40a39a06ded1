"""PII scrubbing: every identifier kind is replaced, only its span is replaced, ordinary numbers survive,
offsets map from the raw text to the scrubbed text, and the patterns cannot backtrack catastrophically."""

from __future__ import annotations

import asyncio
import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.services import pii, pii_address
from api.services.pii import INLINE_MAX_CHARS, PLACEHOLDERS, scrub, scrub_spans, scrub_spans_off_loop


@pytest.mark.parametrize(
    ("text", "placeholder", "secret"),
    [
        ("skriv til mig på anna.jensen99@gmail.com", "[email]", "anna.jensen99@gmail.com"),
        ("mit nummer er 22334455", "[telefon]", "22334455"),
        ("ring 22 33 44 55 i aften", "[telefon]", "22 33 44 55"),
        ("ring 2233 4455", "[telefon]", "2233 4455"),
        ("my number is +45 22 33 44 55", "[telefon]", "22 33 44 55"),
        ("call me on +44 20 7946 0958", "[telefon]", "7946 0958"),
        ("0045 22334455 er min mors", "[telefon]", "22334455"),
        ("mit cpr er 010203-1234", "[cpr]", "010203-1234"),
        ("cpr 0102031234", "[cpr]", "0102031234"),
        ("jeg bor på Søndergade 12, 2. th i Aarhus", "[adresse]", "Søndergade 12"),
        ("I live at 221 Baker Street", "[adresse]", "221 Baker Street"),
        ("jeg bor på Strandvejen 45", "[adresse]", "Strandvejen 45"),  # found by bench/bench_soak.py
        ("Åboulevard 12, 2. th", "[adresse]", "Åboulevard 12"),
        ("se https://example.com/reset?token=abc123def456", "[link]", "token=abc123def456"),
    ],
)
def test_identifiers_are_replaced(text: str, placeholder: str, secret: str) -> None:
    scrubbed = scrub(text)
    assert placeholder in scrubbed
    assert secret not in scrubbed


# The cases named in issue 14: the disclosure stays, only the personal data goes.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Min far slår mig hver dag og vi bor på Nørrebrogade 12, 3. th",
            "Min far slår mig hver dag og vi bor på [adresse]",
        ),
        (
            "Jeg vil slå mig selv ihjel i aften og jeg bor på Vestergade 4",
            "Jeg vil slå mig selv ihjel i aften og jeg bor på [adresse]",
        ),
        ("jeg bor på nørregade 12 og min mor drikker", "jeg bor på [adresse] og min mor drikker"),
        ("vi bor på Frederiksberg Allé 3", "vi bor på [adresse]"),
        ("han venter ved H.C. Andersens Boulevard 12, st. tv", "han venter ved [adresse]"),
        ("hun der mobber mig er @mathilde.j på insta", "hun der mobber mig er [profil] på insta"),
        ("se instagram.com/klassens_loser hvad de skriver", "se [profil] hvad de skriver"),
        ("han er tiktok.com/@lukas.h, snapchat.com/add/big_b og t.me/mike", "han er [profil], [profil] og [profil]"),
        ("discord.gg/x7Hk2pQ og facebook.com/jens.olsen.9 og x.com/hade_dk", "[profil] og [profil] og [profil]"),
        ("youtube.com/@skolefights og twitter.com/hate_2", "[profil] og [profil]"),
        ("skriv til x (at) gmail.com", "skriv til [email]"),
        ("skriv til x at gmail dot com", "skriv til [email]"),
        ("mail: freja [at] outlook [dot] dk", "mail: [email]"),
        ("ring på 203 04 050 i aften", "ring på [telefon] i aften"),
        ("cpr 010203.1234 og 01.02.03-1234 og 010203 1234", "cpr [cpr] og [cpr] og [cpr]"),
        ("I live at 12 Baker Street with my dad", "I live at [adresse] with my dad"),
        ("min snap er sofie_2009 skriv der", "min snap er [profil] skriv der"),
        ("jeg bor på Gammel Kongevej 10, 4. mf hos far", "jeg bor på [adresse] hos far"),
        ("adresse: Bakkehøj 9, 8000 Aarhus C. hjælp", "adresse: [adresse]. hjælp"),
    ],
)
def test_only_the_personal_data_is_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jeg er 15 år",
        "ring 112 nu",
        "klokken 23:45",
        "i 2024 skete det",
        "116 111",
        "jeg har det godt 2 gange",
        "på vej 2 skolen",
        "jeg er på vej 2 min ven",
        "i 8. klasse",
        "vi ses kl 22.30",
        "det skete 24.12.2024",
        "jeg er 14",
        "jeg har taget 20 panodiler",
        "han skylder mig 500 kr",
        "der var 10.000.000 kr",
        "skoleåret 2019-2020",
        "alle 3 piger griner",
        "jeg har været på Rådhuspladsen 3 gange",
        "vi mødes på Rådhuspladsen 14.30",
        "jeg ser ingen udvej 2 dage i træk",
        "we have 2 way streets",
        "i have 2 brothers close to me",
        "i walked 3 miles down the road",
        "min snap er død",
        "@ alle i klassen",
        "jeg prøver at google det",
    ],
)
def test_ordinary_numbers_and_words_are_kept(text: str) -> None:
    assert scrub(text) == text


def test_result_lists_raw_spans_kinds_and_values() -> None:
    text = "ring 22334455 eller skriv til @ida.k, jeg bor på Vestergade 4"
    result = scrub_spans(text)
    assert result.text == "ring [telefon] eller skriv til [profil], jeg bor på [adresse]"
    assert [(r.start, r.end, r.kind) for r in result.replacements] == [(5, 13, "phone"), (30, 36, "profile"), (49, 61, "address")]
    assert result.found == [("phone", "22334455"), ("profile", "@ida.k"), ("address", "Vestergade 4")]
    for start, end, kind in result.replacements:
        assert (kind, text[start:end]) in result.found


def test_map_span_moves_offsets_past_placeholders() -> None:
    text = "ring 22334455 nu, jeg vil dø"
    result = scrub_spans(text)
    raw = text.index("jeg vil dø")
    start, end = result.map_span(raw, raw + len("jeg vil dø"))
    assert result.text[start:end] == "jeg vil dø"
    # A span that covers part of the personal data covers the whole placeholder.
    start, end = result.map_span(0, 8)
    assert result.text[start:end] == "ring [telefon]"
    # A span inside the personal data is the placeholder itself.
    assert result.text.__getitem__(slice(*result.map_span(7, 9))) == "[telefon]"


@given(st.text(max_size=300))
def test_scrub_never_crashes(text: str) -> None:
    assert isinstance(scrub(text), str)


@given(st.lists(st.sampled_from(["jeg", "bor", "på", "Vestergade", "4", "ring", "22334455", "@ida", "x", " ", ", ", "2. th",
                                 "alle", "3", "vej", "gmail.com", "at", "010203-1234", "instagram.com/ab", "😭"]), max_size=30))  # fmt: skip
def test_text_outside_replacements_is_unchanged_and_spans_map_inside_the_result(parts: list[str]) -> None:
    text = " ".join(parts)
    result = scrub_spans(text)
    rebuilt, pos = "", 0
    for start, end, kind in result.replacements:
        assert pos <= start < end
        rebuilt += text[pos:start] + PLACEHOLDERS[kind]
        pos = end
    assert rebuilt + text[pos:] == result.text
    for a in range(0, len(text) + 1, 3):
        start, end = result.map_span(a, min(len(text), a + 5))
        assert 0 <= start <= end <= len(result.text)


def test_long_text_is_scrubbed_off_the_event_loop_with_the_same_result() -> None:
    short = "jeg bor på Vestergade 4"
    long = (short + " og han slår. ") * (INLINE_MAX_CHARS // 20)
    assert len(long) > INLINE_MAX_CHARS
    assert asyncio.run(scrub_spans_off_loop(short)).text == scrub(short)
    assert asyncio.run(scrub_spans_off_loop(long)).text == scrub(long)


# --- linear time: structure of every pattern, and adversarial input ----------------------------------------


def _unbounded_repeats_nested(items: object, inside_unbounded: bool = False) -> list[str]:
    problems: list[str] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            low, high, body = av
            unbounded = high == sre_constants.MAXREPEAT
            if unbounded and inside_unbounded:
                problems.append(f"unbounded repeat inside an unbounded repeat: {body}")
            problems += _unbounded_repeats_nested(body, inside_unbounded or unbounded)
        elif op == sre_constants.SUBPATTERN:
            problems += _unbounded_repeats_nested(av[3], inside_unbounded)
        elif op == sre_constants.BRANCH:
            for branch in av[1]:
                problems += _unbounded_repeats_nested(branch, inside_unbounded)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            problems += _unbounded_repeats_nested(av[1], inside_unbounded)
    return problems


SCANNING_PATTERNS = [
    (module.__name__ + "." + name, value)
    for module in (pii, pii_address)
    for name, value in vars(module).items()
    if isinstance(value, re.Pattern)
]


@pytest.mark.parametrize(("name", "pattern"), SCANNING_PATTERNS, ids=[n for n, _ in SCANNING_PATTERNS])
def test_no_pattern_nests_unbounded_repeats(name: str, pattern: re.Pattern[str]) -> None:
    """Nested unbounded repeats ((a+)+) are what makes a backtracking regex exponential or quadratic."""
    assert _unbounded_repeats_nested(sre_parse.parse(pattern.pattern, pattern.flags)) == [], name


# Patterns run over the whole message with finditer (the others are only matched at one given position).
WHOLE_TEXT_SCANNERS = [
    *(getattr(pii, n) for n in ("_EMAIL", "_AT_FORM", "_CPR", "_PHONE_DK", "_PHONE_INTL", "_HANDLE", "_HANDLE_CUE")),
    pii_address._SUFFIX_WORD,
    pii_address._SUFFIX_WORD_LOWER,
]


@pytest.mark.parametrize("pattern", WHOLE_TEXT_SCANNERS, ids=lambda p: p.pattern[:30])
def test_no_scanner_can_restart_inside_a_run_it_failed_on(pattern: re.Pattern[str]) -> None:
    """A scanner that begins with an unbounded repeat and no look-behind retries from every character of a
    run it failed on (the old `[\\w.+-]+@` did, on every long word: quadratic). Each scanner begins with a
    negative look-behind or with something of fixed width."""
    first_op, first_av = list(sre_parse.parse(pattern.pattern, pattern.flags))[0]
    if first_op == sre_constants.ASSERT_NOT:
        assert first_av[0] == -1  # a look-behind
        return
    repeats = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
    assert not (first_op in repeats and first_av[1] == sre_constants.MAXREPEAT), pattern.pattern


def test_tokens_are_read_only_around_street_words() -> None:
    """The one scanner that starts with `\\w+` reads a window of fixed size around each street word."""
    assert pii_address._TOKEN.pattern == r"\w+"
    assert pii_address.WINDOW <= 100


@pytest.mark.parametrize(
    "adversarial",
    [
        "a" * 40_000,
        "1" * 40_000,
        "1 " * 20_000,
        "1." * 20_000,
        "a." * 20_000,
        "@a" * 20_000,
        "a@" * 20_000,
        "Nørrebrogade " * 3_077,
        "vej 1 " * 6_667,
        "x at gmail " * 3_637,
        "+4" * 20_000,
        "www." * 10_000,
        "instagram.com/" + "a" * 39_986,
        "Ab " * 13_334,
        "H.C. " * 8_000,
    ],
    ids=lambda s: repr(s[:14]),
)
def test_adversarial_40000_characters_are_scrubbed(adversarial: str) -> None:
    assert len(adversarial) >= 39_990
    result = scrub_spans(adversarial)
    assert len(result.text) > 0
    assert result.text.count("[") >= len(result.replacements)
