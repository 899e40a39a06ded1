"""The converted multilingual-e5-small folder served by ONNX Runtime and the `tokenizers` library. No torch.

Why: torch costs a process about 190 MB of RSS before any weights are loaded, and the gateway holds
thousands of idle widget sockets next to its triage model. ONNX Runtime is a ~20 MB import.

What runs (all from the folder `e5_convert.convert_folder` wrote, checked against `SentenceTransformer` on
that same folder in tests/unit/test_kb_embedding.py):
* the reference tokenizer (`tokenizer.json`, `tokenizers.Tokenizer`), `<s>`/`</s>` added by its own
  post-processor, cut to 512 positions;
* the word-embedding rows of the tokens seen, from the memory-mapped float32 table (`word_embeddings.f32`,
  only the pages of tokens seen are read);
* the encoder exported by `torch.onnx.export`, quantised here with ONNX Runtime's dynamic quantiser as
  S8 weights per channel with `reduce_range=True` (7-bit weights). That choice makes the result independent
  of the CPU: with 7-bit weights and 8-bit activations no pair sum can saturate int16 in MLAS's AVX2
  (vpmaddubsw) kernel, so AVX2, AVX-512 and VNNI compute the same integers (docs/KNOWLEDGE.md, "Portable
  embeddings"). Without it, the AVX2 path saturates where VNNI does not: an AVX2-only EPYC gave cosines
  down to 0.988 against the reference and flipped triage decisions. The 12 feed-forward output matmuls stay
  float32 (`_is_ffn_output`).
Texts are encoded one at a time (no padding), so a text's vector never depends on its batch.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.search.e5_convert import ONNX_NAME, WORDS_NAME

FORMAT = 3  # bump when the quantisation changes: it is part of the model id (and so of every cache key)
INT8_NAME = "e5-encoder-int8-portable.onnx"


def _is_ffn_output(name: str, op_type: str) -> bool:
    """The feed-forward output projections (after GELU) stay float32: their inputs have the widest range, and
    quantising them cost the most accuracy (min cosine 0.993 -> 0.997 against the reference on 200 dev texts)."""
    return op_type == "MatMul" and "/output/dense/" in name and "/attention/" not in name


def quantise(folder: Path) -> Path:
    """The portable int8 encoder next to the float32 export (built once, atomically)."""
    target = folder / INT8_NAME
    if target.exists():
        return target
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(folder / ONNX_NAME), load_external_data=False)
    keep_float = [node.name for node in graph.graph.node if _is_ffn_output(node.name, node.op_type)]
    del graph
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        out = Path(scratch) / INT8_NAME
        logging.disable(logging.WARNING)  # the quantiser's advice to pre-process applies to conv nets
        try:
            quantize_dynamic(
                folder / ONNX_NAME,
                out,
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                nodes_to_exclude=keep_float,
            )
        finally:
            logging.disable(logging.NOTSET)
        os.replace(out, target)
    return target


class E5Onnx:
    """multilingual-e5-small: `tokenizers` + the exported encoder in ONNX Runtime (int8 portable, or float32)."""

    def __init__(self, folder: Path, threads: int = 1, precision: str = "int8") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        graph = quantise(folder) if precision == "int8" else folder / ONNX_NAME
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=512)
        self.H = 384
        self._word = np.memmap(folder / WORDS_NAME, dtype=np.float32, mode="r").reshape(-1, self.H)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # a shared 2-core box
        options.enable_cpu_mem_arena = False  # measured: 4 MB less RSS, same speed for one short text
        self._session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    @property
    def dim(self) -> int:
        return int(self.H)

    def token_ids(self, text: str) -> list[int]:
        ids: list[int] = self._tokenizer.encode(text).ids
        return ids

    def inputs(self, text: str) -> NDArray[np.float32]:
        """The encoder's input for `text`: its tokens' word-embedding rows, shape (1, tokens, 384)."""
        return np.asarray(self._word[np.asarray(self.token_ids(text))], dtype=np.float32)[None]

    def run(self, words: NDArray[np.float32], options: Any = None) -> NDArray[np.float32]:
        """The encoder on `inputs()`; ONNX Runtime releases the GIL while it runs. `options`: `onnxruntime.RunOptions`."""
        (vector,) = self._session.run(["vector"], {"inputs_embeds": words}, options)
        return np.asarray(vector[0], dtype=np.float32)

    def embed(self, text: str) -> NDArray[np.float32]:
        return self.run(self.inputs(text))

    def embed_many(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.embed(text) for text in texts]).astype(np.float32)
