"""The NumPy copies of the fitted scikit-learn parts give scikit-learn's numbers (knowledge/triage/linear.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from knowledge.triage import paths
from knowledge.triage.linear import Linear, Mlp, Scaler, Tfidf

ODD_TEXTS = ["", "   ", "a", "I", "jeg  vil\tikke\n\nmere", "ÆØÅ æøå 😭😭", "u ok?? 123 456", "x" * 30]


def test_tfidf_rows_equal_scikit_learn() -> None:
    """`Tfidf` (used by the knowledge search's scoring) equals `TfidfVectorizer` for char_wb and word analyzers."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    dev = [json.loads(line)["text"] for line in paths.dev_set_path().read_text(encoding="utf-8").splitlines()]
    texts = dev[:150] + ODD_TEXTS
    for vectorizer in (
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True),
    ):
        vectorizer.fit(dev)
        lite = Tfidf.from_sklearn(vectorizer)
        expected = vectorizer.transform(texts).toarray()
        for text, row in zip(texts, expected, strict=True):
            indices, values = lite.transform_one(text)
            mine = np.zeros(len(lite))
            mine[indices] = values
            assert np.allclose(mine, row, atol=1e-6), text


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


def test_mlp_equals_scikit_learn() -> None:
    """The triage model's head (risk_model: one ReLU hidden layer, softmax) judged with NumPy."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 20))
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
    model = MLPClassifier((16,), alpha=1.0, max_iter=300, random_state=0).fit(x, y)
    assert np.allclose(Mlp.from_sklearn(model).predict_proba(x), model.predict_proba(x), atol=1e-9)


def test_judging_never_imports_scikit_learn_or_scipy() -> None:
    """The gateway judges every message; scikit-learn and SciPy would cost it ~100 MB of RSS."""
    code = (
        "import sys\n"
        "from knowledge.triage import Triage\n"
        "t = Triage.load()\n"
        "assert t.judge('jeg vil ikke leve mere').level == 'urgent'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'torch'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=900)
    assert out.stdout.strip() == "[]"
