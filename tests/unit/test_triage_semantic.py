"""The semantic layer (knowledge.triage.semantic): it only raises, it catches a euphemism the lexicon
misses, and the measured level on the untouched holdout2 (tests/data/triage_holdout2.jsonl)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knowledge.triage import calibration, semantic, tuned_encoder
from knowledge.triage.evaluation import dev_report, read_dev_set, read_jsonl
from knowledge.triage.judge import CONCERN_THRESHOLD_WITH_SEMANTIC
from knowledge.triage.levels import LEVELS, RANK
from knowledge.triage.normalise import Normaliser
from tests.unit.test_triage_support import holdout, triage, triage_without_semantic
from tests.unit.triage_coincidences import KNOWN_COINCIDENCES

# Written for this test, in no content or data file: a farewell with no risk word at all.
# Twenty-fifth pass: "tak for alt" became a goodbye signal (signals.yml), so the rules alone now raise the pass's earlier
# sentence ("jeg har sagt tak for alt til min familie ..."); this one keeps a farewell with no rule word.
EUPHEMISM = "jeg har krammet min familie en ekstra gang og i aften tager jeg afsted for altid"


BARS = calibration.Calibration(
    mean=(0.0,) * 5, scale=(1.0,) * 5, coef=((0.0,) * 5,) * 3, intercept=(0.0,) * 3,
    urgent_bar=0.6, concern_bar=0.4, near_urgent_bar=0.1, adapter="test",
)  # fmt: skip


def _verdict(p_none: float, p_concern: float, p_urgent: float) -> semantic.SemanticVerdict:
    """A verdict whose calibrated probabilities are the given ones."""
    p = {"none": p_none, "concern": p_concern, "urgent": p_urgent}
    return semantic.SemanticVerdict(p, np.zeros(0), calibrated=p)  # type: ignore[arg-type]


@pytest.mark.parametrize("current", LEVELS)
@pytest.mark.parametrize(
    "probs", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.1, 0.1, 0.8), (0.5, 0.3, 0.2), (0.7, 0.25, 0.05)]
)
def test_raise_level_never_lowers(current: str, probs: tuple[float, ...]) -> None:
    level = semantic.raise_level(current, _verdict(*probs), 8, BARS)  # type: ignore[arg-type]
    assert RANK[level] >= RANK[current]  # type: ignore[index]


def test_one_rule_on_the_calibrated_probabilities() -> None:
    """The eleventh pass's rule (docs/TRIAGE.md, "The decision rule"): urgent at the urgent bar, from none or
    concern, in a message of URGENT_MIN_WORDS words or more; none -> concern when p(concern) + p(urgent) reaches
    the concern bar; nothing else."""
    assert semantic.raise_level("none", _verdict(0.3, 0.1, 0.6), 8, BARS) == "urgent"
    assert semantic.raise_level("concern", _verdict(0.3, 0.1, 0.6), 8, BARS) == "urgent"
    assert semantic.raise_level("concern", _verdict(0.0, 0.41, 0.59), 8, BARS) == "concern"
    assert semantic.raise_level("none", _verdict(0.6, 0.3, 0.1), 8, BARS) == "concern"
    assert semantic.raise_level("none", _verdict(0.61, 0.3, 0.09), 8, BARS) == "none"
    short = semantic.URGENT_MIN_WORDS - 1  # closings ("ok tak for alt") sit next to short urgent examples
    assert semantic.raise_level("none", _verdict(0.3, 0.1, 0.6), short, BARS) == "concern"


def test_short_messages_and_near_negatives_are_never_raised_nor_a_verdict_without_calibration() -> None:
    assert semantic.raise_level("none", _verdict(0, 0, 1), semantic.MIN_WORDS - 1, BARS) == "none"
    p = {"none": 0.0, "concern": 0.0, "urgent": 1.0}
    near = semantic.SemanticVerdict(p, np.zeros(0), near_negative=True, calibrated=p)  # type: ignore[arg-type]
    assert semantic.raise_level("concern", near, 8, BARS) == "concern"
    bare = semantic.SemanticVerdict({"none": 0.0, "concern": 0.0, "urgent": 1.0}, np.zeros(0))
    assert semantic.raise_level("concern", bare, 8, BARS) == "concern"


def test_a_curated_urgent_sentence_said_again_is_a_hard_floor() -> None:
    """Nearly the same sentence as a curated urgent example (a counsellor's accepted correction among them) is
    urgent whatever the calibrated p(urgent), as a lexicon hit is; a shorter one than URGENT_MIN_WORDS: concern."""
    p = {"none": 0.9, "concern": 0.05, "urgent": 0.05}
    again = semantic.SemanticVerdict(p, np.zeros(0), near_urgent_example=True, calibrated=p)  # type: ignore[arg-type]
    assert semantic.raise_level("none", again, 8, BARS) == "urgent"
    assert semantic.raise_level("none", again, semantic.URGENT_MIN_WORDS - 1, BARS) == "concern"
    assert semantic.raise_level("none", _verdict(0.9, 0.05, 0.05), 8, BARS) == "none"


def test_band_share_places_a_raised_message_inside_its_band() -> None:
    assert semantic.band_share(_verdict(0, 0, 0.6), "urgent", BARS) == 0.0
    assert semantic.band_share(_verdict(0, 0, 1.0), "urgent", BARS) == 1.0
    assert semantic.band_share(_verdict(0, 0.7, 0.3), "concern", BARS) == pytest.approx(0.5)


def test_the_calibration_file_was_fitted_for_the_committed_adapter() -> None:
    """knowledge/risk/encoder/semantic-calibration.json names the adapter its out-of-fold verdicts came from:
    a new adapter needs a new calibration (bench/triage_pass11/: oof_adapters, oof_rules, calibrate)."""
    fitted = calibration.load()
    assert fitted.adapter == tuned_encoder.adapter_digest()
    assert 0.0 < fitted.near_urgent_bar < fitted.urgent_bar < 1.0
    assert 0.0 < fitted.concern_bar < 1.0
    p = fitted.probabilities(calibration.features({"none": 0.01, "concern": 0.01, "urgent": 0.98}, 0.1, 0.1, 12))
    assert abs(sum(p.values()) - 1.0) < 1e-9 and p["urgent"] > p["none"]


def test_only_idiom_like_vetoes_cap_the_semantic_urgent() -> None:
    """The one documented exception (judge.SEMANTIC_CAPPING_VETOES): a message whose only risk words an idiom or
    a negation veto covers is raised at most to concern. No other veto caps: someone else in acute danger is
    urgent (third person), and so is a farewell in a postscript or a quoted goodbye with a photo of pills."""
    from knowledge.triage import judge

    assert judge.SEMANTIC_CAPPING_VETOES == {"idiom", "negation"}
    t = triage()
    assert t.judge("jeg dør af grin over den video min bror sendte i går aftes").level != "urgent"
    friend = t.judge("min veninde har lige taget en hel pakke piller og hun svarer ikke når jeg ringer")
    assert friend.level == "urgent", friend.reasons


def test_switch() -> None:
    import os

    before = os.environ.get(semantic.SEMANTIC_ENV)
    try:
        os.environ[semantic.SEMANTIC_ENV] = "0"
        assert not semantic.enabled()
        os.environ[semantic.SEMANTIC_ENV] = "1"
        assert semantic.enabled()
    finally:
        if before is None:
            os.environ.pop(semantic.SEMANTIC_ENV, None)
        else:
            os.environ[semantic.SEMANTIC_ENV] = before


def test_semantic_examples_load_and_differ_from_the_measurement_sets() -> None:
    t = triage()
    examples = semantic.load_examples(Path(__file__).resolve().parents[2] / "knowledge" / "risk")
    assert len(examples) >= 200 and all(e.kind for e in examples)
    norm = Normaliser(t.content.emoji, t.content.words)
    ours = {norm(e.text).text for e in examples}
    data = Path(__file__).resolve().parents[2] / "tests" / "data"
    for name in sorted(p.name for p in data.glob("triage_*.jsonl")):  # dev, blind, holdout, holdout2..4
        clash = [m.id for m in read_dev_set(data / name) if norm(m.text).text in ours]
        assert [c for c in clash if c not in KNOWN_COINCIDENCES] == [], (name, clash)
    assert len(list(data.glob("triage_*.jsonl"))) >= 6


def _all_training_sentences() -> set[str]:
    """Every sentence the classifier or the semantic head trains on, normalised."""
    t = triage()
    norm = Normaliser(t.content.emoji, t.content.words)
    examples = semantic.training_examples(t.content, Path(__file__).resolve().parents[2] / "knowledge" / "risk")
    return {norm(e.text).text.strip() for e in examples}


def test_holdout3_is_no_training_content() -> None:
    """holdout3 was written before the fourth pass; no training sentence (examples, negatives, lexicon and
    veto examples, semantic.yml) may equal one of its sentences."""
    t = triage()
    norm = Normaliser(t.content.emoji, t.content.words)
    ours = _all_training_sentences()
    clash = [m.id for m in read_dev_set(holdout(3)) if norm(m.text).text.strip() in ours]
    assert clash == []


@pytest.mark.parametrize(
    "path",
    [holdout(n) for n in (3, 4, *range(6, 146))],
    ids=lambda path: path.stem.removeprefix("triage_"),
)
def test_fresh_holdouts_share_no_sentence_with_training_content_or_each_other(path: Path) -> None:
    """holdout4 was written before the fifth pass: no training sentence (examples, negatives, lexicon and veto
    examples, semantic.yml) and no sentence of another triage set may equal one of its sentences."""
    t = triage()
    norm = Normaliser(t.content.emoji, t.content.words)
    ours = _all_training_sentences()
    mine = {norm(m.text).text.strip(): m.id for m in read_dev_set(path)}
    assert [i for text, i in mine.items() if text in ours and i not in KNOWN_COINCIDENCES] == []
    data = path.parent
    for other in sorted(data.glob("triage_*.jsonl")):
        if other != path:
            clash = [m.id for m in read_dev_set(other) if norm(m.text).text.strip() in mine]
            assert [c for c in clash if c not in KNOWN_COINCIDENCES] == [], (other.name, clash)


def test_training_content_differs_from_the_external_sets() -> None:
    """No training sentence is a sentence of ../shared/eval/external/ (only compared, never printed)."""
    t = triage()
    external = Path(__file__).resolve().parents[3] / "shared" / "eval" / "external"
    files = sorted(external.glob("*.jsonl"))
    if not files:
        pytest.skip("no external sets here")
    norm = Normaliser(t.content.emoji, t.content.words)
    ours = _all_training_sentences()
    clashes = 0
    for path in files:
        for row in read_jsonl(path):
            clashes += norm(str(row.get("text", ""))).text.strip() in ours
    assert clashes == 0


def test_holdout4_differs_from_the_external_sets() -> None:
    """holdout4 was written in our own words: none of its sentences is one of ../shared/eval/external/."""
    t = triage()
    files = sorted((Path(__file__).resolve().parents[3] / "shared" / "eval" / "external").glob("*.jsonl"))
    if not files:
        pytest.skip("no external sets here")
    norm = Normaliser(t.content.emoji, t.content.words)
    mine = {norm(m.text).text.strip() for m in read_dev_set(holdout(4))}
    assert sum(norm(str(row.get("text", ""))).text.strip() in mine for path in files for row in read_jsonl(path)) == 0


def _layered() -> semantic.SemanticLayer:
    t = triage()
    if t.semantic is None:  # LYT_TRIAGE_SEMANTIC=0 in this environment: build it anyway
        directory = Path(__file__).resolve().parents[2] / "knowledge" / "risk"
        t.semantic = semantic.SemanticLayer(semantic.load_or_train(t.content, directory, None))
    return t.semantic


def test_the_layer_never_lowers_a_verdict_on_the_measurement_sets() -> None:
    _layered()
    data = Path(__file__).resolve().parents[2] / "tests" / "data"
    texts = [m.text for name in ("triage_dev.jsonl", "triage_blind.jsonl") for m in read_dev_set(data / name)]
    before = triage_without_semantic().judge_many(texts)
    after = triage().judge_many(texts)
    for text, old, new in zip(texts, before, after, strict=True):
        if RANK[new.level] < RANK[old.level]:
            # The one documented exception (seventeenth pass): with the layer on, the n-gram classifier's own
            # concern raise needs CONCERN_THRESHOLD_WITH_SEMANTIC, and the layer's calibrated bar judges the rest.
            assert (old.level, new.level) == ("concern", "none"), text
            raised_by = [r for r in old.reasons if r.startswith("classifier: concern")]
            assert raised_by and not any(r.startswith(("lexicon:", "signals:", "context:")) for r in old.reasons)
            p = re.search(r"p_urgent=([\d.]+), p_concern=([\d.]+)", raised_by[0])
            assert p is not None and float(p[1]) + float(p[2]) < CONCERN_THRESHOLD_WITH_SEMANTIC + 0.01, text
            continue
        if new.level != old.level:
            assert any(r.startswith("semantic: ") for r in new.reasons), new.reasons


def test_the_layer_raises_a_euphemism_the_lexicon_misses() -> None:
    _layered()
    # Without the layer the lexicon has no hit and the n-gram classifier at most a concern (each retrain moves a
    # borderline message across its bar: twenty-second pass, none -> concern); the layer raises it to urgent.
    without = triage_without_semantic().judge(EUPHEMISM)
    assert without.level in ("none", "concern")
    assert not any(r.startswith("lexicon:") for r in without.reasons), without.reasons
    result = triage().judge(EUPHEMISM)
    assert result.level == "urgent", result.reasons
    assert any(r.startswith("semantic: ") and "close to" in r for r in result.reasons), result.reasons


def test_holdout2_at_the_measured_level() -> None:
    """holdout2 was written before the first layer and measured once (docs/TRIAGE.md): without the layer
    urgent recall 0.400 and 19 urgent judged none; with it 0.483 and 12. The fourth pass (combined head,
    kNN vote, more curated examples) was tuned on it: 0.517 and 2. Not the product goal (recall >= 0.98,
    no urgent judged none): this guards the level reached, it does not claim the goal."""
    _layered()
    report = dev_report(triage(), read_dev_set(holdout(2)))
    assert report.total == 120
    assert report.recall["urgent"] >= 0.51, report.recall
    assert len(report.urgent_as_none) <= 2, report.urgent_as_none
    assert len(report.none_as_urgent) <= 2, report.none_as_urgent


def test_holdout3_at_the_measured_level() -> None:
    """holdout3 (150: 75 urgent, 25 concern, 50 tricky none; 60% Danish) was written before the fourth pass,
    measured once before it (urgent recall 0.640, 5 urgent judged none, 2 none judged urgent) and once after
    (0.733, 1, 2), never tuned on (docs/TRIAGE.md). Honest floors at the measured level, not the product goal
    (recall >= 0.98, no urgent judged none, none judged urgent <= 2%)."""
    _layered()
    report = dev_report(triage(), read_dev_set(holdout(3)))
    assert report.total == 150
    # 2026-12-02, portable int8 embedding, AVX2-only path (issue 13): recall 0.853 (64/75), 0 urgent judged
    # none, 0 none judged urgent, concern flagged 0.96 (24/25). Each floor at least two messages below.
    assert report.recall["urgent"] >= 0.82, report.recall
    assert len(report.urgent_as_none) <= 2, report.urgent_as_none
    assert len(report.none_as_urgent) <= 2, report.none_as_urgent
    assert report.concern_flagged >= 0.88, report.concern_flagged


def test_holdout4_at_the_measured_level() -> None:
    """holdout4 (100: 50 urgent, 15 concern, 35 tricky none; 60% Danish) was written before the fifth pass,
    measured once before it (urgent recall 0.600, 1 urgent judged none, 4 none judged urgent) and once after
    (0.620, 0, 2), never tuned on (docs/TRIAGE.md). Honest floors at the measured level, not the product goal
    (recall >= 0.98, no urgent judged none, none judged urgent <= 2%)."""
    _layered()
    report = dev_report(triage(), read_dev_set(holdout(4)))
    assert report.total == 100
    # 2026-12-02, portable int8 embedding, AVX2-only path (issue 13): recall 0.70 (35/50), 3 urgent judged
    # none, 2 none judged urgent, concern flagged 0.933 (14/15). Each floor at least two messages below. Tenth
    # pass (tuned encoder, AVX-512 path): recall 0.84 (42/50), 2 urgent judged none, 2 none judged urgent, 14/15.
    assert report.recall["urgent"] >= 0.66, report.recall
    assert len(report.urgent_as_none) <= 5, report.urgent_as_none
    assert len(report.none_as_urgent) <= 4, report.none_as_urgent
    assert report.concern_flagged >= 0.80, report.concern_flagged
