"""The semantic layer: one logistic regression over [sentence embedding | signals | classifier], plus a kNN vote.

Why: the lexicon and the n-gram classifier only know phrasings somebody wrote down. Euphemisms with
no risk word ("nu er det slut", "this is the end"), new means (a car in a closed garage, fire) and a
friend's goodbye post slipped through on a fresh holdout. An embedding generalises over meaning.

What: the raw message (whitespace collapsed, cut to `sentence_embedding.MAX_CHARS`) is embedded with triage's
tuned multilingual-e5-small (`tuned_encoder.py`; `query: ` prefix; portable int8, about 3.5 ms on one thread,
ONNX Runtime). One
standardised logistic regression (the "combined head") reads the embedding together with the signal
categories the matcher found (`SIDE_SIGNALS`) and the n-gram classifier's three probabilities, and gives
p(none), p(concern), p(urgent). Its training rows are every classifier example (`model.training_set`)
plus `knowledge/risk/semantic*.yml` (`SEMANTIC_FILE`, `SEMANTIC_MORE`), whose groups carry a `kind` shown to counsellors ("semantic: close to
a method or means at hand"). The classifier probabilities of the classifier's own examples are taken
out-of-fold (5 folds), so the head does not learn to trust a classifier that has seen the sentence.

A kNN vote adds meaning the regression smooths away: `knn` = mean cosine to the `KNN` closest curated
urgent examples minus the mean cosine to the `KNN` closest curated `none` examples.

Rule (`raise_level`; eleventh pass, docs/TRIAGE.md "The decision rule"): the head's probabilities and the two
kNN votes go through the calibrator (`calibration.py`, fitted on out-of-fold verdicts), which gives calibrated
p(none), p(concern), p(urgent). The layer raises to urgent when p(urgent) >= `urgent_bar`, or >= `imminent_urgent_bar`
when the message states that it is about now (`judge._imminent`), in a message of `URGENT_MIN_WORDS` words or more (a
shorter one to concern), and none to concern when p(concern) + p(urgent) >= `concern_bar`
(knowledge/risk/encoder/semantic-calibration.json; the urgent bar of the thirteenth pass and the imminent and concern
bars of the twenty-third were chosen by hand on the committed sets and the external shares, docs/TRIAGE.md). The tenth pass's kNN bars and the judge's follow-up cap
were deleted in the eleventh pass's ablation (docs/TRIAGE.md). Two documented lists may stop a raise: idiom and
negation vetoes (`judge.SEMANTIC_CAPPING_VETOES`, at most concern), and the curated negatives themselves (below).

Safety: the layer can only RAISE a verdict, never lower one. It is asked only when the
lexicon/classifier verdict is not already urgent, and only for messages of `MIN_WORDS` words or more.

A message (nearly) identical to a curated `none` example (cosine >= `NEAR_DUPLICATE`; negatives.yml and the
everyday rows) is never raised: the curated negatives win (test_triage_content judges every one).
A message (nearly) identical to a curated `urgent` example (a counsellor's accepted correction among them) is a
hard floor: urgent at URGENT_MIN_WORDS words or more, as a lexicon hit is (twelfth pass: the review loop's
corrections must take effect whatever the calibrated bar).

Caching: the fitted head (scaler, model, the training vectors with their levels and kinds) is stored in
`<LYT_VAR_DIR>/triage/semantic-<key>/head.pkl`, keyed by a hash of the content files, this code, the
scikit-learn version and the embedder's model id. Training embeds ~1,400 sentences (about 8 s).
Nothing is read at import time; the embedder is loaded once per process, on first use.

`LYT_TRIAGE_SEMANTIC=0` switches the layer off.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from knowledge.triage import calibration, early_embedding
from knowledge.triage.cache import load_or_build
from knowledge.triage.calibration import Calibration
from knowledge.triage.content import ContentError, Example, RiskContent
from knowledge.triage.early_embedding import EarlyEmbedding
from knowledge.triage.levels import LEVELS, RANK, Level, as_level
from knowledge.triage.linear import Linear, Scaler
from knowledge.triage.matching import Matcher
from knowledge.triage.model import RiskClassifier, sklearn_version, training_set
from knowledge.triage.model import fit as fit_classifier
from knowledge.triage.sentence_embedding import EMBEDDER, EmbeddingSink, embed, model_id, one_blas_thread, prepare

SEMANTIC_FORMAT = "lyt-triage-semantic-2"
SEMANTIC_ENV = "LYT_TRIAGE_SEMANTIC"
SEMANTIC_FILE = "semantic.yml"
# Read after it, same format: examples by situation and everyday negatives by situation (tenth pass)
SEMANTIC_MORE = (
    "semantic_situations.yml",
    "semantic_everyday.yml",
    "semantic_disguises.yml",
    "semantic_offensive.yml",
    "semantic_danger_now.yml",
    "semantic_acute.yml",
    "semantic_voices.yml",
    "semantic_boundaries.yml",
)
C = 0.05  # inverse regularisation of the logistic regression on standardised features
KNN = 5  # neighbours per side of the kNN votes (features of the calibrator)
CV_FOLDS = 5  # out-of-fold classifier probabilities for the head's training rows
# Signal categories (signals.yml) the head reads.
SIDE_SIGNALS = (
    "death", "means", "time", "acute", "intent", "goodbye", "missing", "violence", "self", "someone_else",
    "laughter", "die", "passive", "want", "nowant", "exist", "negation",
)  # fmt: skip
NEAR_DUPLICATE = 0.96  # cosine: a curated `none` example this close (nearly the same sentence) blocks a raise
MIN_WORDS = 3  # "ok", "hej", "ja i aften": too little meaning to judge alone; the context rules judge follow-ups
# Shorter messages are raised at most to concern: closings such as "farvel og tak for hjælpen", "ok tak for alt"
# or "han svarer ikke, sover nok", and answers to a card's question ("ja de har skiftet min mail"), sit next to
# short urgent lexicon examples in the tuned space (conversation and card tests); follow-ups are the context
# rules' job. Six words and seven measured the same on the seen hold-outs, seven with one false urgent fewer
# (docs/TRIAGE.md, eleventh pass).
URGENT_MIN_WORDS = 7

Vector = NDArray[np.float32]


def enabled() -> bool:
    """On unless `LYT_TRIAGE_SEMANTIC` is 0, false, off or no."""
    return os.environ.get(SEMANTIC_ENV, "1").strip().lower() not in ("0", "false", "off", "no")


@dataclass(frozen=True)
class SemanticExample:
    text: str
    level: Level
    lang: str
    kind: str


@dataclass(frozen=True)
class SemanticVerdict:
    probabilities: dict[Level, float]
    similarities: NDArray[np.float32]  # cosine to every training example (SemanticHead.prototypes)
    near_negative: bool = False  # a curated `none` example is (nearly) the same sentence: never raise
    # A curated `urgent` example (a counsellor's accepted correction among them) is (nearly) the same sentence:
    # a hard floor, as a lexicon hit is (raise_level).
    near_urgent_example: bool = False
    knn: float = 0.0  # mean cosine to the KNN closest urgent examples minus that to the KNN closest `none` ones
    knn_concern: float = 0.0  # ... minus that to the KNN closest `concern` ones: urgent rather than distress
    signals: frozenset[str] = frozenset()  # the matcher's signal categories for the text
    calibrated: dict[Level, float] = field(default_factory=dict)  # the calibrator's p per level (SemanticLayer)


def side_features(signals: Sequence[frozenset[str]], probabilities: Sequence[Sequence[float]]) -> NDArray[np.float32]:
    """Rows of [signal categories present (0/1) | classifier p(none), p(concern), p(urgent)]."""
    rows = [
        [float(name in s) for name in SIDE_SIGNALS] + [float(x) for x in p]
        for s, p in zip(signals, probabilities, strict=True)
    ]
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(SIDE_SIGNALS) + len(LEVELS))


def load_examples(risk_dir: Path) -> list[SemanticExample]:
    """`semantic.yml`, then each of `SEMANTIC_MORE` that exists: groups of {kind, level, lang, texts}."""
    out: list[SemanticExample] = []
    for name in (SEMANTIC_FILE, *SEMANTIC_MORE):
        out += load_example_file(risk_dir / name)
    return out


def load_example_file(path: Path) -> list[SemanticExample]:
    """One file of groups of {kind, level, lang, texts} (none if it does not exist)."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ContentError(f"{path.name}: expected a list of groups")
    out: list[SemanticExample] = []
    for i, group in enumerate(data):
        where = f"{path.name}[{i}]"
        if not isinstance(group, dict) or not isinstance(group.get("texts"), list):
            raise ContentError(f"{where}: expected a mapping with kind, level, lang and a list of texts")
        level = str(group.get("level", ""))
        if level not in LEVELS:
            raise ContentError(f"{where}: level must be one of {LEVELS}, not {level!r}")
        lang, kind = str(group.get("lang", "")), str(group.get("kind", "")).strip()
        if lang not in ("da", "en") or not kind:
            raise ContentError(f"{where}: needs lang da/en and a kind")
        out += [SemanticExample(str(t), as_level(level), lang, kind) for t in group["texts"] if str(t).strip()]
    return out


