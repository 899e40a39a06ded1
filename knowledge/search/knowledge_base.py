"""`KnowledgeBase.answer(text, lang)`: answer, ask which topic was meant, or decline.

* decline: out-of-scope evidence above `max_oos_evidence`. The evidence grows as the question sits
  closer to the curated out-of-scope exemplars than to any article probe (`oos_gap`) and as its best
  topic score falls (a linear rule in those two, tuned on the dev set); or a best score below `min_score`;
* clarify instead of decline: when the evidence is only just above the line (`sensitive_grey_band`) and
  the best topic is a sensitive one (SENSITIVE_TOPICS), the topic is offered rather than refused;
* clarify: the best two topics are within `min_margin` of each other, or the question has no word that
  carries meaning ("hvad gør jeg"), or too few ("billeder") and no clear winner (`vague_margin`); the hits
  are then the 2-3 topics within `clarify_window` of the best, for the buttons;
* answer: otherwise, with the best article in the user's language.
Hits are diversified by topic: the best article of each of the best three topics, best first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from knowledge.content import ARTICLES_DIR, Article
from knowledge.search.embedding import Embedder, Vectors, make_embedder
from knowledge.search.index import Passage, SearchIndex, build_index, load_index
from knowledge.search.language import Lang, answer_language, content_words
from knowledge.search.scoring import PairScorer, Scores, SearchConfig

DecisionKind = Literal["answer", "clarify", "decline"]
MAX_HITS = 3
SENSITIVE_TOPICS = frozenset(
    {"suicidal-thoughts", "self-harm", "violence-abuse", "sextortion", "grooming", "body-eating"}
)
QUERY_CACHE_SIZE = 2048
ACTION_SECTION = 1  # "What you can do now": shown when the best match is the title, summary or tags
DEFAULT_CONFIG = SearchConfig(
    passage_top_k=2,
    probe_weight=0.6,
    lexical_weight=0.3,
    second_pair_weight=0.3,
    classifier_weight=0.03,
    min_score=1.0,
    oos_score_weight=0.7,
    oos_reference_score=1.2,
    oos_margin_weight=0.3,
    max_oos_evidence=-0.02,
    sensitive_grey_band=0.03,
    min_margin=0.012,
    clarify_window=0.03,
    min_content_words=2,
    vague_margin=0.03,
)
log = logging.getLogger("lyt.search")


@dataclass(frozen=True)
class Hit:
    article_id: str
    topic: str
    score: float
    section_title: str
    section_text: str


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    lang: Lang
    hits: list[Hit]
    article: Article | None
    margin: float = 0.0  # best topic score minus the second
    oos_gap: float = 0.0  # best out-of-scope exemplar similarity minus best article probe similarity
    candidates: list[Hit] = field(default_factory=list)  # the top hits before a clarify narrowed them

    @property
    def answered(self) -> bool:
        return self.kind == "answer"


class KnowledgeBase:
    def __init__(self, index: SearchIndex, embedder: Embedder, config: SearchConfig = DEFAULT_CONFIG) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        self.scorer = PairScorer(index, config)
        self._by_pair_lang = {(a.slug, a.lang): a for a in index.articles.values()}
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._embed_query)  # buttons repeat questions

    def _embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embedder.embed_queries([text])[0]
        vector.setflags(write=False)
        return vector

    @classmethod
    def load(
        cls,
        embedder: Embedder | None = None,
        config: SearchConfig = DEFAULT_CONFIG,
        articles_dir: Path = ARTICLES_DIR,
        base: Path | None = None,
    ) -> KnowledgeBase:
        """Load the index for the current content and model from var/kb/, building it when missing."""
        embedder = embedder or make_embedder()
        directory = build_index(embedder, articles_dir, base)
        log.info("knowledge base loaded from %s (model %s)", directory, embedder.model_id)
        return cls(load_index(directory, articles_dir), embedder, config)

    @property
    def dim(self) -> int:
        """The length of this knowledge base's vectors."""
        return int(self.index.passage_vectors.shape[1])

    def with_config(self, config: SearchConfig) -> KnowledgeBase:
        return KnowledgeBase(self.index, self.embedder, config)

    def answer(
        self, text: str, lang: str | None = None, topic: str | None = None, vector: Vectors | None = None
    ) -> Decision:
        """Answer, clarify or decline. `topic` (e.g. from a topic button) pins the answer to that topic's
        best article for this question, when the topic has articles. `vector`: the question's embedding
        by this knowledge base's model, when the caller has it already (knowledge.search.shared_vector)."""
        answer_lang = answer_language(text, lang)
        if not text.strip():
            return Decision("decline", answer_lang, [], None)
        return self.decide(text, answer_lang, self._query_vector(text) if vector is None else vector, topic=topic)

    def answer_many(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[Decision]:
        """Like `answer` for many questions, embedding them in one batch."""
        vectors = self.embedder.embed_queries(list(texts)) if texts else np.zeros((0, 0), dtype=np.float32)
        lexical = self.scorer.lexical(list(texts)) if texts else None
        return [
            self.decide(text, answer_language(text, lang), vectors[i], None if lexical is None else lexical[i])
            for i, (text, lang) in enumerate(zip(texts, langs, strict=True))
        ]

    def decide(
        self,
        text: str,
        lang: Lang,
        vector: Vectors,
        lexical: NDArray[np.float64] | None = None,
        topic: str | None = None,
    ) -> Decision:
        if not text.strip():
            return Decision("decline", lang, [], None)
        scores = self.scorer.score(vector, text, lexical)
        if topic is not None and any(t.topic == topic for t in scores.topics):
            pinned = sorted(scores.topics, key=lambda t: t.topic != topic)  # stable: the rest keep their order
            hits = self._topic_hits(Scores(pinned, scores.oos_gap), lang)
            margin = hits[0].score - hits[1].score if len(hits) > 1 else hits[0].score
            return Decision("answer", lang, hits, self.index.articles[hits[0].article_id], margin, scores.oos_gap, hits)
        candidates = self._topic_hits(scores, lang)
        config = self.config
        best = candidates[0].score if candidates else 0.0
        margin = best - candidates[1].score if len(candidates) > 1 else best
        evidence = config.out_of_scope_evidence(scores.oos_gap, best, margin)
        if not candidates or best < config.min_score:
            return Decision("decline", lang, candidates, None, margin, scores.oos_gap, candidates)
        if evidence > config.max_oos_evidence:
            sensitive = candidates[0].topic in SENSITIVE_TOPICS
            if sensitive and evidence <= config.max_oos_evidence + config.sensitive_grey_band:
                return Decision("clarify", lang, candidates[:2], None, margin, scores.oos_gap, candidates)
            return Decision("decline", lang, candidates, None, margin, scores.oos_gap, candidates)
        meaningful = len(content_words(text))
        vague = meaningful == 0 or (meaningful < config.min_content_words and margin < config.vague_margin)
        if margin < config.min_margin or vague:
            close = [hit for hit in candidates if best - hit.score <= config.clarify_window]
            hits = candidates if vague else close if len(close) >= 2 else candidates[:2]
            return Decision("clarify", lang, hits, None, margin, scores.oos_gap, candidates)
        article = self.index.articles[candidates[0].article_id]
        return Decision("answer", lang, candidates, article, margin, scores.oos_gap, candidates)

    def article_for(self, pair: str, lang: str) -> Article:
        """The pair's article in `lang`, or in the other language when it has no translation yet."""
        other = "en" if lang == "da" else "da"
        return self._by_pair_lang.get((pair, lang)) or self._by_pair_lang[(pair, other)]

    def _topic_hits(self, scores: Scores, lang: Lang) -> list[Hit]:
        hits: list[Hit] = []
        for topic in scores.topics[:MAX_HITS]:
            article = self.article_for(topic.pair, lang)
            hits.append(self._hit(article, self.index.passages[topic.best_passage], topic.score))
        return hits

    @staticmethod
    def _hit(article: Article, passage: Passage, score: float) -> Hit:
        index = passage.section if passage.kind == "section" else ACTION_SECTION
        section = article.sections[index] if 0 <= index < len(article.sections) else None
        if section is None and article.sections:
            section = article.sections[0]
        return Hit(
            article_id=article.id,
            topic=article.topic,
            score=score,
            section_title=section.title if section else "",
            section_text=section.text if section else "",
        )
