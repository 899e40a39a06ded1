"""`lyt simulate`: compare queue policies under overload, and plan staffing for tonight."""

from __future__ import annotations

from pathlib import Path

import typer

from api.capacity.model import POLICIES, counsellors_needed, default_scenario
from api.capacity.report import compare_policies, markdown_table, plot

simulate_app = typer.Typer(help="Capacity simulation of the handoff queue (SimPy).")


@simulate_app.callback(invoke_without_command=True)
def simulate(
    ctx: typer.Context,
    overload: list[float] = typer.Option([1.0, 2.0, 3.0, 5.0], help="Demand as a multiple of counsellor capacity."),
    days: int = typer.Option(30, min=1, max=365, help="Simulated days per run."),
    plot_path: Path | None = typer.Option(None, "--plot", help="Write a PNG plot here."),
) -> None:
    """Compare fifo, bands, reserved, reserved_aging and reserved_stretch."""
    if ctx.invoked_subcommand:
        return
    results = compare_policies(default_scenario(), list(overload), days)
    typer.echo(markdown_table(results))
    if plot_path:
        plot(results, plot_path)
        typer.echo(f"plot: {plot_path}")


@simulate_app.command("plan")
def plan(
    start_hour: int = typer.Option(18, min=0, max=23),
    end_hour: int = typer.Option(24, min=1, max=24),
    demand: float = typer.Option(1.0, help="Expected demand tonight as a multiple of the default daily profile."),
    policy: str = typer.Option("reserved_stretch", help=", ".join(POLICIES)),
    target: float = typer.Option(0.94, min=0.5, max=1.0),
) -> None:
    """How many counsellors tonight for `target` of urgent chats within 5 minutes?"""
    scenario = default_scenario().scaled(demand)
    hours = list(range(start_hour, end_hour))
    needed = counsellors_needed(scenario, policy, hours, target)
    typer.echo(
        f"{needed} counsellors online {start_hour:02d}:00–{end_hour:02d}:00 reach {target:.0%} of urgent chats within 5 min ({policy})"
    )
