"""Index build/cache and decision mechanics, with a deterministic fake embedder (no model needed)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import redis

from knowledge.search.embedding import Vectors
from knowledge.search.gaps import FEEDBACK_KEY, GAPS_KEY, format_gaps, gaps_report
from knowledge.search.index import KEEP_INDEXES, build_index, content_hash, load_index
from knowledge.search.knowledge_base import DEFAULT_CONFIG, KnowledgeBase
from knowledge.search.language import answer_language, detect
from tests.unit.test_kb_content import write_pair

DIM = 64


class HashingEmbedder:
    """Character trigrams hashed into 64 dimensions: similar texts get similar vectors."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    @property
    def model_id(self) -> str:
        return "test:hashing-trigrams"

    def _embed(self, texts: Sequence[str]) -> Vectors:
        self.embedded += list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                digest = hashlib.md5(padded[i : i + 3].encode(), usedforsecurity=False).digest()
                out[row, digest[0] % DIM] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)


SLEEP_EN = (
    "## What is it?\n\nNot sleeping because of the phone at night in bed.\n\n"
    "## What you can do now\n\nPut the phone away an hour before bed.\n\n"
    "## Where to get help\n\nTalk to headspace.\n"
)
SLEEP_DA = (
    "## Hvad er det?\n\nDu kan ikke sove, fordi mobilen er i sengen om natten.\n\n"
    "## Det kan du gøre nu\n\nLæg mobilen væk en time før sengetid.\n\n"
    "## Her kan du få hjælp\n\nTal med headspace.\n"
)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    write_pair(root, slug="bullied-online", topic="cyberbullying", tags='["mobning", "group chat", "mean comments"]')
    folder = root / "sleep"
    folder.mkdir(parents=True)
    from tests.unit.test_kb_content import article_text

    (folder / "phone-at-night.en.md").write_text(
        article_text(
            "phone-at-night", "en", topic="sleep", body=SLEEP_EN, tags='["sleep", "insomnia", "phone in bed"]'
        ),
        encoding="utf-8",
    )
    (folder / "phone-at-night.da.md").write_text(
        article_text("phone-at-night", "da", topic="sleep", body=SLEEP_DA, tags='["søvn", "kan ikke sove"]'),
        encoding="utf-8",
    )
    return root


