"""The learned layer: logistic regression over several feature groups.

Features: char n-gram TF-IDF (2-5, char_wb), word n-gram TF-IDF (1-3), active and vetoed lexicon
hits, signal categories (signals.yml), a distress-stem count (distress.yml) and first/second person.
The model trains at build time on the curated examples: examples_*.yml, negatives.yml and the
`example` of every lexicon entry and veto. Training takes about a second. The fitted model is
cached in `<LYT_VAR_DIR>/triage/<key>/classifier.pkl`. The key hashes the content files, the
feature code and the scikit-learn version. The file is written atomically, so another process never
reads half of it. Older keys are pruned. scikit-learn trains; the cache holds NumPy copies of the fitted
parts (`linear.py`), so judging never imports scikit-learn or SciPy.

Sentence embeddings are not features here. They live in a separate layer (`semantic.py`: the int8
multilingual-e5-small of knowledge.search, about 4-5 ms per message) that can only raise a verdict.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.triage.cache import load_or_build
from knowledge.triage.content import Example, RiskContent
from knowledge.triage.levels import LEVELS, Level
from knowledge.triage.linear import Linear, SparseRow, Tfidf
from knowledge.triage.matching import Matcher, MatchResult
from knowledge.triage.normalise import NormalisedText, Span

MODEL_FORMAT = "lyt-triage-2"
LEXICON_WEIGHT = 1.5  # vetoed hits and vetoes (idiom, quote, project ...)
HIT_WEIGHT = 0.4  # active lexicon hits
DISTRESS_WEIGHT = 1.0
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 3)
CHAR_WEIGHT = 1.0
DISTRESS_CAP = 4
_SEPARATOR = r"\W+"
WORD_TOKENS = r"(?u)\b\w+\b"  # single-letter words count ("i", "u")
_FIRST_PERSON = re.compile(r"\b(jeg|mig|min|mit|mine|i|me|my|myself|im|mig selv)\b")
_SECOND_PERSON = re.compile(
    r"\b(du|dig|din|dit|you|your|yourself|u|ur|han|hun|ham|hende|he|she|him|her|they|them|de|dem)\b"
)


SIGNAL_CATEGORIES = (
    "death",
    "means",
    "time",
    "acute",
    "intent",
    "goodbye",
    "missing",
    "violence",
    "self",
    "someone_else",
    "laughter",
    "die",
    "passive",
)
SIGNAL_WEIGHT = 0.7


def lexicon_features(norm: NormalisedText, match: MatchResult, distress: int = 0) -> list[float]:
    first_person = bool(_FIRST_PERSON.search(norm.text))
    return [SIGNAL_WEIGHT * (name in match.feature_signals) for name in SIGNAL_CATEGORIES] + [
        DISTRESS_WEIGHT * min(distress, DISTRESS_CAP) / DISTRESS_CAP,
        DISTRESS_WEIGHT * first_person * min(distress, DISTRESS_CAP) / DISTRESS_CAP,
        HIT_WEIGHT * min(1, match.count("urgent")),
        HIT_WEIGHT * min(1, match.count("concern")),
        LEXICON_WEIGHT * min(1, match.count("urgent", vetoed=True) + match.count("concern", vetoed=True)),
        LEXICON_WEIGHT * bool(match.vetoes),
        0.5 * first_person,
        0.5 * bool(_SECOND_PERSON.search(norm.text)),
    ]


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[Level, float]
    words: tuple[tuple[str, Span], ...]  # word n-grams that pushed towards the predicted risk, with spans


class RiskClassifier:
    """Fitted vectorisers and model (NumPy copies); `predict` takes one normalised text and its lexicon matches."""

    def __init__(self, chars: Tfidf, words: Tfidf, model: Linear, char_weight: float = CHAR_WEIGHT) -> None:
        self.char_weight = char_weight
        self.chars = chars
        self.words = words
        self.model = model
        self.classes: list[Level] = [LEVELS[int(c)] for c in model.classes]

    def scores(self, norm: NormalisedText, match: MatchResult, distress: int) -> tuple[NDArray[np.float64], SparseRow]:
        """Decision scores of one text (one per class), and its word n-gram row (for explanations).

        The feature vector is [char TF-IDF * char_weight | word TF-IDF | lexicon features], as in training."""
        coef, n_chars, n_words = self.model.coef, len(self.chars), len(self.words)
        char_idx, char_val = self.chars.transform_one(norm.text)
        word_idx, word_val = self.words.transform_one(norm.text)
        lexical = np.asarray(lexicon_features(norm, match, distress), dtype=np.float64)
        scores = coef[:, char_idx] @ (char_val * self.char_weight) + coef[:, n_chars + word_idx] @ word_val
        scores = scores + coef[:, n_chars + n_words :] @ lexical + self.model.intercept
        return scores, (word_idx, word_val)

    def predict_many(
        self, norms: Sequence[NormalisedText], matches: Sequence[MatchResult], distress: Sequence[int]
    ) -> list[Prediction]:
        out = []
        for norm, match, count in zip(norms, matches, distress, strict=True):
            scores, word_row = self.scores(norm, match, count)
            probs = self.model.probabilities(scores)[0]
            by_level: dict[Level, float] = {level: 0.0 for level in LEVELS}
            for level, p in zip(self.classes, probs, strict=True):
                by_level[level] = float(p)
            words = self._explain(word_row, norm) if by_level["none"] < 0.5 else ()
            out.append(Prediction(by_level, words))
        return out

    def predict(self, norm: NormalisedText, match: MatchResult, distress: int = 0) -> Prediction:
        return self.predict_many([norm], [match], [distress])[0]

    def _explain(self, row: SparseRow, norm: NormalisedText) -> tuple[tuple[str, Span], ...]:
        """The word n-grams of this text with the largest push towards concern/urgent."""
        risky = [self.classes.index(level) for level in ("concern", "urgent") if level in self.classes]
        none = self.classes.index("none")
        coef = self.model.coef
        scored = []
        offset = len(self.chars)
        for index, value in zip(row[0].tolist(), row[1].tolist(), strict=True):
            push = max(coef[r, offset + index] for r in risky) - coef[none, offset + index]
            if push > 0:
                scored.append((push * value, self.words.names[index]))
        scored.sort(reverse=True)
        out: list[tuple[str, Span]] = []
        for _, gram in scored[:3]:
            body = _SEPARATOR.join(map(re.escape, gram.split()))
            m = re.search(rf"(?<!\w){body}(?!\w)", norm.text)
            if m:
                out.append((gram, m.span()))
        return tuple(out)


def training_set(content: RiskContent) -> list[Example]:
    data = list(content.examples) + list(content.negatives)
    data += [Example(e.example, e.level, e.lang) for e in content.lexicon]
    data += [Example(v.example, v.cap, v.lang) for v in content.vetoes]
    return data


def fit_sklearn(
    content: RiskContent, matcher: Matcher, data: Sequence[Example] | None = None, c: float = 4.0
) -> tuple[Any, Any, Any]:
    """Train with scikit-learn: (char TfidfVectorizer, word TfidfVectorizer, LogisticRegression)."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # training only
    from sklearn.linear_model import LogisticRegression

    data = list(data) if data is not None else training_set(content)
    norms = [matcher.normaliser(e.text) for e in data]
    matches = [matcher.match(n) for n in norms]
    distress = [matcher.distress_count(n) for n in norms]
    texts = [n.text for n in norms]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32)
    words = TfidfVectorizer(
        analyzer="word", ngram_range=WORD_NGRAMS, token_pattern=WORD_TOKENS, sublinear_tf=True, dtype=np.float32
    )
    chars.fit(texts)
    words.fit(texts)
    y = np.array([LEVELS.index(e.level) for e in data])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    model.fit(sklearn_features(chars, words, norms, matches, distress), y)
    return chars, words, model


