"""A query embedding handed from the gateway's triage to the knowledge search, so a question is embedded once.

The gateway embeds every youth message for triage while Rasa works out what to do with it. When Rasa then
runs the knowledge search for that message, the action server would embed the same text again, with the
same model: about 3.5 ms on the critical path of every knowledge answer. Instead the gateway puts the
vector it computed in Redis for a few seconds, under a one-time key it names in the message's Rasa
metadata, and the action server takes it from there (docs/ARCHITECTURE.md, "One message's path").

A packed vector carries a digest of the embedding model's id and of the exact text embedded. The search
uses the vector only when both match its own model and the text it was asked about; otherwise it embeds
the text itself. An empty payload means "no vector for this message" (too short for the semantic layer,
or the stored text differs from the text triage read because personal details were scrubbed).
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

KEY_PREFIX = "lyt:qvec:"  # api/redis_keys.query_vector
TTL_MS = 10_000
METADATA_FIELD = "lyt_query_vector"  # Rasa message metadata: the key to wait on
NO_VECTOR = b""
_DIGEST_BYTES = 20


def _digest(model_id: str, text: str) -> bytes:
    return hashlib.sha1(f"{model_id}\0{text}".encode(), usedforsecurity=False).digest()


def pack(model_id: str, text: str, vector: NDArray[np.float32]) -> bytes:
    return _digest(model_id, text) + np.ascontiguousarray(vector, dtype="<f4").tobytes()


def unpack(payload: bytes | None, model_id: str, text: str, dim: int) -> NDArray[np.float32] | None:
    """The vector, if `payload` holds one for exactly this model and text; otherwise None."""
    if not payload or len(payload) != _DIGEST_BYTES + 4 * dim or payload[:_DIGEST_BYTES] != _digest(model_id, text):
        return None
    vector: NDArray[np.float32] = np.frombuffer(payload[_DIGEST_BYTES:], dtype="<f4").astype(np.float32)
    vector.setflags(write=False)
    return vector