def _kind_of(example: Example, lexicon_ids: dict[str, str]) -> str:
    return lexicon_ids.get(example.text) or f"{example.level} example"


def training_examples(content: RiskContent, risk_dir: Path) -> list[SemanticExample]:
    lexicon_ids = {e.example: f"lexicon {e.id}" for e in content.lexicon}
    base = [SemanticExample(e.text, e.level, e.lang, _kind_of(e, lexicon_ids)) for e in training_set(content)]
    return base + load_examples(risk_dir)


class SemanticHead:
    """Scaler + logistic regression + the training vectors of risky examples with their kinds."""

    def __init__(
        self,
        scaler: Scaler,
        model: Linear,
        prototypes: NDArray[np.float32],
        prototype_levels: list[Level],
        prototype_kinds: list[str],
    ) -> None:
        self.scaler = scaler
        self.model = model
        self.classes: list[Level] = [LEVELS[int(c)] for c in model.classes]
        self.prototypes = prototypes
        self.prototype_levels = prototype_levels
        self.prototype_kinds = prototype_kinds

    def probabilities(self, vectors: NDArray[np.float32], side: NDArray[np.float32]) -> NDArray[np.float64]:
        """Rows of p(none), p(concern), p(urgent) in LEVELS order."""
        raw = self.model.predict_proba(self.scaler.transform(np.hstack([vectors, side])))
        out = np.zeros((len(vectors), len(LEVELS)))
        for column, level in enumerate(self.classes):
            out[:, LEVELS.index(level)] = raw[:, column]
        return out

    def verdicts(self, vectors: NDArray[np.float32], side: NDArray[np.float32]) -> list[SemanticVerdict]:
        with one_blas_thread():
            probs = self.probabilities(vectors, side)
            sims = vectors @ self.prototypes.T if len(self.prototypes) else np.zeros((len(vectors), 0))
        urgent, none, concern = self._level_masks
        out = []
        for row, sim, features in zip(probs, sims, side, strict=True):
            by_level: dict[Level, float] = {level: float(row[i]) for i, level in enumerate(LEVELS)}
            best = int(np.argmax(sim)) if len(sim) else -1
            near = best >= 0 and sim[best] >= NEAR_DUPLICATE
            near_negative = near and self.prototype_levels[best] == "none"
            near_urgent_example = near and self.prototype_levels[best] == "urgent"
            signals = frozenset(n for n, v in zip(SIDE_SIGNALS, features, strict=False) if v > 0)
            knn, knn_concern = _knn(sim, urgent, none), _knn(sim, urgent, concern)
            out.append(
                SemanticVerdict(
                    by_level, sim, bool(near_negative), bool(near_urgent_example), knn, knn_concern, signals
                )
            )
        return out

    @functools.cached_property
    def _level_masks(self) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
        """Which prototypes are urgent, none and concern; computed once per loaded head."""
        levels = np.array(self.prototype_levels)
        return levels == "urgent", levels == "none", levels == "concern"

    def closest(self, verdict: SemanticVerdict, level: Level) -> tuple[str, float]:
        """The kind of the training example of `level` most similar to the judged text, and the cosine."""
        sim = verdict.similarities
        for j in np.argsort(-sim):
            if self.prototype_levels[j] == level:
                return self.prototype_kinds[j], float(sim[j])
        return "", 0.0


