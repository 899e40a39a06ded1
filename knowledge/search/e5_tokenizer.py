"""The e5 Unigram tokenizer over a MARISA trie: the same token ids as `e5_int8.UnigramTokenizer`, in ~5 MB.

Why: the reference port keeps 250,000 pieces in a Python dict (bytes -> id) and their scores in a list
of floats, about 43 MB of RSS in every process that embeds, the gateway included. A MARISA trie
(`marisa-trie`) holds the same pieces in a few MB and answers "which pieces start here" in one call,
which is what the Viterbi search asks at every position.

Same algorithm and tie-breaking as the reference: the normalisation map, collapsed spaces, a leading
metaspace, then Viterbi over characters, candidates visited by start position and then by length, a
score replaced only when strictly higher, and an unknown character costing the lowest score minus 10.
tests/unit/test_kb_embedding.py checks that both give the same ids.
"""

from __future__ import annotations

from array import array

import numpy as np
from numpy.typing import NDArray

from knowledge.search.e5_int8 import backtrack, metaspace_chars


class TrieUnigramTokenizer:
    def __init__(
        self, pieces: list[tuple[int, bytes]], scores: NDArray[np.float32], norm: dict[str, str], unk: int
    ) -> None:
        """`pieces`: (id, UTF-8 bytes) in id order; a piece listed twice keeps its first id, as in the reference."""
        import marisa_trie  # lazy: a compiled extension

        texts: list[tuple[int, str]] = []
        for index, piece in pieces:
            if index == unk:
                continue
            try:
                texts.append((index, piece.decode("utf-8")))
            except UnicodeDecodeError:
                continue  # never equal to a run of whole characters, so never matched by the reference either
        self._trie = marisa_trie.Trie(text for _, text in texts)
        ids = np.full(len(self._trie), -1, dtype=np.int64)
        for index, text in texts:
            key = self._trie.key_id(text)
            if ids[key] < 0:
                ids[key] = index
        del texts
        self._ids: array[int] = array("i", ids.tolist())  # 4 bytes each: ids < 2**31
        self._scores = array("f", scores.tolist())  # float32 as stored; each read is the same double as float(s)
        self.norm = norm
        self.unk = unk
        self.unk_score = float(min(scores)) - 10.0

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s>."""
        sequence = "".join(metaspace_chars(text, self.norm))
        n = len(sequence)
        best = [-1e30] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        ids, scores, prefixes = self._ids, self._scores, self._trie.iter_prefixes_with_ids
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for piece, key in prefixes(sequence[i:]):
                end = i + len(piece)
                piece_id = ids[key]
                score = best[i] + scores[piece_id]
                if score > best[end]:
                    best[end], back_piece[end], back_from[end] = score, piece_id, i
            fallback = best[i] + self.unk_score
            if fallback > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = fallback, -1, i
        return backtrack(back_piece, back_from, self.unk)
