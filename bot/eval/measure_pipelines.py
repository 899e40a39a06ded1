"""Compare Rasa pipelines for Lyt: train time, intent F1 and per-turn latency.

Run from the repository root with the Rasa venv (a Redis server and the action server must be running;
see docs/rasa_pipeline.md for the exact commands):

    .venv-rasa/bin/python bot/eval/measure_pipelines.py bot/eval/configs/stock.yml config.yml ...

For every config it:
  1. trains a model (timed) into var/eval/models/<name>.tar.gz;
  2. runs `rasa test nlu --cross-validation --folds 5` on bot/data/nlu (macro F1 over intents);
  3. parses bot/eval/nlu_holdout.yml (never trained on) with the model: macro F1 and accuracy;
  4. starts `rasa run --enable-api` with bot/endpoints.yml (Redis tracker and lock store) and sends
     conversations of TURNS messages through /webhooks/rest/webhook, one request at a time: p50/p95;
     then CONCURRENCY clients at once: requests per second.
Results: var/eval/results.json and a Markdown table on stdout.
Environment: LYT_EVAL_ENDPOINTS (default bot/endpoints.yml), LYT_EVAL_TAG (suffix of the result name),
LYT_EVAL_SKIP_TRAIN=1 / LYT_EVAL_SKIP_CV=1 (reuse the model / the earlier CV score), LYT_EVAL_CONVERSATIONS,
LYT_EVAL_TURNS, LYT_EVAL_CONCURRENCY, LYT_EVAL_CONCURRENT_REQUESTS.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RASA = str(REPO / ".venv-rasa" / "bin" / "rasa")
OUT = REPO / "var" / "eval"
HOLDOUT = REPO / "bot" / "eval" / "nlu_holdout.yml"
CONVERSATIONS = int(os.environ.get("LYT_EVAL_CONVERSATIONS", "4"))
TURNS = int(os.environ.get("LYT_EVAL_TURNS", "100"))
CONCURRENCY = int(os.environ.get("LYT_EVAL_CONCURRENCY", "8"))
CONCURRENT_REQUESTS = int(os.environ.get("LYT_EVAL_CONCURRENT_REQUESTS", "400"))
SKIP_CV = os.environ.get("LYT_EVAL_SKIP_CV") == "1"
ENDPOINTS = os.environ.get("LYT_EVAL_ENDPOINTS", "bot/endpoints.yml")
TAG = os.environ.get("LYT_EVAL_TAG", "")  # appended to result names, e.g. "+plain-redis"
SKIP_TRAIN = os.environ.get("LYT_EVAL_SKIP_TRAIN") == "1"  # reuse var/eval/models/<name>.tar.gz


def holdout_examples() -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(HOLDOUT))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def run(cmd: list[str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("w") as handle:
        subprocess.run(cmd, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - start


def train(config: Path, name: str) -> float:
    cmd = [
        RASA,
        "train",
        "--config",
        str(config),
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "--out",
        str(OUT / "models"),
        "--fixed-model-name",
        name,
        "--force",
    ]
    return run(cmd, OUT / f"train_{name}.log")


def cross_validation_f1(config: Path, name: str) -> float:
    out = OUT / f"cv_{name}"
    cmd = [
        RASA,
        "test",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        "bot/data/nlu",
        "--cross-validation",
        "--folds",
        "5",
        "--out",
        str(out),
        "--no-plot",
    ]
    run(cmd, OUT / f"cv_{name}.log")
    report = json.loads((out / "intent_report.json").read_text())
    return float(report["macro avg"]["f1-score"])


def holdout_scores(name: str) -> dict[str, float]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(str(OUT / "models" / f"{name}.tar.gz"))
    gold, pred, times = [], [], []

    async def parse_all() -> None:
        for text, intent in holdout_examples():
            start = time.perf_counter()
            parsed = await agent.parse_message(text)
            times.append((time.perf_counter() - start) * 1000)
            gold.append(intent)
            predicted = parsed["intent"]["name"]
            # nlu_fallback of a knowledge question still reaches the knowledge search: count it as right.
            pred.append("ask_knowledge" if predicted == "nlu_fallback" and intent == "ask_knowledge" else predicted)

    asyncio.run(parse_all())
    errors = [(t, g, p) for (t, _), g, p in zip(holdout_examples(), gold, pred, strict=True) if g != p]
    (OUT / f"holdout_errors_{name}.json").write_text(json.dumps(errors, ensure_ascii=False, indent=1))
    return {
        "holdout_macro_f1": float(f1_score(gold, pred, average="macro", labels=sorted(set(gold)))),
        "holdout_accuracy": float(accuracy_score(gold, pred)),
        "parse_p50_ms": statistics.median(times),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(port: int, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local server
        response.read()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(name: str) -> dict[str, float]:
    port = free_port()
    log = (OUT / f"serve_{name}.log").open("w")
    server = subprocess.Popen(
        [
            RASA,
            "run",
            "--enable-api",
            "--model",
            str(OUT / "models" / f"{name}.tar.gz"),
            "--endpoints",
            ENDPOINTS,
            "--credentials",
            "bot/credentials.yml",
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        examples = holdout_examples()
        texts = [text for text, _ in examples]
        rng = random.Random(7)
        run_id = f"{name}-{time.time_ns()}"
        for _ in range(5):
            post(port, f"warm-{run_id}", rng.choice(texts))
        by_turn: list[list[float]] = [[] for _ in range(TURNS)]
        knowledge_turns: list[float] = []  # ask_knowledge: a round trip to the action server
        response_turns: list[float] = []  # everything else: answered by Rasa alone
        for conversation in range(CONVERSATIONS):
            sender = f"eval-{run_id}-{conversation}"
            post(port, sender, '/set_lang{"lang":"' + ("da" if conversation % 2 == 0 else "en") + '"}')
            for turn in range(TURNS):
                text, intent = rng.choice(examples)
                ms = post(port, sender, text)
                by_turn[turn].append(ms)
                (knowledge_turns if intent == "ask_knowledge" else response_turns).append(ms)
        flat = [ms for turn in by_turn for ms in turn]
        first = [ms for turn in by_turn[:10] for ms in turn]
        last = [ms for turn in by_turn[-10:] for ms in turn]

        results: list[float] = []
        lock = threading.Lock()
        per_client = CONCURRENT_REQUESTS // CONCURRENCY

        def client(index: int) -> None:
            local = random.Random(index)
            for _ in range(per_client):
                ms = post(port, f"load-{run_id}-{index}", local.choice(texts))
                with lock:
                    results.append(ms)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        return {
            "load_average_1min": os.getloadavg()[0],  # the machine may be shared: note how busy it was
            "turn_p50_ms": statistics.median(flat),
            "turn_p95_ms": percentile(flat, 0.95),
            "response_turn_p50_ms": statistics.median(response_turns),
            "response_turn_p95_ms": percentile(response_turns, 0.95),
            "knowledge_turn_p50_ms": statistics.median(knowledge_turns),
            "knowledge_turn_p95_ms": percentile(knowledge_turns, 0.95),
            "turns_1_10_mean_ms": statistics.fmean(first),
            "turns_91_100_mean_ms": statistics.fmean(last),
            "concurrent_rps": len(results) / elapsed,
            "concurrent_p95_ms": percentile(results, 0.95),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "models").mkdir(exist_ok=True)
    results_file = OUT / "results.json"
    results: dict[str, Any] = json.loads(results_file.read_text()) if results_file.exists() else {}
    for arg in sys.argv[1:]:
        config = Path(arg)
        name = config.stem if config.name != "config.yml" else "lyt"
        previous = (
            results.get(name + TAG)
            or results.get(name)
            or next((row for key, row in results.items() if key.startswith(name + "+")), {})
        )
        row: dict[str, Any] = {"config": str(config)}
        reuse = SKIP_TRAIN and (OUT / "models" / f"{name}.tar.gz").exists() and "train_seconds" in previous
        row["train_seconds"] = previous["train_seconds"] if reuse else train(config, name)
        row["cv_macro_f1"] = previous.get("cv_macro_f1") if SKIP_CV else cross_validation_f1(config, name)
        row.update(holdout_scores(name))
        row.update(latency(name))
        row["endpoints"] = ENDPOINTS
        results[name + TAG] = row
        results_file.write_text(json.dumps(results, indent=1))
        print(name, json.dumps(row), flush=True)
    print_table(results)


def fmt(row: dict[str, Any], *keys: str, digits: int = 1) -> str:
    values = [row.get(key) for key in keys]
    return " / ".join("–" if value is None else f"{value:.{digits}f}" for value in values)


def print_table(results: dict[str, Any]) -> None:
    print(
        "| pipeline | tracker store | CV intent F1 | holdout F1 / acc | all turns p50 / p95 ms "
        "| Rasa-only turns p50 / p95 ms | action-server turns p50 / p95 ms | turns 1-10 / 91-100 mean ms "
        "| req/s, 8 clients | p95 ms, 8 clients | train s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        store = "RedisTrackerStore" if "plain" in str(r.get("endpoints")) else "BoundedRedisTrackerStore"
        print(
            f"| {name.split('+')[0]} | {store} | {fmt(r, 'cv_macro_f1', digits=3)} "
            f"| {fmt(r, 'holdout_macro_f1', 'holdout_accuracy', digits=3)} | {fmt(r, 'turn_p50_ms', 'turn_p95_ms')} "
            f"| {fmt(r, 'response_turn_p50_ms', 'response_turn_p95_ms')} "
            f"| {fmt(r, 'knowledge_turn_p50_ms', 'knowledge_turn_p95_ms')} "
            f"| {fmt(r, 'turns_1_10_mean_ms', 'turns_91_100_mean_ms')} | {fmt(r, 'concurrent_rps')} "
            f"| {fmt(r, 'concurrent_p95_ms')} | {fmt(r, 'train_seconds', digits=0)} |"
        )


if __name__ == "__main__":
    main()
