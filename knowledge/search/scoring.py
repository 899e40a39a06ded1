"""Scoring a question against every translation pair of articles.

score(pair) = (1 - probe_weight) * passage + probe_weight * probe + lexical_weight * lexical
* passage: mean of the best `passage_top_k` cosine similarities between the question (`query: `) and
  the pair's passages (`passage: `), both languages;
* probe: the best query-to-query similarity with the pair's tags, title and sentences;
* lexical: cosine of character 3-5-gram TF-IDF vectors of the question and of the pair's whole text
  (both languages). It catches slang, app names and typos that the small embedding model misses;
  it measured better than BM25 over words on the dev set (see the search helper's report).
Topics are ranked by score(topic) = best pair + second_pair_weight * second-best pair of the topic
+ classifier_weight * P(topic | question) from the linear topic classifier.
Out of scope: how much closer the question is to the curated out-of-scope exemplars than to any
probe of any article (`oos_gap` > 0 means closer to out-of-scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import ThreadpoolController

from knowledge.content import Article
from knowledge.search.embedding import Vectors
from knowledge.search.index import SearchIndex
from knowledge.triage.linear import Tfidf


@dataclass(frozen=True)
class SearchConfig:
    """Weights and decision thresholds, tuned on tests/data/kb_dev.jsonl."""

    passage_top_k: int = 2
    probe_weight: float = 0.5
    lexical_weight: float = 0.2
    second_pair_weight: float = 0.2
    classifier_weight: float = 0.02
    # decisions (see knowledge.search.knowledge_base)
    min_score: float = 0.0  # decline below this best topic score, whatever else
    oos_score_weight: float = 0.0  # evidence = oos_gap + score_weight * (reference - best) - margin_weight * margin
    oos_reference_score: float = 1.2
    oos_margin_weight: float = 0.0
    max_oos_evidence: float = 0.0  # decline above this evidence
    sensitive_grey_band: float = 0.0  # just above it, a sensitive best topic is offered (clarify), not declined
    min_margin: float = 0.0  # clarify when the second topic is closer than this
    clarify_window: float = 0.0  # topics within this of the best one become clarify buttons
    min_content_words: int = 0  # fewer words that carry meaning ("hvad gør jeg") ...
    vague_margin: float = 0.0  # ... need this margin to be answered, else clarify

    def out_of_scope_evidence(self, oos_gap: float, best_score: float, margin: float) -> float:
        return (
            oos_gap + self.oos_score_weight * (self.oos_reference_score - best_score) - self.oos_margin_weight * margin
        )


@dataclass(frozen=True)
class TopicScore:
    topic: str
    score: float
    pair: str  # the topic's best pair
    best_passage: int  # index into SearchIndex.passages


@dataclass(frozen=True)
class Scores:
    topics: list[TopicScore]  # best first
    oos_gap: float


def _gather_matrix(owners: list[str], pairs: list[str]) -> NDArray[np.int64]:
    """pairs x max-items matrix of item indices; padding points one past the last item."""
    position = {pair: i for i, pair in enumerate(pairs)}
    members: list[list[int]] = [[] for _ in pairs]
    for item, owner in enumerate(owners):
        members[position[owner]].append(item)
    width = max((len(m) for m in members), default=1)
    matrix = np.full((len(pairs), width), len(owners), dtype=np.int64)
    for row, items in enumerate(members):
        matrix[row, : len(items)] = items
    return matrix


def pair_document(articles: list[Article]) -> str:
    parts: list[str] = []
    for article in articles:
        parts += [article.title, article.summary, " ".join(article.tags), *(s.text for s in article.sections)]
    return "\n".join(parts)


class PairScorer:
    def __init__(self, index: SearchIndex, config: SearchConfig) -> None:
        self.index = index
        self.config = config
        self.pairs = sorted({p.pair for p in index.passages})
        self.topic_of = {p.pair: p.topic for p in index.passages}
        self.topics = sorted(set(self.topic_of.values()))
        self._topic_gather = _gather_matrix([self.topic_of[p] for p in self.pairs], self.topics)
        classes = {topic: i for i, topic in enumerate(index.classifier.topics)}
        self._classifier_column = np.array([classes.get(t, -1) for t in self.topics], dtype=np.int64)
        self._passage_gather = _gather_matrix([p.pair for p in index.passages], self.pairs)
        self._probe_gather = _gather_matrix([p.pair for p in index.probes], self.pairs)
        by_pair: dict[str, list[Article]] = {pair: [] for pair in self.pairs}
        for article in index.articles.values():
            if article.slug in by_pair:
                by_pair[article.slug].append(article)
        self._lexical: Any = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
        documents = self._lexical.fit_transform([pair_document(by_pair[p]) for p in self.pairs])
        self._lexical_docs_t: Any = documents.T.tocsr()  # features x pairs, ready for query @ docs_t
        # The same TF-IDF for one question in NumPy: scikit-learn's transform spent 0.4 of the 0.6 ms a
        # search took in input validation (knowledge/triage/linear.py; equal to 1e-12, tested).
        self._lexical_one = Tfidf.from_sklearn(self._lexical)
        self._threadpools: Any = ThreadpoolController()  # one BLAS thread: a mat-vec is faster without a pool

    def lexical(self, texts: list[str]) -> NDArray[np.float64]:
        """texts x pairs cosine similarities of character n-gram TF-IDF vectors."""
        if len(texts) != 1:
            return np.asarray((self._lexical.transform(texts) @ self._lexical_docs_t).toarray(), dtype=np.float64)
        indices, values = self._lexical_one.transform_one(texts[0])
        row = np.zeros((1, len(self.pairs)), dtype=np.float64)
        if len(indices):
            row[0] = self._lexical_docs_t[indices].T @ values
        return row

    def score(self, query_vector: Vectors, text: str, lexical: NDArray[np.float64] | None = None) -> Scores:
        with self._threadpools.limit(limits=1, user_api="blas"):
            return self._score(query_vector, text, lexical)

    def _score(self, query_vector: Vectors, text: str, lexical: NDArray[np.float64] | None) -> Scores:
        config = self.config
        vector = query_vector.reshape(-1)
        passage_sims = np.append(self.index.passage_vectors @ vector, -np.inf)
        gathered = passage_sims[self._passage_gather]
        top = -np.sort(-gathered, axis=1)[:, : config.passage_top_k]
        finite = np.isfinite(top)
        passage = np.where(finite, top, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
        best_passage = self._passage_gather[np.arange(len(self.pairs)), gathered.argmax(axis=1)]
        probe_sims = self.index.probe_vectors @ vector
        probe = np.append(probe_sims, -np.inf)[self._probe_gather].max(axis=1)
        probe = np.where(np.isfinite(probe), probe, passage)
        lexical_row = lexical if lexical is not None else self.lexical([text])[0]
        pair_scores = (
            (1 - config.probe_weight) * passage + config.probe_weight * probe + config.lexical_weight * lexical_row
        )
        probe_max = float(probe_sims.max()) if probe_sims.size else 0.0
        oos_max = float((self.index.oos_vectors @ vector).max()) if len(self.index.oos_vectors) else -1.0
        return Scores(self._rank_topics(pair_scores, best_passage, vector), oos_max - probe_max)

    def _rank_topics(
        self, pair_scores: NDArray[np.float64], best_passage: NDArray[np.int64], vector: Vectors
    ) -> list[TopicScore]:
        gathered = np.append(pair_scores, -np.inf)[self._topic_gather]  # topics x pairs
        order = np.argsort(-gathered, axis=1, kind="stable")
        first = gathered[np.arange(len(self.topics)), order[:, 0]]
        second = gathered[np.arange(len(self.topics)), order[:, 1]] if gathered.shape[1] > 1 else first
        second = np.where(np.isfinite(second), second, first)
        probabilities = self.index.classifier.probabilities(vector)[0] if self.index.classifier.topics else np.zeros(0)
        classifier = np.where(self._classifier_column >= 0, np.append(probabilities, 0.0)[self._classifier_column], 0.0)
        totals = first + self.config.second_pair_weight * second + self.config.classifier_weight * classifier
        ranked: list[TopicScore] = []
        for row in np.argsort(-totals, kind="stable"):
            pair_row = int(self._topic_gather[row, order[row, 0]])
            ranked.append(
                TopicScore(self.topics[row], float(totals[row]), self.pairs[pair_row], int(best_passage[pair_row]))
            )
        return ranked
