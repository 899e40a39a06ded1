"""Seventh-pass experiment (issue 15, docs/TRIAGE.md): LoRA fine-tuning of e5-small for triage. NOT product code.

Usage: nice .venv/bin/python bench/triage_pass7/lora_experiment.py <risk_dir> <out_dir> <steps> [name=path.jsonl ...]
(extra check sets, e.g. a fresh hold-out kept outside the repository: their vectors only, never trained on)
Rank-8 adapters on layers 8-11 (layers 0-7 frozen, their outputs cached once), a linear head, trained on 80%
(stratified, seed 0) of the curated rows of <risk_dir> (`semantic.training_examples`); writes the split,
the adapters and the tuned vectors of the training rows and check sets (holdout4, holdout3, dev) for
compare_heads.py (0 steps gives the frozen baseline: the adapters start at zero). The measured runs read a
copy of knowledge/risk whose semantic.yml had knowledge/risk/candidates/*.yml appended (2,280 rows). On the
shared 2-core machine the fine-tuning did not finish (docs/TRIAGE.md); run it on a quiet one.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from knowledge.search.embedding import ensure_e5_folder  # noqa: E402
from knowledge.triage import semantic  # noqa: E402
from knowledge.triage.content import load_content  # noqa: E402
from knowledge.triage.evaluation import read_dev_set  # noqa: E402
from knowledge.triage.levels import LEVELS  # noqa: E402

RANK_LORA = 8
ALPHA = 16
LAYERS_FROM = 6  # LoRA on layers 6..11 only (backward stops there)
MAX_TOKENS = 64
BATCH = 16
LR = 1e-3


class LoRALinear(torch.nn.Module):
    def __init__(self, base: torch.nn.Linear, r: int, alpha: int) -> None:
        super().__init__()
        self.base = base
        self.a = torch.nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def add_lora(bert, layers_from: int = LAYERS_FROM):  # noqa: ANN001, ANN201
    params = []
    for i, layer in enumerate(bert.encoder.layer):
        if i < layers_from:
            continue
        att = layer.attention.self
        for name in ("query", "value"):
            wrapped = LoRALinear(getattr(att, name), RANK_LORA, ALPHA)
            setattr(att, name, wrapped)
            params += [wrapped.a, wrapped.b]
        for parent, name in ((layer.attention.output, "dense"), (layer.intermediate, "dense"), (layer.output, "dense")):
            wrapped = LoRALinear(getattr(parent, name), RANK_LORA, ALPHA)
            setattr(parent, name, wrapped)
            params += [wrapped.a, wrapped.b]
    return params


def encode(bert, tok, texts, grad: bool) -> torch.Tensor:  # noqa: ANN001
    enc = [tok.encode("query: " + " ".join(t.split())[:400]).ids[:MAX_TOKENS] for t in texts]
    n = max(len(e) for e in enc)
    ids = torch.full((len(enc), n), 1, dtype=torch.long)
    mask = torch.zeros((len(enc), n), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, : len(e)] = torch.tensor(e)
        mask[i, : len(e)] = 1
    ctx = torch.enable_grad() if grad else torch.inference_mode()
    with ctx:
        hidden = bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)


def embed_all(bert, tok, texts, batch: int = 32) -> np.ndarray:  # noqa: ANN001
    bert.eval()
    out = []
    for s in range(0, len(texts), batch):
        out.append(encode(bert, tok, texts[s : s + batch], grad=False).numpy())
    return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def lower_states(bert, tok, texts, upto: int, batch: int = 32):  # noqa: ANN001, ANN201
    """Hidden states after layer `upto` (frozen part), one padded tensor per batch, with masks."""
    out = []
    with torch.inference_mode():
        for s0 in range(0, len(texts), batch):
            chunk = texts[s0 : s0 + batch]
            enc = [tok.encode("query: " + " ".join(t.split())[:400]).ids[:MAX_TOKENS] for t in chunk]
            n = max(len(e) for e in enc)
            ids = torch.full((len(enc), n), 1, dtype=torch.long)
            mask = torch.zeros((len(enc), n), dtype=torch.long)
            for i, e in enumerate(enc):
                ids[i, : len(e)] = torch.tensor(e)
                mask[i, : len(e)] = 1
            h = bert.embeddings(input_ids=ids)
            ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
            for layer in bert.encoder.layer[:upto]:
                r = layer(h, attention_mask=ext)
                h = r[0] if isinstance(r, tuple) else r
            for i in range(len(chunk)):
                k = int(mask[i].sum())
                out.append(h[i, :k].clone())
    return out


def top(bert, states, upto: int):  # noqa: ANN001, ANN201
    n = max(s.shape[0] for s in states)
    h = torch.zeros(len(states), n, 384)
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for i, s in enumerate(states):
        h[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer in bert.encoder.layer[upto:]:
        r = layer(h, attention_mask=ext)
        h = r[0] if isinstance(r, tuple) else r
    m = mask.unsqueeze(-1).float()
    return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)


def main() -> None:
    risk_dir, out_dir, steps = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    upto = 8
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    from tokenizers import Tokenizer
    from transformers import BertModel

    folder = ensure_e5_folder()
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    content = load_content(risk_dir)
    examples = semantic.training_examples(content, risk_dir)
    texts = [e.text for e in examples]
    y = np.array([LEVELS.index(e.level) for e in examples])
    rng = np.random.default_rng(0)
    val = np.zeros(len(examples), dtype=bool)
    for level in range(3):
        idx = np.flatnonzero(y == level)
        val[rng.choice(idx, size=len(idx) // 5, replace=False)] = True
    json.dump({"val": val.tolist(), "y": y.tolist()}, open(out_dir / "split.json", "w"))
    bert = BertModel.from_pretrained(str(folder), add_pooling_layer=False, attn_implementation="eager")
    bert.eval()
    for p in bert.parameters():
        p.requires_grad_(False)
    sets = {
        "train_all": texts,
        "hold4": [
            m.text
            for m in read_dev_set(Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout4.jsonl")
        ],
        "hold3": [
            m.text
            for m in read_dev_set(Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_holdout3.jsonl")
        ],
        "dev": [
            m.text for m in read_dev_set(Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_dev.jsonl")
        ],
    }
    for extra in sys.argv[4:]:
        name, path = extra.split("=", 1)
        sets[name] = [m.text for m in read_dev_set(Path(path))]
    started = time.perf_counter()
    cache = {k: lower_states(bert, tok, v, upto) for k, v in sets.items()}
    print(f"lower states in {time.perf_counter() - started:.0f}s", flush=True)
    params = add_lora(bert, upto)
    head = torch.nn.Linear(384, 3)
    train_idx = np.flatnonzero(~val)
    counts = np.bincount(y[train_idx], minlength=3)
    weights = torch.tensor(len(train_idx) / (3 * counts), dtype=torch.float32)
    with torch.inference_mode():  # the adapters start at zero: these are the frozen encoder's vectors
        for name, states in cache.items():
            vecs = [top(bert, states[s0 : s0 + 64], upto).numpy() for s0 in range(0, len(states), 64)]
            np.save(out_dir / f"base_{name}.npy", np.vstack(vecs))
    opt = torch.optim.AdamW([{"params": params, "lr": LR}, {"params": head.parameters(), "lr": 1e-2}])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 20) * max(0.0, 1 - s / steps))
    order = random.Random(0)
    started = time.perf_counter()
    for step in range(steps):
        batch = order.sample(list(train_idx), 32)
        vec = top(bert, [cache["train_all"][i] for i in batch], upto)
        loss = torch.nn.functional.cross_entropy(head(vec * 20.0), torch.tensor(y[batch]), weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 25 == 0:
            print(f"step {step} loss {loss.item():.3f} {time.perf_counter() - started:.0f}s", flush=True)
    print(f"trained {steps} steps in {time.perf_counter() - started:.0f}s", flush=True)
    lora = {k: v.detach().clone() for k, v in bert.state_dict().items() if k.endswith((".a", ".b"))}
    torch.save({"lora": lora, "head_w": head.weight.detach(), "head_b": head.bias.detach()}, out_dir / "lora.pt")
    with torch.inference_mode():
        for name, states in cache.items():
            vecs = [top(bert, states[s0 : s0 + 64], upto).numpy() for s0 in range(0, len(states), 64)]
            np.save(out_dir / f"tuned_{name}.npy", np.vstack(vecs))
            logits = torch.tensor(np.vstack(vecs)) @ head.weight.T * 20.0 + head.bias
            np.save(out_dir / f"tunedhead_{name}.npy", torch.softmax(logits, -1).numpy())
    print("done", flush=True)


if __name__ == "__main__":
    main()
