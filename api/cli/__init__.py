"""The `lyt` command line: knowledge base, triage, counsellors, bot training, simulation."""

from __future__ import annotations

import sys

import typer

from api.cli.bot import bot_app
from api.cli.counsellor import counsellor_app

app = typer.Typer(help="Lyt: anonymous chat for young people.", no_args_is_help=True, add_completion=False)
app.add_typer(counsellor_app, name="counsellor")
app.add_typer(bot_app, name="bot")


def _not_yet(name: str) -> typer.Typer:
    stub = typer.Typer(help=f"{name} (not yet available)")

    @stub.callback(invoke_without_command=True)
    def unavailable() -> None:
        typer.echo(f"lyt {name}: not yet available", err=True)
        raise typer.Exit(2)

    return stub


def _mount_optional(module: str, attribute: str, name: str) -> None:
    try:
        sub = getattr(__import__(module, fromlist=[attribute]), attribute)
    except (ImportError, AttributeError):
        sub = _not_yet(name)
    app.add_typer(sub, name=name)


_mount_optional("knowledge.search.cli", "kb_app", "kb")
_mount_optional("knowledge.triage.cli", "triage_app", "triage")
_mount_optional("api.capacity.cli", "simulate_app", "simulate")


def main() -> None:
    app(args=sys.argv[1:])
