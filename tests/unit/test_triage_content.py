"""Curated content: every lexicon entry is triggered by its example, every veto and context rule works,
every tricky negative stays `none`, and the dev set shares no sentence with the training content."""

from __future__ import annotations

import dataclasses
import re

import pytest

from knowledge.triage.content import ContentError, load_content
from knowledge.triage.levels import RANK
from knowledge.triage.matching import Hit, Matcher, VetoHit
from tests.unit.test_triage_blindset import blind_rows, holdout_rows
from tests.unit.test_triage_support import content, dev_rows, triage

LEXICON = content().lexicon
VETOES = content().vetoes
CONTEXT = content().context
NEGATIVES = content().negatives


@pytest.mark.parametrize("entry", LEXICON, ids=[e.id for e in LEXICON])
def test_every_lexicon_entry_is_triggered_by_its_example(entry) -> None:  # type: ignore[no-untyped-def]
    t = triage()
    match = t.matcher.match(t.normaliser(entry.example))
    active = [hit.entry.id for hit in match.hits if hit.veto is None]
    assert entry.id in active, f"{entry.id}: example {entry.example!r} does not trigger it"


@pytest.mark.parametrize("entry", LEXICON, ids=[e.id for e in LEXICON])
def test_lexicon_example_is_judged_at_least_at_entry_level(entry) -> None:  # type: ignore[no-untyped-def]
    result = triage().judge(entry.example)
    assert RANK[result.level] >= RANK[entry.level]
    assert result.reasons
    if entry.lang != "any":
        assert any(
            f", {entry.lang})" in reason or reason.startswith(("context:", "signals:")) for reason in result.reasons
        )


@pytest.mark.parametrize("veto", VETOES, ids=[v.id for v in VETOES])
def test_every_veto_matches_its_example_and_caps_the_level(veto) -> None:  # type: ignore[no-untyped-def]
    t = triage()
    match = t.matcher.match(t.normaliser(veto.example))
    assert veto.id in [v.veto.id for v in match.vetoes], f"{veto.id}: example does not match"
    assert RANK[match.level] <= RANK[veto.cap]
    if veto.cap == "none":
        assert t.judge(veto.example).level != "urgent"


@pytest.mark.parametrize("rule", CONTEXT, ids=[r.id for r in CONTEXT])
def test_every_context_rule_needs_and_uses_history(rule) -> None:  # type: ignore[no-untyped-def]
    t = triage()
    assert t.judge(rule.example, list(rule.history)).level == rule.level
    assert RANK[t.judge(rule.example).level] < RANK[rule.level], "the follow-up alone must not reach the level"
    harmless = ["hvordan laver jeg min insta privat", "how do i block someone"]
    assert RANK[t.judge(rule.example, harmless).level] < RANK[rule.level]


@pytest.mark.parametrize("negative", NEGATIVES, ids=[f"neg{i:03d}" for i in range(len(NEGATIVES))])
def test_every_tricky_negative_stays_none(negative) -> None:  # type: ignore[no-untyped-def]
    result = triage().judge(negative.text)
    assert result.level == "none", (negative.text, result.reasons)


def test_entries_have_level_language_and_ascii_patterns() -> None:
    for entry in LEXICON:
        assert entry.level in ("urgent", "concern")
        assert entry.lang in ("da", "en", "any")
        assert not re.search("[æøåÆØÅ]", entry.pattern), f"{entry.id}: write æ/ø/å as <ae>/<oe>/<aa> or ae/oe/aa"
    for veto in VETOES:
        assert not re.search("[æøåÆØÅ]", veto.pattern), veto.id


def test_training_examples_cover_all_levels_and_languages() -> None:
    pairs = {(e.level, e.lang) for e in content().examples}
    for level in ("urgent", "concern", "none"):
        for lang in ("da", "en"):
            assert (level, lang) in pairs


