"""The triage model: one small neural classifier giving calibrated p(none), p(concern), p(urgent) per message.

Features (one row per message): the e5 sentence embedding (`sentence_embedding`, 384) | the matcher's signal
categories (`SIDE_SIGNALS`, 0/1) | lexicon evidence (an active urgent hit, an active concern hit, a hit a veto
capped, an idiom or negation veto, another veto) | first and second person | a distress-stem count. The
lexicon and signals are features here; their hits are also hard floors in `judge.py` (they only raise).

Training rows: every curated example (`model.training_set`: examples, negatives, lexicon and veto examples),
`semantic.yml` and `situations.yml`, each with `augment.VARIANTS` augmented variants (typos, lowercase, emoji,
code-switching, run-on text; `augment.py`). Standardised features; a softmax classifier with one hidden
layer of `HIDDEN` ReLU units and L2 penalty `ALPHA` (no class weights, so the probabilities stay calibrated to
the training mix). Measured against a multinomial logistic regression on the same features (docs/TRIAGE.md):
at the same out-of-fold urgent recall it judges far fewer `none` sentences urgent.

Out-of-fold probabilities (`FOLDS`-fold, every augmented variant in the fold of its source sentence) of the
source sentences are kept in the model; the thresholds are derived from them (`thresholds.py`).

Fitting uses scikit-learn (build time only); the cached `RiskModel` holds NumPy copies (`linear.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from knowledge.triage import augment
from knowledge.triage.cache import load_or_build
from knowledge.triage.content import ContentError, Example, RiskContent
from knowledge.triage.levels import LEVELS, Level, as_level
from knowledge.triage.linear import Mlp, Scaler
from knowledge.triage.matching import Matcher, MatchResult
from knowledge.triage.normalise import NormalisedText
from knowledge.triage.sentence_embedding import embed, model_id, one_blas_thread
from knowledge.triage.thresholds import Thresholds, choose_thresholds, decide

MODEL_FORMAT = "lyt-triage-model-2"
EXAMPLE_FILES = ("semantic.yml", "situations.yml")  # grouped examples: kind, level, lang, texts
HIDDEN = 64  # ReLU units of the hidden layer
ALPHA = 1.0  # L2 penalty (chosen by cross-validation, docs/TRIAGE.md)
MAX_ITER = 200
FOLDS = 5
SEED = 0
SIDE_SIGNALS = (
    "death", "means", "time", "acute", "intent", "goodbye", "missing", "violence", "self", "someone_else",
    "laughter", "die", "passive", "want", "nowant", "exist", "negation",
)  # fmt: skip
IDIOM_KINDS = frozenset({"idiom", "negation"})
DISTRESS_CAP = 4

Vector = NDArray[np.float32]


@dataclass(frozen=True)
class TrainingExample:
    text: str
    level: Level
    lang: str
    kind: str


def side_row(norm: NormalisedText, match: MatchResult, distress: int) -> list[float]:
    """The non-embedding features of one message (see the module docstring)."""
    words = set(norm.text.split())
    vetoes = {v.veto.kind for v in match.vetoes}
    return [float(name in match.signals) for name in SIDE_SIGNALS] + [
        float(match.count("urgent") > 0),
        float(match.count("concern") > 0),
        float(match.count("urgent", vetoed=True) + match.count("concern", vetoed=True) > 0),
        float(bool(vetoes & IDIOM_KINDS)),
        float(bool(vetoes - IDIOM_KINDS)),
        float(bool(words & {"jeg", "mig", "min", "mit", "mine", "i", "me", "my", "myself", "im", "a"})),
        float(bool(words & {"du", "dig", "han", "hun", "de", "you", "he", "she", "they", "ham", "hende"})),
        min(distress, DISTRESS_CAP) / DISTRESS_CAP,
    ]


def load_grouped(risk_dir: Path) -> list[TrainingExample]:
    """`semantic.yml` and `situations.yml`: groups of {kind, level, lang, texts}."""
    out: list[TrainingExample] = []
    for name in EXAMPLE_FILES:
        path = risk_dir / name
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ContentError(f"{name}: expected a list of groups")
        for i, group in enumerate(data):
            where = f"{name}[{i}]"
            if not isinstance(group, dict) or not isinstance(group.get("texts"), list):
                raise ContentError(f"{where}: expected a mapping with kind, level, lang and a list of texts")
            level = str(group.get("level", ""))
            if level not in LEVELS:
                raise ContentError(f"{where}: level must be one of {LEVELS}, not {level!r}")
            lang, kind = str(group.get("lang", "")), str(group.get("kind", "")).strip()
            if lang not in ("da", "en") or not kind:
                raise ContentError(f"{where}: needs lang da/en and a kind")
            out += [TrainingExample(str(t), as_level(level), lang, kind) for t in group["texts"] if str(t).strip()]
    return out


def training_set(content: RiskContent) -> list[Example]:
    """The curated single-sentence examples: examples_*.yml, negatives.yml, every lexicon and veto example."""
    data = list(content.examples) + list(content.negatives)
    data += [Example(e.example, e.level, e.lang) for e in content.lexicon]
    data += [Example(v.example, v.cap, v.lang) for v in content.vetoes]
    return data


def _kind_of(example: Example, lexicon_ids: dict[str, str]) -> str:
    return lexicon_ids.get(example.text) or f"{example.level} example"


def training_examples(content: RiskContent, risk_dir: Path) -> list[TrainingExample]:
    """Every source sentence the model trains on (before augmentation)."""
    lexicon_ids = {e.example: f"lexicon {e.id}" for e in content.lexicon}
    base = [TrainingExample(e.text, e.level, e.lang, _kind_of(e, lexicon_ids)) for e in training_set(content)]
    return base + load_grouped(risk_dir)


class RiskModel:
    """Scaler + multinomial logistic regression + thresholds, and the source vectors with their kinds (only
    for the counsellor's "close to <kind>" reason; they take no part in the decision)."""

    def __init__(
        self,
        scaler: Scaler,
        net: Mlp,
        thresholds: Thresholds,
        prototypes: NDArray[np.float32],
        kinds: list[str],
        levels: list[Level],
        report: dict[str, float],
        out_of_fold: NDArray[np.float64] | None = None,
        floors: Sequence[Level] = (),
    ) -> None:
        self.scaler = scaler
        self.net = net
        self.thresholds = thresholds
        self.classes: list[Level] = [LEVELS[int(c)] for c in net.classes]
        self.prototypes = prototypes
        self.kinds = kinds
        self.levels = levels
        self.report = report  # out-of-fold figures at the chosen thresholds
        # The source sentences' out-of-fold probabilities and lexicon floors (levels: `levels`): what the
        # thresholds were chosen on, kept so they can be re-derived and audited (docs/TRIAGE.md).
        self.out_of_fold = out_of_fold if out_of_fold is not None else np.zeros((0, len(LEVELS)))
        self.floors = list(floors)

    def probabilities(self, vectors: NDArray[np.float32], side: NDArray[np.float32]) -> NDArray[np.float64]:
        """Rows of p(none), p(concern), p(urgent) in LEVELS order."""
        with one_blas_thread():
            raw = self.net.predict_proba(self.scaler.transform(np.hstack([vectors, side])))
        out = np.zeros((len(vectors), len(LEVELS)))
        for column, level in enumerate(self.classes):
            out[:, LEVELS.index(level)] = raw[:, column]
        return out

    def level(self, p: Sequence[float]) -> Level:
        return decide(p, self.thresholds)

    def closest(self, vector: Vector, level: Level) -> tuple[str, float]:
        """The kind of the most similar training sentence of `level`, and its cosine."""
        with one_blas_thread():
            sims = self.prototypes @ vector
        mask = np.array([lv == level for lv in self.levels])
        if not mask.any():
            return "", 0.0
        masked = np.where(mask, sims, -2.0)
        best = int(np.argmax(masked))
        return self.kinds[best], float(sims[best])


def fit_sklearn(x: NDArray[Any], y: NDArray[Any], alpha: float = ALPHA) -> tuple[Any, Any]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier  # training only: judging uses the NumPy copies
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = MLPClassifier((HIDDEN,), alpha=alpha, max_iter=MAX_ITER, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(scaler.transform(x), y)
    return scaler, model


def out_of_fold(x: NDArray[Any], y: NDArray[Any], groups: NDArray[Any], c: float = ALPHA) -> NDArray[np.float64]:
    from sklearn.model_selection import StratifiedGroupKFold  # training only

    probs = np.zeros((len(y), len(LEVELS)))
    folds = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, y, groups):
        scaler, model = fit_sklearn(x[train], y[train], c)
        probs[np.ix_(test, model.classes_)] = model.predict_proba(scaler.transform(x[test]))
    return probs


@dataclass
class TrainingData:
    texts: list[str]
    y: NDArray[np.int64]
    groups: NDArray[np.int64]  # index of the source sentence
    source: NDArray[np.bool_]  # True for the source sentence itself, False for a variant
    floors: list[Level]
    x: NDArray[np.float32]


def training_data(
    examples: Sequence[TrainingExample], matcher: Matcher, vectors_of: Any, variants: int = augment.VARIANTS
) -> TrainingData:
    """Source sentences plus their variants, with features. `vectors_of(texts)` embeds."""
    rows = [(e.text, e.level, e.lang) for e in examples]
    extra = augment.augment(rows, SEED, variants) if variants else []
    texts = [e.text for e in examples] + [t for _, t in extra]
    groups = np.array(list(range(len(examples))) + [i for i, _ in extra])
    y = np.array([LEVELS.index(examples[g].level) for g in groups])
    norms = [matcher.normaliser(t) for t in texts]
    matches = [matcher.match(n) for n in norms]
    side = np.array(
        [side_row(n, m, matcher.distress_count(n)) for n, m in zip(norms, matches, strict=True)], dtype=np.float32
    )
    x = np.hstack([np.asarray(vectors_of(texts), dtype=np.float32), side])
    source = np.arange(len(texts)) < len(examples)
    return TrainingData(texts, y, groups, source, [m.level for m in matches], x)


def fit(examples: Sequence[TrainingExample], data: TrainingData, c: float = ALPHA) -> RiskModel:
    probs = out_of_fold(data.x, data.y, data.groups, c)
    src = data.source
    thresholds, report = choose_thresholds(
        probs[src], [LEVELS[int(v)] for v in data.y[src]], [f for f, s in zip(data.floors, src, strict=True) if s]
    )
    scaler, model = fit_sklearn(data.x, data.y, c)
    dims = data.x.shape[1] - len(side_names())
    return RiskModel(
        Scaler.from_sklearn(scaler),
        Mlp.from_sklearn(model),
        thresholds,
        np.ascontiguousarray(data.x[src, :dims], dtype=np.float32),
        [e.kind for e in examples],
        [e.level for e in examples],
        report,
        probs[src],
        [f for f, s in zip(data.floors, src, strict=True) if s],
    )


def side_names() -> list[str]:
    return [*SIDE_SIGNALS, "hit_urgent", "hit_concern", "hit_vetoed", "veto_idiom", "veto_other", "first", "other"] + [
        "distress"
    ]


def cache_key(content: RiskContent, risk_dir: Path, embedder_id: str) -> str:
    digest = hashlib.sha256(f"{MODEL_FORMAT}|{embedder_id}|{content.digest}".encode())
    for name in EXAMPLE_FILES:
        if (risk_dir / name).exists():
            digest.update((risk_dir / name).read_bytes())
    here = Path(__file__).resolve().parent
    for name in ("risk_model.py", "augment.py", "linear.py", "content.py", "matching.py", "normalise.py"):
        digest.update((here / name).read_bytes())
    from importlib.metadata import version

    digest.update(version("scikit-learn").encode())
    return digest.hexdigest()[:20]


def load_or_train(
    content: RiskContent, risk_dir: Path, matcher: Matcher, cache_dir: Path | None, embedder: Any = None
) -> RiskModel:
    """The cached model for this content and embedder, trained (embedding every row) when missing."""
    examples = training_examples(content, risk_dir)

    def train() -> RiskModel:
        return fit(examples, training_data(examples, matcher, lambda texts: embed(texts, embedder)))

    if cache_dir is None:
        return train()
    path = cache_dir / f"model-{cache_key(content, risk_dir, model_id(embedder))}" / "model.pkl"
    return load_or_build(path, train, RiskModel, "model-*/model.pkl")
