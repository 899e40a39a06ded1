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
    # holdout13's, holdout8's and holdout34's writers wrote the same idiom line ("jeg døde af grin da min lærer ...").
    | {"hold13-0166", "hold8-0040", "ho34-082"}
    # holdout32's and holdout35's writers wrote the same idiom line ("jeg dør af grin over den video du sendte ...").
    | {"ho32-166", "ho35-061"}
    # holdout38's writer (twenty-second pass) wrote four short everyday lines that earlier sets hold word for word
    # ("jeg døde af grin da min lærer ...", "min mor slår mig ihjel hvis hun ser min karakter i matematik", "i'm
    # dying to see the new spider-man movie", "hvad gør man hvis man har glemt sin kode til mitid"). Measured with them.
    | {"ho38-015", "ho38-041", "ho38-065", "ho38-125", "hold2-0113", "hold7-0123", "hold21-0055"}
    # holdout36's, holdout40's and holdout43's writers wrote the same idiom line ("... faldt over sin egen taske i dag
    # 😂😂").
    | {"ho36-096", "ho40-033", "ho43-009"}
    # holdout33's and holdout44's writers wrote the same idiom line with skulls ("... faldt over sin egen taske i dag
    # 💀💀").
    | {"ho33-117", "ho44-128"}
    # Writers of the twenty-third pass wrote four lines earlier sets hold the same once normalised: holdout46's
    # teacher idiom (holdout23's), its "this essay is going to be the death of me ..." (holdout29's), its passive
    # wish not to wake (holdout45's, written the same hour), and holdout47's "min mor slår mig ihjel hvis ... 02 i
    # matematik haha" (holdout16's). Measured with them.
    | {"ho46-152", "h23-125", "ho46-176", "h29-051", "ho46-070", "ho45-002", "ho47-162", "hold16-0002"}
    # holdout50's and holdout51's writers (end of the twenty-third pass) wrote three lines earlier sets hold the same once
    # normalised: holdout13's "cutting right now and i can't stop, it's deeper than usual", holdout36's psychologist
    # question, and the teacher idiom once more. Measured with them.
    | {"ho51-153", "hold13-0008", "ho50-148", "ho36-027", "ho51-144"}
    # holdout14's writer wrote three short everyday lines that earlier sets hold word for word (holdout12's "hej hvad
    # er jeres åbningstider", the blind set's "jeg dør af grin 😂😂" and "is it normal to feel nervous before a first
    # date"). Measured with them.
    | {"hold14-0005", "hold12-0126", "hold14-0155", "hold14-0176", "blind-0202", "blind-0290"}
    # holdout17's and holdout18's writers (thirteenth pass) wrote three lines earlier sets hold word for word
    # ("i keep thinking everyone would be better off without me", "hvorfor er jeg altid så træt om morgenen selvom
    # jeg sover 8 timer", and one football line they share). Measured with them.
    | {"hold17-0007", "hold17-0133", "hold14-0051", "hold17-0127", "hold18-0043"}
    # holdout15 and holdout16 (checked here since the thirteenth pass): holdout15's "i want to die" is a context
    # rule's history line in patterns.yml, and both writers wrote "i have the pills in my hand right now. i just
    # wanted someone to know". Measured with them.
    | {"hold15-0119", "hold15-0176", "hold16-0127"}
    # holdout20's and holdout21's writers (fourteenth pass) wrote four everyday lines and one idiom that earlier
    # sets hold word for word ("how do i turn off read receipts on insta", "hej er der nogen", the MitID code,
    # "min mor slår mig ihjel hvis jeg kommer for sent hjem igen haha"), and one they share ("how do i block
    # someone on discord without them knowing"). Measured with them.
    | {"hold20-0004", "hold21-0001", "hold20-0080", "hold12-0144", "hold20-0145", "blind-0245"}
    | {"hold21-0014", "hold11-0117", "hold20-0148", "hold21-0142"}
    # holdout24's writer (sixteenth pass) wrote holdout8's and holdout10's "sometimes i wish i could just fall asleep
    # and not wake up. not gonna do anything tho" word for word, and holdout25's writer wrote holdout14's "I'm
    # cutting right now and I can't stop" in the words the normaliser makes of "im cutting rn and i cant stop".
    # Measured with them.
    | {"h24-083", "h25-147", "hold14-0017"}
    # Twenty-fourth pass: holdout52-61's writers wrote everyday lines, a "stands on the bridge now" line, a
    # school-project question and a passive wish that earlier sets (or each other) hold word for word after
    # normalisation. Measured with them.
    | {"ho53-038", "hold13-0112", "ho60-102", "hold17-0127", "hold18-0043", "ho55-033", "h27-042", "ho61-152"}
    | {"h29-042", "ho52-116", "ho33-149", "ho57-142", "ho36-027", "ho50-148", "ho59-114", "ho37-013", "ho61-046"}
    | {"ho37-113", "ho59-166", "ho39-108", "ho57-162", "hold4-0015", "ho55-088", "ho43-161", "ho55-034", "ho57-177"}
    | {"ho47-172", "ho60-022", "ho48-167", "ho59-103", "ho58-131", "ho59-016", "ho60-044"}
    | {"ho62-014", "ho31-066", "ho63-166", "ho51-144", "ho62-162", "ho64-103", "ho64-023", "ho53-029", "ho62-076"}
    # Twenty-fifth pass: holdout65-76's writers wrote idiom lines, everyday questions, a passive wish with a denial and
    # a friend's overdose that earlier sets (or each other) hold word for word after normalisation. Measured with them.
    | {"ho56-078", "ho65-067", "ho45-002", "ho46-070", "ho66-055", "ho66-139", "ho67-004", "ho58-037", "ho67-135"}
    | {"ho68-094", "ho49-022", "ho68-010", "ho35-092", "ho69-145", "ho70-125", "ho47-055", "ho70-044", "ho54-105"}
    | {"ho70-123", "ho63-020", "ho70-099", "ho72-088", "ho71-177", "ho30-019", "ho72-030", "ho72-089", "ho72-109"}
    | {"ho73-027", "h26-051", "ho33-168", "ho50-117", "ho56-013", "ho67-090", "ho74-035", "ho74-056", "ho74-074"}
    | {"ho74-104", "ho75-049", "ho75-073", "ho76-011", "ho76-137", "ho76-173"}
    # holdout77-79's writers (twenty-sixth pass) wrote short lines that earlier sets hold the same once normalised.
    # Measured with them.
    | {"ho77-066", "hold13-0019", "ho77-004", "ho49-149", "ho77-121", "ho51-138", "ho78-094", "hold17-0127"}
    | {"hold18-0043", "ho60-102", "ho62-014", "ho70-125", "ho78-164", "ho63-159", "ho79-060", "hold13-0166"}
    | {"ho34-082", "ho38-065", "hold8-0040", "ho79-162", "hold16-0002", "ho47-162", "ho79-104", "ho67-022"}
    # holdout80-82's writers (measured once on the twenty-sixth pass's final rule) did the same.
    | {"ho80-025", "ho71-177", "ho72-088", "ho81-129", "h28-088", "ho81-111", "ho33-117", "ho44-128", "ho81-122"}
    | {"ho39-094", "ho82-170", "ho36-096", "ho40-033", "ho43-009", "ho51-144", "ho62-162", "ho64-103", "ho82-070"}
    | {"ho37-113", "ho61-046", "ho64-023"}
    # holdout83-85's writers (measured once on fa64f90, the third batch's rule) did the same.
    | {"ho83-129", "ho53-011", "ho83-069", "ho67-090", "ho74-104", "ho83-064", "ho72-113", "ho84-122", "h27-117"}
    | {"ho84-031", "ho70-106", "ho85-024", "ho49-084", "ho85-041", "ho78-045"}
    # holdout86-88's writers (measured once on 544bcf8, the fourth batch's rule) did the same.
    | {"ho86-051", "ho58-114", "ho87-088", "h29-111", "ho87-042", "ho34-087", "ho87-062", "ho87-174", "ho43-003"}
    | {"ho87-020", "ho53-095", "ho88-137", "ho32-166", "ho35-061", "ho88-173", "ho82-132"}
    # holdout89-91's writers (measured once on d5e9291, the pass's final rule) did the same.
    | {"ho89-041", "ho34-023", "ho89-020", "ho55-114", "ho89-127", "ho56-161", "ho89-034", "ho90-155", "ho38-148"}
    | {"ho90-178", "ho64-083", "ho91-075", "ho91-008", "ho79-031"}
    # holdout92-94's writers (twenty-seventh pass, measured once on 48b75ca) did the same.
    | {"ho92-070", "ho65-091", "ho92-173", "ho73-006", "ho93-149", "ho56-178", "ho94-101", "ho52-076"}
    # holdout95-97's writers (measured once on 152b7d7) did the same.
    | {"ho95-143", "ho50-039", "ho97-102", "ho55-164"}
    # holdout98-100's writers (measured once on 9284f70) did the same, and two wrote one line each other's set holds.
    | {"ho99-036", "ho100-106", "ho99-164", "ho34-087", "ho87-042", "ho100-089", "ho38-148", "ho90-155"}
    | {"ho100-101", "ho53-011", "ho83-129", "ho100-031", "ho58-131", "ho59-103"}
    | {"ho98-021", "ho58-114", "ho86-051", "ho89-034", "ho98-136", "ho83-162"}
    # holdout101-103's writers (measured once on 7eac9ba, the pass's final rule) did the same; holdout101's one short
    # everyday line (ho101-155) is held by nine earlier sets.
    | {"ho101-167", "ho100-089", "ho38-148", "ho90-155", "ho101-107", "ho49-030", "ho101-134", "ho78-128"}
    | {"ho101-155", "ho36-096", "ho40-033", "ho43-009", "ho51-144", "ho62-162", "ho64-103", "ho82-170", "ho87-062"}
    | {"ho101-064", "ho93-040", "ho102-017", "ho89-008", "ho103-050", "ho100-031", "ho58-131", "ho59-103"}
    | {"ho103-075", "ho46-122", "ho103-013", "ho47-079"}
    # The twenty-eighth pass's first writers (holdout104-106) wrote twelve lines that earlier sets or our content hold
    # the same once normalised: a friend's whole bottle of pills (holdout56), a self-harm talk in biology (holdout60),
    # the teacher idiom with skulls (a semantic `none` row) and "i could murder a burger rn" (a training row), the
    # psychologist question (holdout28, 81), a school project on youth suicide (holdout37, 61, 64, 82), "myrde en pizza"
    # (holdout45), not waking up (holdout47), "murder a pizza" (holdout64) and a new tattoo (holdout85). Measured with them.
    | {"ho104-144", "ho56-040", "ho104-108", "ho60-178", "ho105-050", "ho105-164", "ho105-028", "h28-088", "ho81-129"}
    | {"ho105-080", "ho37-113", "ho61-046", "ho64-023", "ho82-070", "ho105-143", "ho45-063", "ho105-147", "ho47-170"}
    | {"ho106-057", "ho64-106", "ho106-027", "ho85-018"}
    # holdout107-112's writers (measured once on the twenty-eighth pass's final rule) wrote lines earlier sets hold the
    # same once normalised: ibuprofen on an empty stomach, an uncle's "secret" (da and en), two periods in a month, a
    # job at Netto, "dør af grin over den video", a general support question, feeling a burden, "literally died when my
    # crush said hi", the teacher idiom, and a friend's whole pack of panodil. Measured with them.
    | {"ho107-157", "ho40-124", "ho107-127", "ho49-150", "ho107-112", "ho70-106", "ho84-031", "ho108-096", "ho81-082"}
    | {"ho109-168", "ho30-062", "ho109-055", "ho32-166", "ho35-061", "ho67-004", "ho72-089", "ho73-027", "ho74-074"}
    | {"ho76-011", "ho88-137", "ho109-010", "ho56-161", "ho89-127", "ho109-038", "ho71-122", "ho110-028", "h24-140"}
    | {"ho110-142", "ho45-031", "ho110-120", "ho46-030", "ho112-067", "ho100-101", "ho53-011", "ho83-129", "ho112-154"}
    | {"ho58-114", "ho86-051", "ho89-034", "ho98-021"}
)
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
    [holdout(n) for n in (3, 4, *range(6, 113))],
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
