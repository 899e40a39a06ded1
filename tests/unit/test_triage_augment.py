"""Training-time augmentation (knowledge/triage/augment.py): deterministic, new texts only, levels kept."""

from __future__ import annotations

from knowledge.triage.augment import Row, augment

ROWS = [
    Row("Jeg har taget alle mine piller og jeg er bange.", "urgent", "da", "overdose"),
    Row("Hvordan slår jeg lokation fra på Snapchat?", "none", "da", "privacy"),
    Row("Jeg føler mig så alene i skolen, ingen gider tale med mig.", "concern", "da", "loneliness"),
    Row("How do I change my Instagram password?", "none", "en", "account"),
    Row("I'm going to jump off the bridge tonight, I'm already here.", "urgent", "en", "jump"),
    Row("Kan man se hvem der har set min profil?", "none", "da", "profile"),
]


def test_augment_is_deterministic_and_adds_only_new_texts() -> None:
    first, second = augment(ROWS), augment(ROWS)
    assert first == second
    originals = {r.text for r in ROWS}
    texts = [r.text for r in first]
    assert len(texts) == len(set(texts)) and not originals & set(texts)
    assert len(first) >= len(ROWS)


def test_styled_copies_keep_their_level_and_postscripts_take_the_risky_level() -> None:
    out = augment(ROWS, per_row=3)
    by_source = {r.kind: r.level for r in ROWS}
    assert all(r.level == by_source[r.kind] for r in out)  # kind and level travel together
    postscripts = [r for r in out if r.level == "urgent" and any(e.text in r.text for e in ROWS if e.level == "none")]
    assert postscripts, "an everyday question followed by the risky sentence"
    assert all(r.text.split()[0] != "ps" for r in postscripts)  # the risk comes after the everyday part
    assert any(r.text == r.text.lower() and "?" not in r.text and "." not in r.text for r in out)  # plain style


def test_every_row_keeps_its_language() -> None:
    langs = {r.kind: r.lang for r in ROWS}
    assert all(r.lang == langs[r.kind] for r in augment(ROWS, per_row=2))