def test_dev_set_sentences_are_not_training_sentences() -> None:
    t = triage()
    trained = {t.normaliser(e.text).text.strip() for e in content().examples}
    trained |= {t.normaliser(e.text).text.strip() for e in NEGATIVES}
    trained |= {t.normaliser(e.example).text.strip() for e in LEXICON}
    trained |= {t.normaliser(v.example).text.strip() for v in VETOES}
    overlap = [row["id"] for row in dev_rows() if t.normaliser(row["text"]).text.strip() in trained]
    assert not overlap
    overlap = [row["id"] for row in blind_rows() if t.normaliser(row["text"]).text.strip() in trained]
    assert not overlap, "blind-set sentences must never be training content"
    overlap = [row["id"] for row in holdout_rows() if t.normaliser(row["text"]).text.strip() in trained]
    assert not overlap, "holdout sentences must never be training content"


def test_malformed_content_is_rejected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "normalisation.yml").write_text("emoji: {}\nwords: {}\n", encoding="utf-8")
    (tmp_path / "patterns.yml").write_text("vetoes: []\ncontext: []\n", encoding="utf-8")
    (tmp_path / "negatives.yml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "lexicon_da.yml").write_text("- {id: x, level: severe, lang: da, phrase: hej, example: hej}\n", "utf-8")
    with pytest.raises(ContentError, match="level"):
        load_content(tmp_path)
    (tmp_path / "lexicon_da.yml").write_text("- {id: x, level: urgent, lang: da, phrase: hej}\n", "utf-8")
    with pytest.raises(ContentError, match="example"):
        load_content(tmp_path)


def _hits_of(entry_id: str, text: str) -> list[Hit]:
    t = triage()
    return [h for h in t.matcher.match(t.normaliser(text)).hits if h.entry.id == entry_id]


@pytest.mark.parametrize(
    ("text", "entry_id", "veto_id", "capped_to"),
    [
        ("sidste år tog jeg en masse piller", "da-taget-piller", "da-past-pills-then-when", "concern"),
        ("two years ago i swallowed a bunch of pills", "en-took-pills", "en-past-pills-then-when", "concern"),
        (
            "jeg bløder så meget og det stopper ikke, er det normalt med første mens",
            "da-bloeder-meget",
            "bleeding-period-or-nose",
            "none",
        ),
        (
            "i'm bleeding a lot and it won't stop, is that normal on my first period",
            "en-bleeding",
            "bleeding-period-or-nose",
            "none",
        ),
    ],
)
def test_a_caps_acute_veto_caps_an_acute_entry(text: str, entry_id: str, veto_id: str, capped_to: str) -> None:
    hits = _hits_of(entry_id, text)
    assert hits and hits[0].entry.acute
    assert hits[0].veto is not None and hits[0].veto.id == veto_id
    assert hits[0].level == capped_to


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("jeg har lige taget en masse piller", "da-taget-piller"),
        ("jeg har skåret mig og bløder så meget det stopper ikke", "da-bloeder-meget"),
    ],
)
def test_without_its_past_or_bodily_cause_the_acute_entry_stays_urgent(text: str, entry_id: str) -> None:
    hits = _hits_of(entry_id, text)
    assert hits and hits[0].veto is None and hits[0].level == "urgent"
    assert triage().judge(text).level == "urgent"


def test_a_context_veto_without_caps_acute_never_caps_an_acute_entry() -> None:
    t = triage()
    text = "sidste år tog jeg en masse piller"
    match = t.matcher.match(t.normaliser(text))
    hit = next(h for h in match.hits if h.entry.id == "da-taget-piller")
    veto_hit = next(v for v in match.vetoes if v.veto.id == "da-past-pills-then-when")
    plain = VetoHit(dataclasses.replace(veto_hit.veto, caps_acute=False), veto_hit.span)
    assert Matcher._vetoed(hit.entry, hit.span, [plain]).level == "urgent"
    assert Matcher._vetoed(hit.entry, hit.span, [veto_hit]).level == "concern"