def sklearn_features(
    chars: Any, words: Any, norms: Sequence[NormalisedText], matches: Sequence[MatchResult], distress: Sequence[int]
) -> Any:
    """The training matrix (SciPy CSR): [char TF-IDF * CHAR_WEIGHT | word TF-IDF | lexicon features]."""
    from scipy import sparse  # training only

    texts = [n.text for n in norms]
    rows = [lexicon_features(n, m, d) for n, m, d in zip(norms, matches, distress, strict=True)]
    lexical = sparse.csr_matrix(np.array(rows, dtype=np.float32))
    return sparse.hstack([chars.transform(texts) * CHAR_WEIGHT, words.transform(texts), lexical], format="csr")


def fit(
    content: RiskContent, matcher: Matcher, data: Sequence[Example] | None = None, c: float = 4.0
) -> RiskClassifier:
    chars, words, model = fit_sklearn(content, matcher, data, c)
    return RiskClassifier(Tfidf.from_sklearn(chars), Tfidf.from_sklearn(words), Linear.from_sklearn(model), CHAR_WEIGHT)


def sklearn_version() -> str:
    """Part of the cache keys, read without importing scikit-learn."""
    from importlib.metadata import version

    return version("scikit-learn")


def cache_key(content: RiskContent) -> str:
    digest = hashlib.sha256(f"{MODEL_FORMAT}|{sklearn_version()}|{content.digest}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        if path.name in ("normalise.py", "matching.py", "model.py", "content.py", "linear.py"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def load_or_train(content: RiskContent, matcher: Matcher, cache_dir: Path | None) -> RiskClassifier:
    """The cached classifier for this content, trained and stored when missing."""
    if cache_dir is None:
        return fit(content, matcher)
    path = cache_dir / cache_key(content) / "classifier.pkl"
    return load_or_build(path, lambda: fit(content, matcher), RiskClassifier, "*/classifier.pkl")
