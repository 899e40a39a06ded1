"""`lyt bot train`: train the Rasa model only when config.yml or bot/ changed (cached by hash)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import typer

from api.settings import REPO_ROOT

bot_app = typer.Typer(help="The Rasa bot.", no_args_is_help=True)
RASA = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL_DIR = REPO_ROOT / "var" / "models"
MODEL_NAME = "lyt"


def training_inputs_hash() -> str:
    digest = hashlib.sha256()
    files = [REPO_ROOT / "config.yml", *sorted(p for p in (REPO_ROOT / "bot").rglob("*") if p.is_file())]
    for path in files:
        parts = path.relative_to(REPO_ROOT).parts
        if {"tests", "eval", "__pycache__"} & set(parts) or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path() -> Path:
    return MODEL_DIR / f"{MODEL_NAME}.tar.gz"


@bot_app.command("train")
def train(force: bool = typer.Option(False, help="Train even when nothing changed.")) -> None:
    """Train the Rasa model if config.yml or bot/ changed since the last training."""
    stamp = MODEL_DIR / "inputs.sha256"
    current = training_inputs_hash()
    if not force and model_path().exists() and stamp.exists() and stamp.read_text().strip() == current:
        typer.echo(f"model up to date ({model_path().relative_to(REPO_ROOT)})")
        return
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        str(RASA),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "--out",
        str(MODEL_DIR),
        "--fixed-model-name",
        MODEL_NAME,
    ]
    typer.echo("training the Rasa model ...")
    result = subprocess.run(command, cwd=REPO_ROOT, check=False)
    if result.returncode != 0:
        raise typer.Exit(result.returncode)
    stamp.write_text(current + "\n")
    typer.echo(f"model trained: {model_path().relative_to(REPO_ROOT)}")


@bot_app.command("hash")
def show_hash() -> None:
    """Print the hash of the training inputs."""
    typer.echo(training_inputs_hash())