def _knn(sim: NDArray[np.float32], urgent: NDArray[np.bool_], none: NDArray[np.bool_]) -> float:
    """Mean cosine to the KNN closest `urgent` rows minus that to the KNN closest `none` (or other) rows."""
    if not urgent.any() or not none.any():
        return 0.0
    k = min(KNN, int(urgent.sum()), int(none.sum()))
    return float(np.sort(sim[urgent])[-k:].mean() - np.sort(sim[none])[-k:].mean())


def band_share(verdict: SemanticVerdict, level: Level, bars: Calibration, imminent: bool = False) -> float:
    """Where a raised message sits inside its band, 0..1: how far its calibrated p(urgent) is past the bar that
    raised it (urgent) or towards the urgent bar (concern)."""
    p = verdict.calibrated.get("urgent", 0.0)
    bar = bars.urgent_bar_for(imminent)
    share = (p - bar) / (1.0 - bar) if level == "urgent" else p / bar
    return min(1.0, max(0.0, share))


def raise_level(
    current: Level, verdict: SemanticVerdict, words: int, bars: Calibration, imminent: bool = False
) -> Level:
    """The level the semantic layer proposes, never lower than `current`: urgent when the calibrated p(urgent)
    reaches the urgent bar (the imminent bar when the message states a sign that it is about now), or the message is (nearly) a curated urgent example, in a message of URGENT_MIN_WORDS
    words or more (a shorter one: concern), else none -> concern when p(concern) + p(urgent) reaches the concern
    bar."""
    if current == "urgent" or words < MIN_WORDS or verdict.near_negative or not verdict.calibrated:
        return current
    p = verdict.calibrated
    proposed: Level = current
    urgent = p["urgent"] >= bars.urgent_bar_for(imminent) or verdict.near_urgent_example
    if urgent and words >= URGENT_MIN_WORDS:
        proposed = "urgent"
    elif urgent:
        proposed = "concern"
    elif current == "none" and p["concern"] + p["urgent"] >= bars.concern_bar:
        proposed = "concern"
    return proposed if RANK[proposed] > RANK[current] else current


