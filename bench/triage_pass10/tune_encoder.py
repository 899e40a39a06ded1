"""Tenth-pass experiment (issue 15, item 4): a LoRA-tuned e5-small for triage, trained on every curated row
plus the candidates and their augmented copies (knowledge/triage/augment.py). NOT product code.

    nice .venv/bin/python -m bench.triage_pass10.tune_encoder <risk_dir> <out_dir> <steps>

Rank-8 adapters on the query, value, attention-output and both feed-forward projections of layers
LAYERS_FROM..11 (lower layers frozen and their outputs cached once), a linear head, class-weighted
cross-entropy, 32 rows per step. Writes <out_dir>/lora.pt. `TunedEmbedder` embeds with the merged weights
(torch, fp32) for measuring the layered rule on the tuned vectors.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from knowledge.search.embedding import ensure_e5_folder
from knowledge.triage import semantic
from knowledge.triage.augment import Row, augment
from knowledge.triage.content import load_content
from knowledge.triage.levels import LEVELS
from knowledge.triage.sentence_embedding import prepare

RANK_LORA = 8
ALPHA = 16
LAYERS_FROM = int(os.environ.get("LORA_FROM", "6"))  # 6: the measured adapter; 0 tunes every layer
MAX_TOKENS = 96
LR = 1e-3


class LoRALinear(torch.nn.Module):
    def __init__(self, base: torch.nn.Linear, r: int = RANK_LORA, alpha: int = ALPHA) -> None:
        super().__init__()
        self.base = base
        self.a = torch.nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def _targets(layer: Any) -> list[tuple[Any, str]]:
    att = layer.attention.self
    return [(att, "query"), (att, "value"), (layer.attention.output, "dense"), (layer.intermediate, "dense"),
            (layer.output, "dense")]  # fmt: skip


def add_lora(bert: Any) -> list[torch.nn.Parameter]:
    params: list[torch.nn.Parameter] = []
    for layer in bert.encoder.layer[LAYERS_FROM:]:
        for parent, name in _targets(layer):
            wrapped = LoRALinear(getattr(parent, name))
            setattr(parent, name, wrapped)
            params += [wrapped.a, wrapped.b]
    return params


def _ids(tok: Any, texts: list[str], max_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
    enc = [tok.encode("query: " + prepare(t)).ids[:max_tokens] for t in texts]
    n = max(len(e) for e in enc)
    ids = torch.full((len(enc), n), 1, dtype=torch.long)
    mask = torch.zeros((len(enc), n), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, : len(e)] = torch.tensor(e)
        mask[i, : len(e)] = 1
    return ids, mask


def _ext(mask: torch.Tensor) -> torch.Tensor:
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def lower_states(bert: Any, tok: Any, texts: list[str], batch: int = 32) -> list[torch.Tensor]:
    out = []
    with torch.inference_mode():
        for s0 in range(0, len(texts), batch):
            ids, mask = _ids(tok, texts[s0 : s0 + batch], MAX_TOKENS)
            h = bert.embeddings(input_ids=ids)
            for layer in bert.encoder.layer[:LAYERS_FROM]:
                r = layer(h, attention_mask=_ext(mask))
                h = r[0] if isinstance(r, tuple) else r
            for i in range(len(ids)):
                out.append(h[i, : int(mask[i].sum())].clone())
    return out


def top(bert: Any, states: list[torch.Tensor]) -> torch.Tensor:
    n = max(s.shape[0] for s in states)
    h = torch.zeros(len(states), n, 384)
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for i, s in enumerate(states):
        h[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    for layer in bert.encoder.layer[LAYERS_FROM:]:
        r = layer(h, attention_mask=_ext(mask))
        h = r[0] if isinstance(r, tuple) else r
    m = mask.unsqueeze(-1).float()
    return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)


def training_rows(risk_dir: Path) -> list[Row]:
    content = load_content(risk_dir)
    rows = [Row(e.text, e.level, e.lang, e.kind) for e in semantic.training_examples(content, risk_dir)]
    return rows + augment(rows)


def train(risk_dir: Path, out_dir: Path, steps: int) -> None:
    train_on(training_rows(risk_dir), out_dir / "lora.pt", steps)


def train_on(rows: list[Row], lora_path: Path, steps: int) -> None:
    """Adapters (and a throw-away linear head) trained on `rows`, saved to `lora_path`."""
    lora_path.parent.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    from tokenizers import Tokenizer
    from transformers import BertModel

    folder = ensure_e5_folder()
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    y = np.array([LEVELS.index(r.level) for r in rows])
    print(f"{len(rows)} rows ({np.bincount(y, minlength=3).tolist()})", flush=True)
    bert = BertModel.from_pretrained(str(folder), add_pooling_layer=False, attn_implementation="eager")
    bert.eval()
    for p in bert.parameters():
        p.requires_grad_(False)
    started = time.perf_counter()
    states = lower_states(bert, tok, [r.text for r in rows])
    print(f"lower states in {time.perf_counter() - started:.0f}s", flush=True)
    params = add_lora(bert)
    head = torch.nn.Linear(384, 3)
    weights = torch.tensor(len(y) / (3 * np.bincount(y, minlength=3)), dtype=torch.float32)
    opt = torch.optim.AdamW([{"params": params, "lr": LR}, {"params": head.parameters(), "lr": 1e-2}])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 20) * max(0.0, 1 - s / steps))
    order = random.Random(0)
    started = time.perf_counter()
    for step in range(steps):
        batch = order.sample(range(len(rows)), 32)
        vec = top(bert, [states[i] for i in batch])
        loss = torch.nn.functional.cross_entropy(head(vec * 20.0), torch.tensor(y[batch]), weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 25 == 0:
            print(f"step {step} loss {loss.item():.3f} {time.perf_counter() - started:.0f}s", flush=True)
    lora = {k: v.detach().clone() for k, v in bert.state_dict().items() if k.endswith((".a", ".b"))}
    torch.save({"lora": lora, "layers_from": LAYERS_FROM, "rank": RANK_LORA, "alpha": ALPHA}, lora_path)
    print(f"trained {steps} steps in {time.perf_counter() - started:.0f}s", flush=True)


def merged_model(lora_path: Path) -> Any:
    """e5-small with the adapters merged into its weights (W + alpha/r * B A)."""
    from transformers import BertModel

    saved = torch.load(lora_path)
    bert = BertModel.from_pretrained(str(ensure_e5_folder()), add_pooling_layer=False, attn_implementation="eager")
    scale = saved["alpha"] / saved["rank"]
    with torch.no_grad():
        for index, layer in enumerate(bert.encoder.layer):
            if index < saved["layers_from"]:
                continue
            for parent, name in _targets(layer):
                linear = getattr(parent, name)
                key = f"encoder.layer.{index}.{_path(parent, layer)}{name}.a"
                a, b = saved["lora"][key], saved["lora"][key[:-1] + "b"]
                linear.weight += scale * (b @ a)
    bert.eval()
    return bert


def _path(parent: Any, layer: Any) -> str:
    for name, module in layer.named_modules():
        if module is parent:
            return f"{name}." if name else ""
    raise KeyError("not in layer")


class TunedEmbedder:
    """`embed_queries` as the search embedders have it, with the merged tuned model (torch fp32)."""

    def __init__(self, lora_path: Path) -> None:
        from tokenizers import Tokenizer

        self.bert = merged_model(lora_path)
        self.tok = Tokenizer.from_file(str(ensure_e5_folder() / "tokenizer.json"))
        self.model_id = f"tuned:{lora_path}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for s0 in range(0, len(texts), 32):
                ids, mask = _ids(self.tok, texts[s0 : s0 + 32], 256)
                hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).float()
                out.append(torch.nn.functional.normalize((hidden * m).sum(1) / m.sum(1), dim=-1).numpy())
        return np.vstack(out).astype(np.float32)


if __name__ == "__main__":
    train(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))


def export_adapter(lora_path: Path, target: Path) -> None:
    """lora.pt -> the committed npz (knowledge/triage/tuned_encoder.py reads it; float32, about 1 MB)."""
    saved = torch.load(lora_path)
    arrays = {k: v.numpy().astype(np.float32) for k, v in saved["lora"].items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target, layers_from=np.int32(saved["layers_from"]), rank=np.int32(saved["rank"]),
                        alpha=np.float32(saved["alpha"]), **arrays)  # fmt: skip
