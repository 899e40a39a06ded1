"""The embedding started before the lexicon runs (knowledge/triage/early_embedding.py): the same vector bit for
bit, the same verdicts as the in-line path, a discarded run that leaves the worker usable, and the fallback for
embedders that cannot start early. Real encoder, real triage (trained once per test session)."""

from __future__ import annotations

import os
import threading

import numpy as np

from knowledge.triage import early_embedding
from knowledge.triage.evaluation import read_dev_set
from knowledge.triage.paths import dev_set_path
from knowledge.triage.sentence_embedding import EMBEDDER, embed, prepare
from tests.unit.test_triage_support import triage

TEXTS = (
    "jeg har det svært med min mor for tiden og ved ikke hvem jeg kan snakke med",
    "how do i stop overthinking at night when i'm trying to sleep",
    "har taget 40 piller for en time siden og kan ikke mærke mine fingre",  # urgent before the head
    "hej",  # too short for the head: nothing starts
    "  mange   mellemrum\tog en  ny\nlinje i en besked om skolen og lektier  ",
)


def test_an_early_vector_is_the_in_line_vector_bit_for_bit() -> None:
    embedder = EMBEDDER.get()
    assert early_embedding.can_start(embedder)
    for text in TEXTS:
        started = early_embedding.start(embedder, prepare(text))
        assert started is not None
        assert np.array_equal(started.vector(), embed([text])[0]), text


def test_judge_gives_what_judge_many_gives_on_the_dev_set() -> None:
    t = triage()
    texts = [*TEXTS, *(m.text for m in read_dev_set(dev_set_path())[::4])]
    early_vectors: dict[str, np.ndarray] = {}
    inline_vectors: dict[str, np.ndarray] = {}
    for text in texts:
        a = t.judge(text, on_embedding=lambda _m, _t, v, text=text: early_vectors.__setitem__(text, v))
        b = t.judge_many([text], on_embedding=lambda _m, _t, v, text=text: inline_vectors.__setitem__(text, v))[0]
        assert (a.level, a.score, a.reasons, a.near_urgent) == (b.level, b.score, b.reasons, b.near_urgent), text
    assert early_vectors.keys() == inline_vectors.keys() and len(early_vectors) > 40
    assert all(np.array_equal(early_vectors[k], inline_vectors[k]) for k in early_vectors)


def test_a_discarded_run_leaves_the_worker_usable() -> None:
    embedder = EMBEDDER.get()
    long_text = prepare(" ".join(["jeg ved ikke hvad jeg skal gøre med min hverdag og min skole"] * 8))
    for _ in range(5):
        started = early_embedding.start(embedder, long_text)
        assert started is not None
        started.discard()  # stopped, or finished already: either way the next run is whole
    again = early_embedding.start(embedder, prepare(TEXTS[0]))
    assert again is not None
    assert np.array_equal(again.vector(), embed([TEXTS[0]])[0])


def test_an_embedder_without_an_onnx_run_is_embedded_in_line() -> None:
    class Remote:
        """An embedder that only offers `embed_queries`, as a sentence-transformers model does."""

        model_id = "remote"

        def embed_queries(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 384), dtype=np.float32)

    assert not early_embedding.can_start(Remote())
    assert early_embedding.start(Remote(), "en besked om skolen") is None


def test_the_worker_runs_at_least_as_nice_as_the_thread_that_judges() -> None:
    embedder = EMBEDDER.get()
    seen: list[int] = []

    def judge_at_nice_5() -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
        started = early_embedding.start(embedder, prepare(TEXTS[1]))
        assert started is not None
        started.vector()
        seen.append(early_embedding._worker().submit(early_embedding._niceness).result())

    caller = threading.Thread(target=judge_at_nice_5)
    caller.start()
    caller.join()
    assert seen and seen[0] >= 5
