"""The capacity simulation: policies behave as claimed, and planning answers the supervisor's question."""

from __future__ import annotations

from api.capacity.model import POLICIES, counsellors_needed, default_scenario, overload_factor, simulate


def test_at_three_times_overload_the_chosen_policy_reaches_urgent_fast_and_fifo_does_not() -> None:
    scenario = default_scenario()
    overloaded = scenario.scaled(3.0 / overload_factor(scenario))
    results = {policy: simulate(overloaded, policy, days=10) for policy in POLICIES}
    assert abs(results["fifo"].overload - 3.0) < 0.01
    assert results["fifo"].bands["urgent"].reached_within_5_min < 0.5
    assert results["reserved_stretch"].bands["urgent"].reached_within_5_min >= 0.94
    assert results["bands"].bands["urgent"].reached_within_5_min > results["fifo"].bands["urgent"].reached_within_5_min


def test_more_demand_never_needs_fewer_counsellors() -> None:
    light = counsellors_needed(default_scenario(), "reserved_stretch", list(range(18, 24)))
    heavy = counsellors_needed(default_scenario().scaled(6), "reserved_stretch", list(range(18, 24)))
    assert 1 <= light <= heavy
