"""The blind retrieval set (tests/data/kb_blind.jsonl): teen-style questions written apart from the dev set
and from the content, ~10 per taxonomy topic (60% Danish) plus 40 out-of-scope questions.

It guards generalisation, so the asserts sit at levels reached honestly (see docs/KNOWLEDGE.md), a
little below the measured numbers, and no blind question may be copied into the content: not into an
article (text or front matter) and not into the out-of-scope exemplars.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.content import ARTICLES_DIR, REPO_ROOT, article_files, load_topics
from knowledge.search import KnowledgeBase
from knowledge.search.evaluation import DEV_SET, EvalReport, evaluate, read_questions
from knowledge.search.index import OUT_OF_SCOPE_FILE, TOPIC_EXAMPLES_FILE, topic_examples

BLIND_SET = REPO_ROOT / "tests" / "data" / "kb_blind.jsonl"
HOLDOUT_SET = REPO_ROOT / "tests" / "data" / "kb_holdout.jsonl"
HOLDOUT3_SET = REPO_ROOT / "tests" / "data" / "kb_holdout3.jsonl"
HOLDOUT4_SET = REPO_ROOT / "tests" / "data" / "kb_holdout4.jsonl"
EXTERNAL_DIR = REPO_ROOT.parent / "shared" / "eval" / "external"
# measured 2026-11-22 after the content work: blind top-1 0.971, top-3 0.995, out-of-scope 0.975
BLIND_TOP1 = 0.92
BLIND_TOP3 = 0.97
BLIND_DECLINE = 0.90
BLIND_ANSWERED = 0.85
# the hold-out set (104 q) was written after the tuning and measured once, never tuned on:
# top-1 0.893, top-3 0.940, out-of-scope 0.950; after the example questions 0.917 / 1.000 / 0.950
HOLDOUT_TOP1 = 0.88
HOLDOUT_TOP3 = 0.97
HOLDOUT_DECLINE = 0.90
# kb_holdout3.jsonl (151 q: 6 per topic, 66% Danish, 25 out-of-scope) was written before the example
# questions and measured twice: before 0.841 / 0.944 / 0.960, after 0.897 / 0.976 / 0.960 (top-1 /
# top-3 / out-of-scope declined), answered 0.730 -> 0.825. Never tuned on.
HOLDOUT3_TOP1 = 0.87
HOLDOUT3_TOP3 = 0.96
HOLDOUT3_DECLINE = 0.88  # 2026-12-02 (portable int8, AVX2 path): 0.929 / 1.000 / 0.960 / 0.849; 24 -> 22 of 25
HOLDOUT3_ANSWERED = 0.78
# kb_holdout4.jsonl (110 q: 4 per topic, 60% Danish, 26 out-of-scope incl. tech trivia) was written before
# the contrastive example questions (2026-11-29) and measured before and after, never tuned on:
# top-1 / top-3 / out-of-scope declined / answered 0.929 / 1.000 / 0.885 / 0.905 -> 0.952 / 1.000 / 0.923 / 0.940.
HOLDOUT4_TOP1 = 0.92
HOLDOUT4_TOP3 = 0.97
# 2026-12-02, portable int8 embedding on the AVX2-only path (issue 13): 0.952 / 1.000 / 0.923 / 0.893.
# Each floor sits at least two questions below that figure (26 out-of-scope: 24 -> 22 = 0.846; 84 in scope).
HOLDOUT4_DECLINE = 0.84
HOLDOUT4_ANSWERED = 0.86


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in BLIND_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def blind_report(kb: KnowledgeBase) -> EvalReport:
    return evaluate(kb, read_questions(BLIND_SET), "blind")


def test_blind_set_shape() -> None:
    rows = _rows()
    assert len(rows) >= 240
    assert all(set(row) == {"id", "text", "lang", "topic"} for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    taxonomy = {topic for topic in load_topics() if topic != "about-lyt"}
    per_topic = Counter(row["topic"] for row in rows)
    assert all(per_topic[topic] >= 10 for topic in taxonomy), {t: per_topic[t] for t in taxonomy}
    assert per_topic[None] >= 40
    assert set(per_topic) - {None} <= set(load_topics())
    langs = Counter(row["lang"] for row in rows)
    assert 0.5 <= langs["da"] / len(rows) <= 0.7, langs


def test_evaluation_sets_do_not_overlap() -> None:
    dev = {_normalise(q.text) for q in read_questions(DEV_SET)}
    blind = {_normalise(q.text) for q in read_questions(BLIND_SET)}
    holdout = {_normalise(q.text) for q in read_questions(HOLDOUT_SET)} if HOLDOUT_SET.is_file() else set()
    holdout3 = {_normalise(q.text) for q in read_questions(HOLDOUT3_SET)}
    assert not blind & dev
    assert not holdout & (dev | blind)
    assert not holdout3 & (dev | blind | holdout)
    holdout4 = {_normalise(q.text) for q in read_questions(HOLDOUT4_SET)}
    assert not holdout4 & (dev | blind | holdout | holdout3)


# kb_holdout5 was written on 2026-12-02 by someone who never saw this repository, after these examples existed
# (git log -- knowledge/search/topic_examples.yml); three of its questions came out close to older examples by
# coincidence. They are listed, not hidden: the unseen figure in KNOWLEDGE.md includes them.
INDEPENDENT_COINCIDENCES = {
    "is six hours a day on my phone too much",
    "hvordan slår jeg min placering fra på snap",
    "my friend said she doesn t want to live anymore what do i do",
}


def _evaluation_texts() -> dict[str, str]:
    """normalised text -> file name, over every tests/data/kb_*.jsonl set and the external sets."""
    paths = sorted((REPO_ROOT / "tests" / "data").glob("kb_*.jsonl"))
    paths += sorted(EXTERNAL_DIR.rglob("*.jsonl")) if EXTERNAL_DIR.is_dir() else []
    texts: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            raw = json.loads(line) if line.strip() else None
            if isinstance(raw, dict) and "text" in raw:
                texts[_normalise(str(raw["text"]))] = path.name
    return texts


def test_topic_examples_are_written_apart_from_every_evaluation_set() -> None:
    """No example question is an evaluation question, nor a near copy of one (word Jaccard >= 0.6)."""
    examples = topic_examples(TOPIC_EXAMPLES_FILE)
    assert len(examples) >= 800
    assert {e.topic for e in examples} == {topic for topic in load_topics() if topic != "about-lyt"}
    evaluation = {t: n for t, n in _evaluation_texts().items() if t not in INDEPENDENT_COINCIDENCES}
    words = [(set(text.split()), text, name) for text, name in evaluation.items()]
    copied = []
    for example in examples:
        normalised = _normalise(example.text)
        mine = set(normalised.split())
        if normalised in evaluation:
            copied.append((example.text, evaluation[normalised]))
            continue
        for theirs, text, name in words:
            if len(mine & theirs) >= 0.6 * len(mine | theirs):
                copied.append((example.text, f"{name}: {text}"))
                break
    assert not copied, copied


@pytest.mark.parametrize(
    "path", [BLIND_SET, HOLDOUT_SET, HOLDOUT3_SET, HOLDOUT4_SET], ids=["blind", "holdout", "holdout3", "holdout4"]
)
def test_no_evaluation_question_is_copied_into_the_content(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"no {path.name}")
    content = [p.read_text(encoding="utf-8") for p in article_files(ARTICLES_DIR)]
    content.append(OUT_OF_SCOPE_FILE.read_text(encoding="utf-8"))
    content.append(TOPIC_EXAMPLES_FILE.read_text(encoding="utf-8"))
    haystack = "\n".join(_normalise(text) for text in content)
    exemplars = {
        _normalise(line.strip().lstrip("- "))
        for file in (OUT_OF_SCOPE_FILE, TOPIC_EXAMPLES_FILE)
        for line in file.read_text("utf-8").splitlines()
    }
    questions = read_questions(path)
    copied = [q.text for q in questions if _normalise(q.text) in haystack or _normalise(q.text) in exemplars]
    assert not copied, copied


def test_blind_set_quality(blind_report: EvalReport) -> None:
    summary = blind_report.as_dict()
    assert blind_report.top1_accuracy >= BLIND_TOP1, summary
    assert blind_report.top3_accuracy >= BLIND_TOP3, summary
    assert blind_report.decline_rate >= BLIND_DECLINE, summary
    assert blind_report.rate(blind_report.answered, blind_report.in_scope) >= BLIND_ANSWERED, summary
    assert blind_report.rate(blind_report.declined, blind_report.in_scope) <= 0.05, summary


def test_holdout_set_quality(kb: KnowledgeBase) -> None:
    if not HOLDOUT_SET.is_file():
        pytest.skip("no hold-out set")
    report = evaluate(kb, read_questions(HOLDOUT_SET), "holdout")
    summary = report.as_dict()
    assert report.top1_accuracy >= HOLDOUT_TOP1, summary
    assert report.top3_accuracy >= HOLDOUT_TOP3, summary
    assert report.decline_rate >= HOLDOUT_DECLINE, summary


def test_holdout3_set_shape() -> None:
    questions = read_questions(HOLDOUT3_SET)
    assert len(questions) >= 150
    per_topic = Counter(q.topic for q in questions)
    taxonomy = {topic for topic in load_topics() if topic != "about-lyt"}
    assert all(per_topic[topic] >= 6 for topic in taxonomy), per_topic
    assert per_topic[None] >= 25


def test_holdout3_set_quality(kb: KnowledgeBase) -> None:
    report = evaluate(kb, read_questions(HOLDOUT3_SET), "holdout3")
    summary = report.as_dict()
    assert report.top1_accuracy >= HOLDOUT3_TOP1, summary
    assert report.top3_accuracy >= HOLDOUT3_TOP3, summary
    assert report.decline_rate >= HOLDOUT3_DECLINE, summary
    assert report.rate(report.answered, report.in_scope) >= HOLDOUT3_ANSWERED, summary


def test_holdout4_set_shape() -> None:
    questions = read_questions(HOLDOUT4_SET)
    assert len(questions) >= 110
    per_topic = Counter(q.topic for q in questions)
    taxonomy = {topic for topic in load_topics() if topic != "about-lyt"}
    assert all(per_topic[topic] >= 4 for topic in taxonomy), per_topic
    assert per_topic[None] >= 25
    langs = Counter(q.lang for q in questions)
    assert 0.55 <= langs["da"] / len(questions) <= 0.65, langs


def test_holdout4_set_quality(kb: KnowledgeBase) -> None:
    report = evaluate(kb, read_questions(HOLDOUT4_SET), "holdout4")
    summary = report.as_dict()
    assert report.top1_accuracy >= HOLDOUT4_TOP1, summary
    assert report.top3_accuracy >= HOLDOUT4_TOP3, summary
    assert report.decline_rate >= HOLDOUT4_DECLINE, summary
    assert report.rate(report.answered, report.in_scope) >= HOLDOUT4_ANSWERED, summary