@pytest.fixture
def kb(articles: Path, tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.load(HashingEmbedder(), articles_dir=articles, base=tmp_path / "kb")


def test_index_is_cached_by_content_and_model(articles: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    first = build_index(embedder, articles, base=tmp_path / "kb")
    assert (first / "manifest.json").is_file() and first.parent == tmp_path / "kb"
    embedded = len(embedder.embedded)
    assert embedded > 0
    assert build_index(embedder, articles, base=tmp_path / "kb") == first
    assert len(embedder.embedded) == embedded  # nothing re-embedded
    index = load_index(first, articles)
    assert {p.pair for p in index.passages} == {"bullied-online", "phone-at-night"}
    assert {p.kind for p in index.passages} == {"head", "section", "tags"}
    assert {p.kind for p in index.probes} >= {"tag", "title", "sentence"}
    assert index.passage_vectors.shape == (len(index.passages), DIM)
    assert index.classifier.topics == ("cyberbullying", "sleep")


def test_content_change_gives_a_new_index_and_reembeds_only_changed_text(articles: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    first = build_index(embedder, articles, base=tmp_path / "kb")
    before = content_hash(embedder.model_id, articles)
    path = articles / "sleep" / "phone-at-night.en.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Talk to headspace.", "Talk to a nurse."), encoding="utf-8"
    )
    assert content_hash(embedder.model_id, articles) != before
    embedder.embedded.clear()
    second = build_index(embedder, articles, base=tmp_path / "kb")
    assert second != first
    assert embedder.embedded and all("nurse" in text for text in embedder.embedded)


def test_old_indexes_are_pruned_and_forced_rebuilds_replace(articles: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    base = tmp_path / "kb"
    path = articles / "sleep" / "phone-at-night.en.md"
    built = []
    for n in range(5):
        path.write_text(path.read_text(encoding="utf-8") + f"\nExtra line {n}.\n", encoding="utf-8")
        built.append(build_index(embedder, articles, base=base))
    indexes = sorted(d.name for d in base.iterdir() if (d / "manifest.json").is_file())
    assert len(indexes) == KEEP_INDEXES and built[-1].name in indexes
    again = build_index(embedder, articles, base=base, force=True)
    assert again == built[-1] and (again / "manifest.json").is_file()
    assert not list(base.glob(".old-*")) and not list(base.glob(".building-*"))


def test_answer_returns_the_best_article_in_the_users_language(kb: KnowledgeBase) -> None:
    decision = kb.answer("I can't sleep because of my phone in bed at night", "da")
    assert decision.lang == "en"
    assert decision.hits[0].topic == "sleep" and decision.hits[0].article_id == "phone-at-night-en"
    danish = kb.answer("jeg kan ikke sove om natten med mobilen i sengen", "en")
    assert danish.lang == "da"
    assert danish.hits[0].article_id == "phone-at-night-da"
    assert danish.hits[0].section_title in {"Hvad er det?", "Det kan du gøre nu", "Her kan du få hjælp"}
    assert [h.score for h in danish.hits] == sorted((h.score for h in danish.hits), reverse=True)
    assert len({h.topic for h in danish.hits}) == len(danish.hits)  # one hit per topic


def test_decisions_follow_the_configured_thresholds(kb: KnowledgeBase) -> None:
    question = "I can't sleep because of my phone in bed at night"
    open_config = replace(DEFAULT_CONFIG, min_score=-9.0, max_oos_evidence=9.0, min_margin=0.0)
    answered = kb.with_config(open_config).answer(question, "en")
    assert answered.kind == "answer" and answered.article is not None and answered.article.id == "phone-at-night-en"
    clarified = kb.with_config(replace(open_config, min_margin=9.0, clarify_window=9.0)).answer(question, "en")
    assert clarified.kind == "clarify" and clarified.article is None
    assert {h.topic for h in clarified.hits} == {"sleep", "cyberbullying"}
    declined = kb.with_config(replace(open_config, min_score=9.0)).answer(question, "en")
    assert declined.kind == "decline" and not declined.answered and declined.hits
    assert kb.answer("   ", "da").kind == "decline"


def test_sensitive_topics_are_offered_rather_than_declined_in_the_grey_band(kb: KnowledgeBase) -> None:
    question = "I can't sleep because of my phone in bed at night"
    base = replace(DEFAULT_CONFIG, min_score=-9.0, oos_score_weight=0.0, oos_margin_weight=0.0, min_margin=0.0)
    scores = kb.scorer.score(kb.embedder.embed_queries([question])[0], question)
    just_below = scores.oos_gap - 0.001  # evidence is just above the decline line
    config = replace(base, max_oos_evidence=just_below, sensitive_grey_band=0.01)
    assert kb.with_config(config).answer(question, "en").kind == "decline"  # sleep is not sensitive
    import knowledge.search.knowledge_base as module

    original = module.SENSITIVE_TOPICS
    module.SENSITIVE_TOPICS = frozenset({"sleep"})
    try:
        assert kb.with_config(config).answer(question, "en").kind == "clarify"
        assert kb.with_config(replace(config, sensitive_grey_band=0.0)).answer(question, "en").kind == "decline"
    finally:
        module.SENSITIVE_TOPICS = original


def test_answer_many_matches_answer(kb: KnowledgeBase) -> None:
    texts = ["my phone keeps me awake", "mobning i gruppechatten"]
    batch = kb.answer_many(texts, ["en", None])
    single = [kb.answer(text, lang) for text, lang in zip(texts, ["en", None], strict=True)]
    assert [(d.kind, d.lang, [h.article_id for h in d.hits]) for d in batch] == [
        (d.kind, d.lang, [h.article_id for h in d.hits]) for d in single
    ]


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("hvad gør jeg hvis min kæreste presser mig", "en", "da"),
        ("what do i do if my bf pressures me", "da", "en"),
        ("folk skriver racistiske kommentarer", None, "da"),
        ("always exhausted in class", "da", "en"),
        ("ok", "en", "en"),
        ("😭", None, "da"),
    ],
)
def test_answer_language(text: str, hint: str | None, expected: str) -> None:
    assert answer_language(text, hint) == expected


def test_detect_is_none_without_signal() -> None:
    assert detect("ok") is None and detect("?!") is None


def test_gaps_report_reads_what_the_gateway_records(redis_client: redis.Redis, kb: KnowledgeBase) -> None:
    for n in range(3):  # the gateway's format (api/services/messages.py add_gap): one member per time asked
        redis_client.zadd(GAPS_KEY, {f"{1000 + n}:ab{n}:hvordan laver man pandekager": 1000 + n})
    redis_client.zadd(GAPS_KEY, {"2000:cd:i cant sleep": 2000})
    redis_client.hset(FEEDBACK_KEY, mapping={"phone-at-night-en:no": 4, "phone-at-night-en:yes": 1, "x-da:yes": 2})
    report = gaps_report(redis_client, limit=10, kb=kb)
    assert [(g.question, g.count) for g in report.gaps] == [("hvordan laver man pandekager", 3), ("i cant sleep", 1)]
    assert report.gaps[1].nearest_topic == "sleep"
    assert report.feedback[0].article_id == "phone-at-night-en" and report.feedback[0].unhelpful == 4
    assert sum(report.gaps_per_topic().values()) == 4 and report.gaps_per_topic()["sleep"] >= 1
    text = format_gaps(report)
    assert "pandekager" in text and "phone-at-night-en" in text
