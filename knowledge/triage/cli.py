"""`lyt triage`: judge JSON lines from stdin, or evaluate (the lead mounts `triage_app`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

triage_app = typer.Typer(help="Risk triage of youth messages.", add_completion=False)


def _load() -> Any:
    from knowledge.triage.judge import Triage

    return Triage.load()


@triage_app.callback(invoke_without_command=True)
def triage_main(
    ctx: typer.Context,
    jsonl: bool = typer.Option(False, "--jsonl", help='Read {"id","text"} lines on stdin, write verdicts.'),
) -> None:
    """Judge stdin lines {"id", "text"}, each as the first message of a new conversation."""
    if ctx.invoked_subcommand is not None:
        return
    if not jsonl:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    triage = _load()
    batch: list[tuple[str, str]] = []
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            batch.append((str(row.get("id", "")), str(row.get("text", ""))))
        except (ValueError, AttributeError):
            typer.echo(f"skipping a line that is not a JSON object ({len(line)} chars)", err=True)
            continue
        if len(batch) >= 256:
            _write(triage, batch)
            batch = []
    _write(triage, batch)


def _write(triage: Any, batch: list[tuple[str, str]]) -> None:
    if not batch:
        return
    results = triage.judge_many([text for _, text in batch])
    for (message_id, _), result in zip(batch, results, strict=True):
        out = {"id": message_id, "level": result.level, "score": result.score, "reasons": result.reasons}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@triage_app.command("build")
def build() -> None:
    """Merge the tuned encoder, train the classifier and the semantic head, or load them from the cache, so the
    gateway starts fast."""
    import time

    from knowledge.triage import tuned_encoder

    started = time.perf_counter()
    if tuned_encoder.enabled():
        tuned_encoder.ensure_tuned_folder()  # merged, exported and quantised once (torch is needed only here)
    _load()
    typer.echo(f"triage ready ({time.perf_counter() - started:.1f} s)")


@triage_app.command("eval")
def evaluate(
    external: bool = typer.Option(False, "--external", help="Also measure ../shared/eval/external/*.jsonl."),
    dev_set: Path | None = typer.Option(None, "--dev-set", help="Dev set (default tests/data/triage_dev.jsonl)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
) -> None:
    """Recall and precision per level, the confusion matrix and urgent-judged-none ids."""
    from knowledge.triage import evaluation, paths

    triage = _load()
    path = dev_set or paths.dev_set_path()
    report = evaluation.dev_report(triage, evaluation.read_dev_set(path))
    externals = []
    if external:
        files = evaluation.external_files(paths.external_dir())
        if not files:
            typer.echo(f"no external files under {paths.external_dir()}", err=True)
        externals = [evaluation.external_report(triage, f) for f in files]
    if as_json:
        out = {"dev": report.as_dict(), "external": [e.as_dict() for e in externals]}
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        for line in evaluation.format_dev(report):
            typer.echo(line)
        for ext in externals:
            for line in evaluation.format_external(ext):
                typer.echo(line)
    failed = report.urgent_as_none or not all(e.met for e in externals)
    raise typer.Exit(1 if failed else 0)
