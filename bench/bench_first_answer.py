"""The first answer after ready against a warm one (issue 13), through the stack `make run` starts.

    .venv/bin/python -m bench.bench_first_answer [--warm 20]

Starts `python -m api.launcher` (supervisord: action server, Rasa, gateway) on free ports against its own
redis-server, polls `/readyz` every 50 ms, and the moment it says "ready" sends the first Danish knowledge
question over HTTP, as the widget does (a new conversation, then the message). Then the same question in
`--warm` new conversations, one after another; the warm figure is their median. Only the message POST is
timed (the conversation is created just before it); each answer must carry an article card. Prints both
figures and their ratio; `make bench` puts them in docs/PERFORMANCE.md ("First answer after ready").
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from typing import Any

import httpx

from bench.procs import BENCH_TMP, UNLIMITED_RATE_ENV, Processes, base_env, free_port, start_redis_server
from tests.conftest import APP_PY, REPO

QUESTION = "hvordan kan jeg bruge min telefon mindre om aftenen"  # a general question: an article card
READY_TIMEOUT = 600.0


def ask(client: httpx.Client, base: str, text: str) -> tuple[float, bool]:
    """(seconds for the message POST, whether the answer carries an article card)."""
    created = client.post(f"{base}/api/v1/conversations", json={"lang": "da"})
    created.raise_for_status()
    conversation = created.json()
    started = time.perf_counter()
    response = client.post(
        f"{base}/api/v1/conversations/{conversation['conversation_id']}/messages",
        json={"text": text, "client_msg_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, any(event.get("article") for event in response.json()["events"])


def wait_ready(client: httpx.Client, base: str, started: float) -> float:
    """Seconds from launch until `/readyz` said "ready"."""
    while time.monotonic() - started < READY_TIMEOUT:
        try:
            if client.get(f"{base}/readyz", timeout=2.0).json().get("status") == "ready":
                return time.monotonic() - started
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"the stack was not ready after {READY_TIMEOUT:.0f} s")


def run(procs: Processes, warm: int = 20) -> dict[str, Any]:
    redis = start_redis_server(procs)
    port = free_port()
    env = base_env()
    env.update(
        REDIS_URL=redis.url,
        LYT_PORT=str(port),
        LYT_RASA_PORT=str(free_port()),
        LYT_ACTIONS_PORT=str(free_port()),
        LYT_RUN_DIR=str(BENCH_TMP / f"run-{port}"),
        LYT_ENV="test",
        **UNLIMITED_RATE_ENV,
    )
    for inherited in ("RASA_URL", "ACTION_SERVER_URL", "ACTION_ENDPOINT_URL"):
        env.pop(inherited, None)
    base = f"http://127.0.0.1:{port}"
    launched = time.monotonic()
    launcher = procs.spawn(f"launcher-{port}", [APP_PY, "-m", "api.launcher"], REPO, env)
    with httpx.Client(timeout=60.0) as client:
        ready_after = wait_ready(client, base, launched)
        first, first_article = ask(client, base, QUESTION)
        warm_runs = [ask(client, base, QUESTION) for _ in range(warm)]
    procs.stop(launcher)  # SIGTERM: supervisord stops every child
    procs.stop(redis.process)
    warm_seconds = [seconds for seconds, _ in warm_runs]
    warm_median = statistics.median(warm_seconds)
    return {
        "question": QUESTION,
        "ready_after_s": round(ready_after, 1),
        "first_ms": round(first * 1000, 1),
        "warm_median_ms": round(warm_median * 1000, 1),
        "warm_min_ms": round(min(warm_seconds) * 1000, 1),
        "warm_max_ms": round(max(warm_seconds) * 1000, 1),
        "warm_n": warm,
        "ratio": round(first / warm_median, 2),
        "articles": f"{int(first_article) + sum(article for _, article in warm_runs)}/{warm + 1}",
    }


def render(data: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| | ms |",
            "|---|---:|",
            f"| first Danish knowledge question, sent the moment `/readyz` said ready | {data['first_ms']} |",
            f"| the same question warm, median of {data['warm_n']} (min {data['warm_min_ms']}, max "
            f"{data['warm_max_ms']}) | {data['warm_median_ms']} |",
            f"| ratio first / warm | {data['ratio']}× |",
            "",
            f"Stack ready {data['ready_after_s']} s after launch; answers with an article card: {data['articles']}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=20, help="warm questions (the median is reported)")
    args = parser.parse_args()
    with Processes() as procs:
        data = run(procs, args.warm)
    print(render(data))
    print(json.dumps(data))


if __name__ == "__main__":
    main()
