"""A linear topic classifier over embeddings, trained at index build time.

Training data: the index's own probe and passage vectors, labelled with their article's topic (the
dev set is never used). Prediction is a softmax over `vectors @ weights.T + bias`: numpy only, no
scikit-learn at query time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

REGULARISATION_C = 8.0


@dataclass(frozen=True)
class TopicClassifier:
    topics: tuple[str, ...]
    weights: NDArray[np.float64]  # topics x dim
    bias: NDArray[np.float64]  # topics

    def probabilities(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        """rows x topics probabilities (columns in `self.topics` order)."""
        logits = np.atleast_2d(vectors).astype(np.float64) @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)

    def save(self, path: Path) -> None:
        np.savez(path, topics=np.array(self.topics), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, path: Path) -> TopicClassifier:
        with np.load(path) as data:
            return cls(tuple(str(t) for t in data["topics"]), data["weights"], data["bias"])


def train_topic_classifier(vectors: NDArray[np.float32], topics: Sequence[str]) -> TopicClassifier:
    from sklearn.linear_model import LogisticRegression  # lazy: only the build needs it

    distinct = sorted(set(topics))
    if len(distinct) < 2:  # nothing to tell apart
        dim = vectors.shape[1] if vectors.ndim == 2 else 0
        return TopicClassifier(tuple(distinct), np.zeros((len(distinct), dim)), np.zeros(len(distinct)))

    model: Any = LogisticRegression(C=REGULARISATION_C, max_iter=3000)
    model.fit(vectors, list(topics))
    weights = np.asarray(model.coef_, dtype=np.float64)
    bias = np.asarray(model.intercept_, dtype=np.float64)
    if weights.shape[0] == 1:  # two topics: scikit-learn keeps one row; make it a softmax pair
        weights, bias = np.vstack([-weights / 2, weights / 2]), np.array([-bias[0] / 2, bias[0] / 2])
    return TopicClassifier(tuple(str(c) for c in model.classes_), weights, bias)
