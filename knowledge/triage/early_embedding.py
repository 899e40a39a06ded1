"""One message's sentence embedding, started before the lexicon runs so that the two overlap on two cores.

Why (issue 15, Deliver 6: p95 <= 15 ms per message): the int8 e5 encoder takes about 5-7 ms of one message's
~13 ms, and the lexicon, the classifier and the rule about 3 ms more on the caller's thread before the semantic
head asks for the vector. ONNX Runtime releases the GIL while it runs, so the encoder can run on the second core
while the caller matches the lexicon.

How: the caller tokenises and looks up the word rows itself (`E5Onnx.inputs`: it holds the GIL anyway) and hands
only `E5Onnx.run` to one worker thread. It then waits until the worker has taken the GIL and entered the run, so
the GIL changes hands at once; otherwise the worker would wait for the interpreter's switch interval (5 ms)
while the caller's regex scan holds it. That wait is why the twenty-ninth pass's thread, which tokenised on the
worker, made one message slower (docs/TRIAGE.md, thirtieth pass). The vector is the one `sentence_embedding.embed`
gives, bit for bit (tests/unit/test_triage_early_embedding.py). A message that never reaches the head (judged
urgent already) does not wait for it: `discard()` asks ONNX Runtime to stop the run (`RunOptions.terminate`).

The worker runs at the niceness of the thread that judges (the gateway's triage thread runs at `LYT_TRIAGE_NICE`,
so the answer's path keeps the CPU first): it raises its own niceness to the caller's, never lowers it.

Only the in-process ONNX encoders (`E5Onnx`) can start early; with any other embedder `start` returns None and
the head embeds as before. The worker thread is created on first use; nothing runs at import time.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WORKER_WAIT_S = 1.0  # how long the caller waits for the worker to enter the run before it carries on anyway


class EarlyEmbedding:
    """A started embedding: `vector()` waits for it, `discard()` stops it if it is no longer wanted."""

    def __init__(self, future: Future[NDArray[np.float32]], options: Any) -> None:
        self._future = future
        self._options = options

    def vector(self) -> NDArray[np.float32]:
        return self._future.result()

    def discard(self) -> None:
        if not self._future.done():
            self._options.terminate = True


@functools.cache
def _worker() -> ThreadPoolExecutor:
    """One thread for every early embedding of the process, created on first use (an executor starts its thread
    on its first `submit`, so a second executor from a race at start-up would hold no thread)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lyt-triage-embed")


def _niceness() -> int:
    """This thread's niceness (Linux threads have their own); 0 where the platform cannot say."""
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except (AttributeError, OSError):
        return 0


def _at_least(nice: int) -> None:
    if nice > _niceness():
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
        except (AttributeError, OSError):
            pass


def can_start(embedder: Any) -> bool:
    """Whether `embedder` is an in-process ONNX encoder whose run can be handed to a worker."""
    model = getattr(embedder, "_model", None)
    return all(callable(getattr(model, name, None)) for name in ("inputs", "run")) and hasattr(embedder, "_lock")


def start(embedder: Any, text: str) -> EarlyEmbedding | None:
    """Start embedding `text` (already `sentence_embedding.prepare`d) as a query; None when `embedder` cannot."""
    if not can_start(embedder):
        return None
    import onnxruntime

    from knowledge.search.embedding import E5_QUERY_PREFIX, _normalised

    model = embedder._model
    words = model.inputs(E5_QUERY_PREFIX + text)
    options = onnxruntime.RunOptions()
    options.log_severity_level = 4  # a terminated run is expected, not an error worth a log line
    entered = threading.Event()
    nice = _niceness()

    def run() -> NDArray[np.float32]:
        _at_least(nice)
        entered.set()
        with embedder._lock:  # calls are serialised, as `embed_queries` does
            vector = model.run(words, options)
        row: NDArray[np.float32] = _normalised(np.vstack([vector]).astype(np.float32))[0]
        return row

    future = _worker().submit(run)
    entered.wait(_WORKER_WAIT_S)  # releases the GIL until the worker holds it
    return EarlyEmbedding(future, options)
