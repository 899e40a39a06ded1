"""The semantic layer (knowledge.triage.semantic): it only raises, it catches a euphemism the lexicon
misses, and the measured level on the untouched holdout2 (tests/data/triage_holdout2.jsonl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from knowledge.triage import semantic
from knowledge.triage.evaluation import dev_report, read_dev_set, read_jsonl
from knowledge.triage.levels import LEVELS, RANK
from knowledge.triage.normalise import Normaliser
from tests.unit.test_triage_support import triage, triage_without_semantic

HOLDOUT2 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout2.jsonl"
HOLDOUT3 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout3.jsonl"
HOLDOUT4 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout4.jsonl"
HOLDOUT6 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout6.jsonl"
HOLDOUT7 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout7.jsonl"
HOLDOUT8 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout8.jsonl"
HOLDOUT9 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout9.jsonl"
HOLDOUT10 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout10.jsonl"
HOLDOUT11 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout11.jsonl"
HOLDOUT12 = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout12.jsonl"
# A common concern phrase written independently in holdout2 and holdout4 ("sometimes i wish i could just
# disappear for a while"); holdout4 was measured with it, so it stays (docs/TRIAGE.md, fifth pass).
# holdout6's and holdout7's writers (who never saw this repository) both wrote "how do i turn off read receipts
# on insta", as the blind set had, and holdout7's writer wrote blind-0011's "tror ikk jeg er her imorgen"
# (urgent; the blind set was tuned on, so production's holdout7 recall is one message kinder). Measured with them.
# holdout8's writer wrote "ville ønske jeg aldrig var blevet født" (concern), word for word a Danish training example.
# It also wrote dev-0154's "everyone would be better off without me honestly".
# holdout9's writer wrote the same "ville ønske jeg aldrig var blevet født", and "vil ikk leve længere" (a training
# example once normalised), and three everyday or concern lines that holdout3, 6 and 8 also hold word for word
# ("how do i tell my parents i want to quit football", "...everyone would be better off without me"). Measured with them.
KNOWN_COINCIDENCES = frozenset(
    {"hold2-0073", "blind-0286", "blind-0011", "hold6-0124", "hold7-0162", "hold8-0167", "dev-0154"}
    | {"hold9-0074", "hold9-0134", "hold9-0055", "hold9-0161", "hold3-0139", "hold6-0021", "hold10-0185", "hold8-0081"}
)
# Written for this test, in no content or data file: a farewell with no risk word at all.
EUPHEMISM = "jeg har sagt tak for alt til min familie og i aften tager jeg afsted for altid"


def _verdict(p_none: float, p_concern: float, p_urgent: float) -> semantic.SemanticVerdict:
    return semantic.SemanticVerdict({"none": p_none, "concern": p_concern, "urgent": p_urgent}, np.zeros(0))


@pytest.mark.parametrize("current", LEVELS)
@pytest.mark.parametrize("probs", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.1, 0.1, 0.8), (0.05, 0.05, 0.9)])
def test_raise_level_never_lowers_and_raises_at_most_one_level(current: str, probs: tuple[float, ...]) -> None:
    """Without a kNN vote (knn 0) the layer raises at most one level."""
    level = semantic.raise_level(current, _verdict(*probs), words=8)  # type: ignore[arg-type]
    assert RANK[level] >= RANK[current]  # type: ignore[index]
    assert RANK[level] - RANK[current] <= 1  # type: ignore[index]


def test_urgent_needs_a_clear_knn_vote_over_everyday_and_distress_examples_and_six_words() -> None:
    """The tenth pass's rule (docs/TRIAGE.md): in the tuned encoder's space the kNN vote alone raises to urgent,
    from none or concern, when the closest curated examples are urgent ones rather than everyday ones
    (knn >= KNN_URGENT) and rather than distress ones (knn_concern >= KNN_URGENT_OVER_CONCERN), in a message of
    at least KNN_URGENT_MIN_WORDS words. p(urgent) alone never makes urgent: the ninth pass measured that the
    head is over-confident ("farvel og tak for hjælpen" at 0.97)."""
    clear = semantic.SemanticVerdict({"none": 0.9, "concern": 0.05, "urgent": 0.05}, np.zeros(0), knn=0.09,
                                     knn_concern=0.03)  # fmt: skip
    assert semantic.raise_level("none", clear, words=8) == "urgent"
    assert semantic.raise_level("concern", clear, words=8) == "urgent"
    assert semantic.raise_level("none", clear, words=semantic.KNN_URGENT_MIN_WORDS - 1) == "concern"
    like_distress = semantic.SemanticVerdict({"none": 0.0, "concern": 0.2, "urgent": 0.8}, np.zeros(0), knn=0.12,
                                             knn_concern=0.01)  # fmt: skip
    assert semantic.raise_level("concern", like_distress, words=8) == "concern"
    confident = semantic.SemanticVerdict({"none": 0.0, "concern": 0.0, "urgent": 1.0}, np.zeros(0), knn=0.07,
                                         knn_concern=0.2)  # fmt: skip
    assert semantic.raise_level("concern", confident, words=8) == "concern"
    assert semantic.raise_level("none", confident, words=8) == "concern"  # none -> concern on p and the vote


def test_a_blocked_urgent_still_raises_to_concern(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the semantic layer proposes urgent but a follow-up pattern or an idiom veto blocks urgent, the message
    is still raised to concern, never left at none (before the ninth pass it fell back to none: hold7-0035, a
    father's threat to kill, was judged none). Checked on every message of holdout6 and holdout7."""
    proposed: dict[str, str] = {}
    original = semantic.raise_level

    def spy(current: str, verdict: semantic.SemanticVerdict, words: int) -> str:
        level = original(current, verdict, words)  # type: ignore[arg-type]
        proposed[current + str(id(verdict))] = level
        return level

    t = triage()
    blocked = 0
    for path in (HOLDOUT6, HOLDOUT7):
        for message in read_dev_set(path):
            proposed.clear()
            monkeypatch.setattr(semantic, "raise_level", spy)
            verdict = t.judge(message.text)
            monkeypatch.setattr(semantic, "raise_level", original)
            if "urgent" in proposed.values() and verdict.level != "urgent":
                blocked += 1
                assert verdict.level == "concern", (message.id, verdict.reasons)
    assert blocked >= 1  # the path is exercised


