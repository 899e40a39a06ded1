"""The baseline: a stock `rasa init --no-prompt` deployment, generated and trained outside the repository.

The project is created once under <tmp>/lyt-bench/stock-rasa-<version>/ (default config.yml, default
pipeline and policies, trained by `rasa init` itself) and reused by later runs. It runs with the same
Redis server as Lyt — tracker store prefix "stock", lock store prefix "stocklock", the same record
expiry — and its own action server, and is driven through its REST webhook.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.procs import BENCH_TMP, CONVERSATION_TTL, LOG_DIR, Processes, RasaHandle, base_env, free_port
from tests.conftest import RASA_BIN, wait_http

RASA_VERSION = "3.6.21"
STOCK_DIR = BENCH_TMP / f"stock-rasa-{RASA_VERSION}"
INIT_TIMEOUT_SECONDS = 3600


def stock_model(project: Path = STOCK_DIR) -> Path | None:
    models = sorted((project / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def ensure_stock_project(project: Path = STOCK_DIR) -> Path:
    """Create and train the stock project unless a trained one is already there; returns the model."""
    model = stock_model(project)
    if model is not None:
        return model
    project.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    print(f"stock rasa: `rasa init --no-prompt` into {project} (trains the default model; a few minutes)")
    with open(LOG_DIR / "stock-rasa-init.log", "ab") as log:
        subprocess.run(
            [RASA_BIN, "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            env=base_env(repo_on_path=False),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=INIT_TIMEOUT_SECONDS,
            check=True,
        )
    model = stock_model(project)
    if model is None:
        raise RuntimeError(f"rasa init produced no model in {project}/models")
    return model


def write_endpoints(project: Path, redis_port: int, actions_port: int) -> Path:
    redis = f"  url: 127.0.0.1\n  port: {redis_port}\n  db: 0\n"
    path = project / "endpoints-bench.yml"
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: redis\n{redis}  key_prefix: stock\n  record_exp: {CONVERSATION_TTL}\n"
        f"lock_store:\n  type: redis\n{redis}  key_prefix: stocklock\n"
    )
    return path


def start_stock_rasa(procs: Processes, redis_port: int, project: Path = STOCK_DIR, workers: int = 1) -> RasaHandle:
    """The stock deployment: one Rasa process, as `rasa run` starts it (`workers` > 1 sets SANIC_WORKERS)."""
    model = ensure_stock_project(project)
    actions_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(project, redis_port, actions_port)
    env = base_env(repo_on_path=False)  # its own `actions` package, not Lyt's
    if workers > 1:
        env["SANIC_WORKERS"] = str(workers)
    actions = procs.spawn(
        f"stock-actions-{actions_port}",
        [RASA_BIN, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        project,
        env,
    )
    args = [RASA_BIN, "run", "--enable-api", "--model", str(model), "--endpoints", str(endpoints)]
    args += ["--credentials", "credentials.yml", "--port", str(rasa_port), "--interface", "127.0.0.1"]
    rasa = procs.spawn(f"stock-rasa-{rasa_port}", args, project, env)
    actions_url, rasa_url = f"http://127.0.0.1:{actions_port}", f"http://127.0.0.1:{rasa_port}"
    wait_http(actions_url + "/health", timeout=180, process=actions)
    wait_http(rasa_url + "/status", timeout=300, process=rasa)
    return RasaHandle([rasa_url], actions_url, [actions, rasa], "redis")