def fit(
    examples: Sequence[SemanticExample], vectors: NDArray[np.float32], side: NDArray[np.float32], c: float = C
) -> SemanticHead:
    from sklearn.linear_model import LogisticRegression  # training only: judging uses the NumPy copies
    from sklearn.preprocessing import StandardScaler

    y = np.array([LEVELS.index(e.level) for e in examples])
    x = np.hstack([vectors, side])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(scaler.transform(x), y)
    return SemanticHead(
        Scaler.from_sklearn(scaler),
        Linear.from_sklearn(model),
        np.ascontiguousarray(vectors, dtype=np.float32),
        [e.level for e in examples],
        [e.kind for e in examples],
    )


def cache_key(content: RiskContent, embedder_id: str) -> str:
    digest = hashlib.sha256(f"{SEMANTIC_FORMAT}|{sklearn_version()}|{embedder_id}|{content.digest}".encode())
    here = Path(__file__).resolve().parent
    for name in ("semantic.py", "model.py", "content.py", "matching.py", "normalise.py", "linear.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:20]


def training_side_features(
    content: RiskContent, matcher: Matcher, examples: Sequence[SemanticExample]
) -> NDArray[np.float32]:
    """Signals and classifier probabilities for every training row. The classifier's own examples get
    out-of-fold probabilities (CV_FOLDS classifiers, each trained without them); semantic.yml rows, which the
    classifier never trains on, get the full classifier's."""
    norms = [matcher.normaliser(e.text) for e in examples]
    matches = [matcher.match(n) for n in norms]
    distress = [matcher.distress_count(n) for n in norms]
    own = training_set(content)
    probs = np.zeros((len(examples), len(LEVELS)))

    def predict(classifier: RiskClassifier, rows: Sequence[int]) -> None:
        for i, p in zip(
            rows,
            classifier.predict_many([norms[i] for i in rows], [matches[i] for i in rows], [distress[i] for i in rows]),
            strict=True,
        ):
            probs[i] = [p.probabilities[level] for level in LEVELS]

    predict(fit_classifier(content, matcher), range(len(own), len(examples)))
    from sklearn.model_selection import StratifiedKFold  # training only

    y = np.array([LEVELS.index(e.level) for e in own])
    for train, test in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0).split(np.zeros(len(own)), y):
        predict(fit_classifier(content, matcher, [own[i] for i in train]), list(test))
    return side_features([m.feature_signals for m in matches], probs.tolist())