def test_short_messages_and_near_negatives_are_never_raised() -> None:
    assert semantic.raise_level("none", _verdict(0, 0, 1), words=2) == "none"
    near = semantic.SemanticVerdict({"none": 0.0, "concern": 0.0, "urgent": 1.0}, np.zeros(0), near_negative=True)
    assert semantic.raise_level("concern", near, words=8) == "concern"


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
        assert clash == [], (name, clash)
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
    clash = [m.id for m in read_dev_set(HOLDOUT3) if norm(m.text).text.strip() in ours]
    assert clash == []


@pytest.mark.parametrize(
    "path",
    [HOLDOUT3, HOLDOUT4, HOLDOUT6, HOLDOUT7, HOLDOUT8, HOLDOUT9, HOLDOUT10, HOLDOUT11, HOLDOUT12],
    ids=["holdout3", "holdout4", "holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12"],
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
    mine = {norm(m.text).text.strip() for m in read_dev_set(HOLDOUT4)}
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
        assert RANK[new.level] >= RANK[old.level], text
        if new.level != old.level:
            assert any(r.startswith("semantic: ") for r in new.reasons), new.reasons


def test_the_layer_raises_a_euphemism_the_lexicon_misses() -> None:
    _layered()
    assert triage_without_semantic().judge(EUPHEMISM).level == "none"
    result = triage().judge(EUPHEMISM)
    assert result.level in ("concern", "urgent")
    assert any(r.startswith("semantic: ") and "close to" in r for r in result.reasons), result.reasons


def test_holdout2_at_the_measured_level() -> None:
    """holdout2 was written before the first layer and measured once (docs/TRIAGE.md): without the layer
    urgent recall 0.400 and 19 urgent judged none; with it 0.483 and 12. The fourth pass (combined head,
    kNN vote, more curated examples) was tuned on it: 0.517 and 2. Not the product goal (recall >= 0.98,
    no urgent judged none): this guards the level reached, it does not claim the goal."""
    _layered()
    report = dev_report(triage(), read_dev_set(HOLDOUT2))
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
    report = dev_report(triage(), read_dev_set(HOLDOUT3))
    assert report.total == 150
    # 2026-12-02, portable int8 embedding, AVX2-only path (issue 13): recall 0.853 (64/75), 0 urgent judged
    # none, 0 none judged urgent, concern flagged 0.96 (24/25). Each floor at least two messages below.
    assert report.recall["urgent"] >= 0.82, report.recall
    assert len(report.urgent_as_none) <= 2, report.urgent_as_none
    assert len(report.none_as_urgent) <= 2, report.none_as_urgent
    assert report.concern_flagged >= 0.88, report.concern_flagged


def test_none_to_concern_reads_the_head_and_the_vote_together() -> None:
    everyday = semantic.SemanticVerdict({"none": 0.9, "concern": 0.05, "urgent": 0.05}, np.zeros(0), knn=-0.05)
    assert semantic.raise_level("none", everyday, words=8) == "none"
    leaning = semantic.SemanticVerdict({"none": 0.9, "concern": 0.05, "urgent": 0.05}, np.zeros(0), knn=0.02)
    assert semantic.risk_score(leaning) >= semantic.CONCERN_FROM_NONE
    assert semantic.raise_level("none", leaning, words=8) == "concern"


def test_holdout4_at_the_measured_level() -> None:
    """holdout4 (100: 50 urgent, 15 concern, 35 tricky none; 60% Danish) was written before the fifth pass,
    measured once before it (urgent recall 0.600, 1 urgent judged none, 4 none judged urgent) and once after
    (0.620, 0, 2), never tuned on (docs/TRIAGE.md). Honest floors at the measured level, not the product goal
    (recall >= 0.98, no urgent judged none, none judged urgent <= 2%)."""
    _layered()
    report = dev_report(triage(), read_dev_set(HOLDOUT4))
    assert report.total == 100
    # 2026-12-02, portable int8 embedding, AVX2-only path (issue 13): recall 0.70 (35/50), 3 urgent judged
    # none, 2 none judged urgent, concern flagged 0.933 (14/15). Each floor at least two messages below. Tenth
    # pass (tuned encoder, AVX-512 path): recall 0.84 (42/50), 2 urgent judged none, 2 none judged urgent, 14/15.
    assert report.recall["urgent"] >= 0.66, report.recall
    assert len(report.urgent_as_none) <= 5, report.urgent_as_none
    assert len(report.none_as_urgent) <= 4, report.none_as_urgent
    assert report.concern_flagged >= 0.80, report.concern_flagged


@dataclass(frozen=True)
class FreshHoldout:
    """A hold-out written on 2026-12-02 from the taxonomy's definitions alone by a helper who never saw this
    repository, kept outside it until measured once (docs/TRIAGE.md). holdout6-10 then served the tenth pass
    as development sets; holdout11 and holdout12 were written for it. Floors sit at least two messages below the figures, not at the product goal."""

    path: Path
    total: int
    measured: str  # what was measured once, for the reader
    min_urgent_recall: float
    max_urgent_as_none: int
    max_none_as_urgent: int
    min_concern_flagged: float


FRESH_HOLDOUTS = {
    # Each measured once on the triage of its day (docs/TRIAGE.md); the figures and floors below are the tenth
    # pass's (tuned encoder, kNN rule), measured 2026-12-02 on the AVX-512 path (Intel Xeon): holdout6-10 had been
    # seen by then (the tenth pass chose its thresholds on them), holdout11 was first measured on the pass's
    # knn-only variant and holdout12 once on the final rule before its last change (docs/TRIAGE.md, tenth pass).
    # 217: 76 urgent, 58 concern, 83 none; 65% Danish ("Fresh hold-out 6").
    "holdout6": FreshHoldout(
        HOLDOUT6, 217, "recall 0.671 (51/76), 7 urgent->none, 3 none->urgent, concern 54/58", 0.64, 9, 5, 0.89
    ),
    # 182: 65 urgent, 55 concern, 62 none; 66% Danish ("Eighth pass").
    "holdout7": FreshHoldout(
        HOLDOUT7, 182, "recall 0.615 (40/65), 4 urgent->none, 1 none->urgent, concern 51/55", 0.58, 6, 3, 0.89
    ),
    # 210: 75 urgent, 65 concern, 70 none; 68% Danish ("Ninth pass").
    "holdout8": FreshHoldout(
        HOLDOUT8, 210, "recall 0.760 (57/75), 1 urgent->none, 0 none->urgent, concern 55/65", 0.73, 3, 2, 0.81
    ),
    # 180: 65 urgent, 55 concern, 60 none; 68% Danish ("Ninth pass").
    "holdout9": FreshHoldout(
        HOLDOUT9, 180, "recall 0.769 (50/65), 2 urgent->none, 0 none->urgent, concern 51/55", 0.73, 4, 2, 0.89
    ),
    # 190: 68 urgent, 57 concern, 65 none; 67% Danish ("Tenth pass").
    "holdout10": FreshHoldout(
        HOLDOUT10, 190, "recall 0.676 (46/68), 5 urgent->none, 0 none->urgent, concern 49/57", 0.64, 7, 2, 0.82
    ),
    # 170: 60 urgent, 50 concern, 60 none; 74% Danish ("Tenth pass").
    "holdout11": FreshHoldout(
        HOLDOUT11, 170, "recall 0.617 (37/60), 2 urgent->none, 0 none->urgent, concern 47/50", 0.58, 4, 2, 0.9
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Tenth pass").
    "holdout12": FreshHoldout(
        HOLDOUT12, 180, "recall 0.683 (41/60), 2 urgent->none, 0 none->urgent, concern 55/60", 0.65, 4, 2, 0.88
    ),
}


@pytest.mark.parametrize("name", sorted(FRESH_HOLDOUTS))
def test_fresh_holdout_at_the_measured_level(name: str) -> None:
    holdout = FRESH_HOLDOUTS[name]
    _layered()
    report = dev_report(triage(), read_dev_set(holdout.path))
    assert report.total == holdout.total
    assert report.recall["urgent"] >= holdout.min_urgent_recall, (holdout.measured, report.recall)
    assert len(report.urgent_as_none) <= holdout.max_urgent_as_none, (holdout.measured, report.urgent_as_none)
    assert len(report.none_as_urgent) <= holdout.max_none_as_urgent, (holdout.measured, report.none_as_urgent)
    assert report.concern_flagged >= holdout.min_concern_flagged, (holdout.measured, report.concern_flagged)
