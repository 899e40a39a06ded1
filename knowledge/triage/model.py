"""The learned layer: logistic regression over several feature groups.

Features: char n-gram TF-IDF (2-5, char_wb), word n-gram TF-IDF (1-3), active and vetoed lexicon
hits, signal categories (signals.yml), a distress-stem count (distress.yml) and first/second person.
The model trains at build time on the curated examples: examples_*.yml, negatives.yml and the
`example` of every lexicon entry and veto. Training takes about a second. The fitted model is
cached in `<LYT_VAR_DIR>/triage/<key>/classifier.pkl`. The key hashes the content files, the
feature code and the scikit-learn version. The file is written atomically, so another process never
reads half of it. Older keys are pruned.

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
import sklearn
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from knowledge.triage.cache import load_or_build
from knowledge.triage.content import Example, RiskContent
from knowledge.triage.levels import LEVELS, Level
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
    return [SIGNAL_WEIGHT * (name in match.signals) for name in SIGNAL_CATEGORIES] + [
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
    """Fitted vectorisers and model; `predict` takes one normalised text and its lexicon matches."""

    def __init__(
        self,
        chars: TfidfVectorizer,
        words: TfidfVectorizer,
        model: LogisticRegression,
        char_weight: float = CHAR_WEIGHT,
    ) -> None:
        self.char_weight = char_weight
        self.chars = chars
        self.words = words
        self.model = model
        self.classes: list[Level] = [LEVELS[int(c)] for c in model.classes_]
        self._word_names: NDArray[Any] = words.get_feature_names_out()
        self._char_count = len(chars.vocabulary_)

    def features(
        self, norms: Sequence[NormalisedText], matches: Sequence[MatchResult], distress: Sequence[int]
    ) -> sparse.csr_matrix:
        texts = [n.text for n in norms]
        rows = [lexicon_features(n, m, d) for n, m, d in zip(norms, matches, distress, strict=True)]
        lexical = sparse.csr_matrix(np.array(rows, dtype=np.float32))
        char_block = self.chars.transform(texts) * self.char_weight
        return sparse.hstack([char_block, self.words.transform(texts), lexical], format="csr")

    def predict_many(
        self, norms: Sequence[NormalisedText], matches: Sequence[MatchResult], distress: Sequence[int]
    ) -> list[Prediction]:
        x = self.features(norms, matches, distress)
        probabilities = self.model.predict_proba(x)
        out = []
        for row, norm, probs in zip(range(x.shape[0]), norms, probabilities, strict=True):
            by_level: dict[Level, float] = {level: 0.0 for level in LEVELS}
            for level, p in zip(self.classes, probs, strict=True):
                by_level[level] = float(p)
            words = self._explain(x.getrow(row), norm, by_level) if by_level["none"] < 0.5 else ()
            out.append(Prediction(by_level, words))
        return out

    def predict(self, norm: NormalisedText, match: MatchResult, distress: int = 0) -> Prediction:
        return self.predict_many([norm], [match], [distress])[0]

    def _explain(
        self, row: sparse.csr_matrix, norm: NormalisedText, probs: dict[Level, float]
    ) -> tuple[tuple[str, Span], ...]:
        """The word n-grams of this text with the largest push towards concern/urgent."""
        risky = [self.classes.index(level) for level in ("concern", "urgent") if level in self.classes]
        none = self.classes.index("none")
        coef = self.model.coef_
        scored = []
        offset = self._char_count
        for index, value in zip(row.indices, row.data, strict=True):
            if offset <= index < offset + len(self._word_names):
                push = max(coef[r, index] for r in risky) - coef[none, index]
                if push > 0:
                    scored.append((push * value, str(self._word_names[index - offset])))
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


def fit(
    content: RiskContent, matcher: Matcher, data: Sequence[Example] | None = None, c: float = 4.0
) -> RiskClassifier:
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
    placeholder = RiskClassifier.__new__(RiskClassifier)
    placeholder.chars, placeholder.words, placeholder.char_weight = chars, words, CHAR_WEIGHT
    model.fit(placeholder.features(norms, matches, distress), y)
    return RiskClassifier(chars, words, model, CHAR_WEIGHT)


def cache_key(content: RiskContent) -> str:
    digest = hashlib.sha256(f"{MODEL_FORMAT}|{sklearn.__version__}|{content.digest}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        if path.name in ("normalise.py", "matching.py", "model.py", "content.py"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def load_or_train(content: RiskContent, matcher: Matcher, cache_dir: Path | None) -> RiskClassifier:
    """The cached classifier for this content, trained and stored when missing."""
    if cache_dir is None:
        return fit(content, matcher)
    path = cache_dir / cache_key(content) / "classifier.pkl"
    return load_or_build(path, lambda: fit(content, matcher), RiskClassifier, "*/classifier.pkl")
