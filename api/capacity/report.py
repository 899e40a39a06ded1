"""Tables and plots for the capacity simulation."""

from __future__ import annotations

from pathlib import Path

from api.capacity.model import POLICIES, Result, Scenario, overload_factor, simulate


def compare_policies(scenario: Scenario, overloads: list[float], days: int = 30) -> list[Result]:
    base = overload_factor(scenario)
    return [simulate(scenario.scaled(target / base), policy, days) for target in overloads for policy in POLICIES]


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| overload | policy | urgent ≤5 min | urgent p50/p95 wait (min) | concern ≤5 min | other ≤5 min | abandoned (u/c/o) | utilisation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        u, c, o = r.bands["urgent"], r.bands["concern"], r.bands["other"]
        lines.append(
            f"| {r.overload:.1f}× | {r.policy} | {u.reached_within_5_min:.1%} | {u.p50_wait_minutes:.1f} / {u.p95_wait_minutes:.1f} "
            f"| {c.reached_within_5_min:.1%} | {o.reached_within_5_min:.1%} "
            f"| {u.abandoned:.0%} / {c.abandoned:.0%} / {o.abandoned:.0%} | {r.utilisation:.0%} |"
        )
    return "\n".join(lines)


def plot(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    overloads = sorted({round(r.overload, 1) for r in results})
    fig, ax = plt.subplots(figsize=(7, 4))
    for policy in POLICIES:
        ys = [
            next(
                r.bands["urgent"].reached_within_5_min
                for r in results
                if r.policy == policy and round(r.overload, 1) == o
            )
            for o in overloads
        ]
        ax.plot(overloads, ys, marker="o", label=policy)
    ax.axhline(0.94, color="grey", linestyle="--", label="94 % target")
    ax.set_xlabel("demand / counsellor capacity")
    ax.set_ylabel("urgent contacts reached within 5 min")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("Lyt queue policies under overload (SimPy)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
