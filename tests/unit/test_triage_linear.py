"""The NumPy copies of the fitted scikit-learn parts give scikit-learn's numbers (knowledge/triage/linear.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from knowledge.triage import paths
from knowledge.triage.content import load_content
from knowledge.triage.linear import Linear, Scaler, Tfidf
from knowledge.triage.matching import Matcher
from knowledge.triage.model import RiskClassifier, fit_sklearn, sklearn_features
from knowledge.triage.normalise import Normaliser

ODD_TEXTS = ["", "   ", "a", "I", "jeg  vil\tikke\n\nmere", "ÆØÅ æøå 😭😭", "u ok?? 123 456", "x" * 30]


@pytest.fixture(scope="module")
def fitted() -> tuple[Matcher, tuple[object, object, object]]:
    content = load_content(paths.risk_dir())
    matcher = Matcher(content, Normaliser(content.emoji, content.words))
    return matcher, fit_sklearn(content, matcher)


def test_tfidf_rows_equal_scikit_learn(fitted: tuple[Matcher, tuple[object, object, object]]) -> None:
    matcher, (chars, words, _model) = fitted
    dev = [json.loads(line)["text"] for line in paths.dev_set_path().read_text(encoding="utf-8").splitlines()]
    texts = [matcher.normaliser(t).text for t in dev[:150]] + ODD_TEXTS
    for fitted_vectorizer in (chars, words):
        lite = Tfidf.from_sklearn(fitted_vectorizer)
        expected = fitted_vectorizer.transform(texts).toarray()  # type: ignore[attr-defined]
        for text, row in zip(texts, expected, strict=True):
            indices, values = lite.transform_one(text)
            mine = np.zeros(len(lite))
            mine[indices] = values
            assert np.allclose(mine, row, atol=1e-6), text


def test_classifier_probabilities_equal_scikit_learn(fitted: tuple[Matcher, tuple[object, object, object]]) -> None:
    matcher, (chars, words, model) = fitted
    dev = [json.loads(line)["text"] for line in paths.dev_set_path().read_text(encoding="utf-8").splitlines()]
    norms = [matcher.normaliser(t) for t in dev + ODD_TEXTS]
    matches = [matcher.match(n) for n in norms]
    distress = [matcher.distress_count(n) for n in norms]
    expected = model.predict_proba(sklearn_features(chars, words, norms, matches, distress))  # type: ignore[attr-defined]
    lite = RiskClassifier(Tfidf.from_sklearn(chars), Tfidf.from_sklearn(words), Linear.from_sklearn(model))
    for prediction, row in zip(lite.predict_many(norms, matches, distress), expected, strict=True):
        mine = [prediction.probabilities[level] for level in lite.classes]
        assert np.allclose(mine, row, atol=1e-6)


def test_scaled_softmax_and_sigmoid_equal_scikit_learn() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 12)) * rng.uniform(0.1, 5.0, size=12) + rng.normal(size=12)
    for classes in (3, 2):
        y = rng.integers(0, classes, size=300)
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(max_iter=2000).fit(scaler.transform(x), y)
        mine = Linear.from_sklearn(model).predict_proba(Scaler.from_sklearn(scaler).transform(x))
        assert np.allclose(mine, model.predict_proba(scaler.transform(x)), atol=1e-9)


def test_judging_never_imports_scikit_learn_or_scipy() -> None:
    """The gateway judges every message; scikit-learn and SciPy would cost it ~100 MB of RSS."""
    code = (
        "import sys\n"
        "from knowledge.triage import Triage\n"
        "t = Triage.load()\n"
        "assert t.judge('jeg vil ikke leve mere').level == 'urgent'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'torch'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "[]"
