"""`lyt counsellor add NAME [--role counsellor|supervisor]`: password from stdin or a prompt."""

from __future__ import annotations

import asyncio
import sys
from enum import StrEnum

import typer

counsellor_app = typer.Typer(help="Manage counsellor accounts.", no_args_is_help=True)


class Role(StrEnum):
    counsellor = "counsellor"
    supervisor = "supervisor"


@counsellor_app.command("add")
def add(
    name: str = typer.Argument(..., help="Login name (letters, digits, . _ -)"),
    role: Role = typer.Option(Role.counsellor, "--role", help="counsellor or supervisor"),
) -> None:
    """Create or update an account. The password is read from stdin when piped, else prompted."""
    from api.services.accounts import AccountError, create_account
    from api.settings import get_settings

    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        asyncio.run(create_account(get_settings().redis_url, name, password, role.value))
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{role.value} {name!r} saved")
