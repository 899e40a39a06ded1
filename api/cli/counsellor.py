"""`lyt counsellor add|set|reset-password|disable|enable NAME`: manage counsellor accounts.

`--capacity N --urgent-capacity M` (on `add` and `set`) store the counsellor's own chat limits on the
account; claim.lua enforces them. `add` defaults to LYT_COUNSELLOR_CAPACITY / LYT_COUNSELLOR_URGENT_CAPACITY.

Passwords come from stdin when piped, else from a hidden prompt (never an argument: it would sit in the shell
history and the process list). `set` takes one option per attribute, so new ones (e.g. capacity) are added
as further options there. Disabling, resetting the password or changing the role voids the account's tokens
and closes its open sockets on every gateway at once.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from enum import StrEnum
from typing import Any

import typer

counsellor_app = typer.Typer(help="Manage counsellor accounts.", no_args_is_help=True)
NAME_ARGUMENT = typer.Argument(..., help="Login name (letters, digits, . _ -)")


class Role(StrEnum):
    counsellor = "counsellor"
    supervisor = "supervisor"


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


def _run(action: Coroutine[Any, Any, None], done: str) -> None:
    from api.services.accounts import AccountError

    try:
        asyncio.run(action)
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(done)


def _redis_url() -> str:
    from api.settings import get_settings

    return get_settings().redis_url


def _default_capacity() -> tuple[int, int]:
    """Today's settings: LYT_COUNSELLOR_CAPACITY and LYT_COUNSELLOR_URGENT_CAPACITY."""
    from api.settings import get_settings

    settings = get_settings()
    return settings.counsellor_capacity, settings.counsellor_urgent_capacity


CAPACITY_HELP = "chats this counsellor may hold at once (default: LYT_COUNSELLOR_CAPACITY)"
URGENT_CAPACITY_HELP = "urgent chats this counsellor may hold at once (default: LYT_COUNSELLOR_URGENT_CAPACITY)"


@counsellor_app.command("add")
def add(
    name: str = NAME_ARGUMENT,
    role: Role = typer.Option(Role.counsellor, "--role", help="counsellor or supervisor"),
    capacity: int | None = typer.Option(None, "--capacity", help=CAPACITY_HELP),
    urgent_capacity: int | None = typer.Option(None, "--urgent-capacity", help=URGENT_CAPACITY_HELP),
) -> None:
    """Create or update an account. The password is read from stdin when piped, else prompted."""
    from api.services.accounts import AccountError, create_account, validate_capacity

    default = _default_capacity()
    limits = (
        capacity if capacity is not None else default[0],
        urgent_capacity if urgent_capacity is not None else default[1],
    )
    try:
        validate_capacity(*limits)  # before the password prompt
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    password = _read_password()
    _run(
        create_account(_redis_url(), name, password, role.value, limits),
        f"{role.value} {name!r} saved (capacity {limits[0]}, urgent {limits[1]})",
    )


@counsellor_app.command("set")
def set_attributes(
    name: str = NAME_ARGUMENT,
    role: Role | None = typer.Option(None, "--role", help="counsellor or supervisor (voids the account's tokens)"),
    capacity: int | None = typer.Option(None, "--capacity", help="chats this counsellor may hold at once"),
    urgent_capacity: int | None = typer.Option(None, "--urgent-capacity", help="urgent chats they may hold at once"),
) -> None:
    """Change attributes of an existing account; only the options given change (capacity applies at once)."""
    from api.services.accounts import update_account

    _run(
        update_account(
            _redis_url(),
            name,
            role=role.value if role else None,
            capacity=capacity,
            urgent_capacity=urgent_capacity,
            default_capacity=_default_capacity(),
        ),
        f"{name!r} updated",
    )


@counsellor_app.command("reset-password")
def reset_password(name: str = NAME_ARGUMENT) -> None:
    """Set a new password (stdin or prompt); every token of the account stops working, its sockets close."""
    from api.services.accounts import update_account

    password = _read_password()
    _run(update_account(_redis_url(), name, password=password), f"password of {name!r} reset; old tokens void")


@counsellor_app.command("disable")
def disable(name: str = NAME_ARGUMENT) -> None:
    """Disable an account: no more logins; its tokens stop working and its open sockets close at once."""
    from api.services.accounts import update_account

    _run(update_account(_redis_url(), name, disabled=True), f"{name!r} disabled; its tokens and sockets are closed")


@counsellor_app.command("enable")
def enable(name: str = NAME_ARGUMENT) -> None:
    """Enable a disabled account again (it needs a new login; old tokens stay void)."""
    from api.services.accounts import update_account

    _run(update_account(_redis_url(), name, disabled=False), f"{name!r} enabled")
