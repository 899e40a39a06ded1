"""NumPy inference for the fitted scikit-learn parts of triage: TF-IDF, logistic regression, scaling.

Why: the gateway judges every youth message, but importing scikit-learn (and with it SciPy) costs the
process about 100 MB of RSS, and scikit-learn's input validation costs more per message than the
arithmetic (about 2 ms of a 6 ms judgement, profiled). Training still uses scikit-learn, at build time
(`lyt triage build`); the fitted parts are copied into these plain classes, which are what the cache
stores, so a process that only judges never imports scikit-learn.

Exactness: `Tfidf` re-implements scikit-learn's `char_wb` and `word` analyzers (lowercase, whitespace
collapsing, word-boundary padding, token n-grams), sublinear TF, IDF weighting and L2 normalisation;
`Linear` is the multinomial (softmax) or binary (sigmoid) logistic regression. Probabilities match
scikit-learn's to 1e-6 on the dev set (tests/unit/test_triage_linear.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's VectorizerMixin

SparseRow = tuple[NDArray[np.int64], NDArray[np.float64]]


class Tfidf:
    """`TfidfVectorizer.transform` for one text, as (feature indices, L2-normalised TF-IDF values)."""

    def __init__(
        self,
        analyzer: str,
        ngram_range: tuple[int, int],
        vocabulary: dict[str, int],
        idf: NDArray[np.float64],
        token_pattern: str | None = None,
        sublinear_tf: bool = True,
        lowercase: bool = True,
    ) -> None:
        if analyzer not in ("char_wb", "word"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float64)
        self.token_pattern = re.compile(token_pattern) if token_pattern else None
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase
        self._names: list[str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_names": None}  # rebuilt on demand: no need to store it twice

    @property
    def names(self) -> list[str]:
        """Feature names by index (built on first use: only explanations need them)."""
        if self._names is None:
            names = [""] * len(self.vocabulary)
            for name, index in self.vocabulary.items():
                names[index] = name
            self._names = names
        return self._names

    @classmethod
    def from_sklearn(cls, vectorizer: Any) -> Tfidf:
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.preprocessor or vectorizer.stop_words:
            raise ValueError("only l2-normalised TF-IDF without custom preprocessing or stop words")
        return cls(
            vectorizer.analyzer,
            tuple(vectorizer.ngram_range),
            {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            vectorizer.idf_,
            vectorizer.token_pattern if vectorizer.analyzer == "word" else None,
            bool(vectorizer.sublinear_tf),
            bool(vectorizer.lowercase),
        )

    def __len__(self) -> int:
        return len(self.vocabulary)

    def ngrams(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        low, high = self.ngram_range
        if self.analyzer == "char_wb":
            grams: list[str] = []
            for word in _WHITE_SPACES.sub(" ", text).split():
                padded = f" {word} "
                for n in range(low, high + 1):
                    offset = 0
                    grams.append(padded[offset : offset + n])
                    while offset + n < len(padded):
                        offset += 1
                        grams.append(padded[offset : offset + n])
                    if offset == 0:  # a short word counts once
                        break
            return grams
        assert self.token_pattern is not None
        tokens = self.token_pattern.findall(text)
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def transform_one(self, text: str) -> SparseRow:
        counts = Counter(i for i in map(self.vocabulary.get, self.ngrams(text)) if i is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        indices = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        tf = np.array([counts[i] for i in indices], dtype=np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[indices]
        norm = math.sqrt(float(values @ values))
        return indices, values / norm if norm > 0 else values


class Linear:
    """A fitted logistic regression's `predict_proba`: softmax over classes, or a sigmoid for two."""

    def __init__(self, coef: NDArray[np.float64], intercept: NDArray[np.float64], classes: list[int]) -> None:
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = classes

    @classmethod
    def from_sklearn(cls, model: Any) -> Linear:
        return cls(model.coef_, model.intercept_, [int(c) for c in model.classes_])

    def probabilities(self, scores: NDArray[np.float64]) -> NDArray[np.float64]:
        """Rows of class probabilities (in `classes` order) from rows of decision scores."""
        scores = np.atleast_2d(scores)
        if self.coef.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        out: NDArray[np.float64] = shifted / shifted.sum(axis=1, keepdims=True)
        return out

    def predict_proba(self, x: NDArray[Any]) -> NDArray[np.float64]:
        return self.probabilities(np.atleast_2d(x) @ self.coef.T + self.intercept)


class Scaler:
    """A fitted `StandardScaler`'s `transform`."""

    def __init__(self, mean: NDArray[np.float64] | None, scale: NDArray[np.float64] | None) -> None:
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.scale = None if scale is None else np.asarray(scale, dtype=np.float64)

    @classmethod
    def from_sklearn(cls, scaler: Any) -> Scaler:
        return cls(scaler.mean_ if scaler.with_mean else None, scaler.scale_ if scaler.with_std else None)

    def transform(self, x: NDArray[Any]) -> NDArray[np.float64]:
        out = np.asarray(x, dtype=np.float64)
        if self.mean is not None:
            out = out - self.mean
        if self.scale is not None:
            out = out / self.scale
        return out