def load_or_train(
    content: RiskContent, risk_dir: Path, cache_dir: Path | None, embedder: Any = None, matcher: Matcher | None = None
) -> SemanticHead:
    """The cached head for this content and embedder, trained (embedding every example) when missing."""
    examples = training_examples(content, risk_dir)
    if matcher is None:
        from knowledge.triage.normalise import Normaliser

        matcher = Matcher(content, Normaliser(content.emoji, content.words))

    def train() -> SemanticHead:
        return fit(
            examples, embed([e.text for e in examples], embedder), training_side_features(content, matcher, examples)
        )

    if cache_dir is None:
        return train()
    path = cache_dir / f"semantic-{cache_key(content, model_id(embedder))}" / "head.pkl"
    return load_or_build(path, train, SemanticHead, "semantic-*/head.pkl")


class SemanticLayer:
    """The fitted head, the calibrator and the process-wide embedder; `verdicts` embeds and scores texts."""

    def __init__(self, head: SemanticHead, embedder: Any = None, bars: Calibration | None = None) -> None:
        self.head = head
        self._embedder = embedder
        self.calibration = bars if bars is not None else calibration.load()

    @property
    def model_id(self) -> str:
        return model_id(self._embedder)

    def start_embedding(self, text: str) -> EarlyEmbedding | None:
        """Start `text`'s embedding on the worker thread (`early_embedding`); None when the embedder cannot."""
        return early_embedding.start(self._embedder or EMBEDDER.get(), prepare(text))

    def verdicts(
        self,
        texts: Sequence[str],
        side: NDArray[np.float32],
        on_embedding: EmbeddingSink | None = None,
        early: Sequence[EarlyEmbedding | None] = (),
    ) -> list[SemanticVerdict]:
        """Embed and score `texts`. `on_embedding(model id, text as embedded, vector)` is called for each
        text as soon as it is embedded, before scoring (the gateway hands the vector on to the search)."""
        if not texts:
            return []
        vectors = embed(texts, self._embedder, early)
        if on_embedding is not None:
            for text, vector in zip(texts, vectors, strict=True):
                on_embedding(self.model_id, prepare(text), vector)
        out = []
        for text, verdict in zip(texts, self.head.verdicts(vectors, side), strict=True):
            row = calibration.features(verdict.probabilities, verdict.knn, verdict.knn_concern, len(text.split()))
            out.append(replace(verdict, calibrated=self.calibration.probabilities(row)))
        return out
