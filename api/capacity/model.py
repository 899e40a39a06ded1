"""A discrete-event model of Lyt's handoff service.

Young people arrive per hour and risk band (a daily profile), wait in a queue ordered by the policy,
may give up (patience per band), and are served by counsellors who are online per hour, each with a
number of chat slots. Chat durations are lognormal (default mean 42 minutes).

Policies:
  fifo            one queue in arrival order
  bands           urgent, then concern, then other; FIFO inside a band (what the real queue does)
  reserved        bands, and each counsellor keeps one slot that only an urgent chat may take
  reserved_aging  reserved, and a concern chat waiting over `aging_minutes` is served as urgent-band
                  (but not in the reserved slot), so concern does not starve under overload
  reserved_stretch  reserved, and when no slot is free an urgent chat may be taken as one extra chat
                  (capacity + 1) by a counsellor who holds at most one other urgent chat: urgent never waits for
                  a 42-minute chat to end
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy

BANDS = (0, 1, 2)
BAND_NAMES = {0: "urgent", 1: "concern", 2: "other"}
POLICIES = ("fifo", "bands", "reserved", "reserved_aging", "reserved_stretch")


@dataclass
class Scenario:
    arrivals_per_hour: dict[int, list[float]]  # band -> 24 hourly rates
    counsellors_per_hour: list[int]  # 24 values
    capacity: int = 3
    mean_chat_minutes: float = 42.0
    chat_sigma: float = 0.5
    patience_minutes: dict[int, float] = field(default_factory=lambda: {0: 20.0, 1: 30.0, 2: 30.0})
    aging_minutes: float = 15.0
    hours: int = 24
    warmup_hours: int = 2
    seed: int = 7

    def scaled(self, factor: float) -> Scenario:
        rates = {band: [r * factor for r in row] for band, row in self.arrivals_per_hour.items()}
        return Scenario(
            rates,
            self.counsellors_per_hour,
            self.capacity,
            self.mean_chat_minutes,
            self.chat_sigma,
            self.patience_minutes,
            self.aging_minutes,
            self.hours,
            self.warmup_hours,
            self.seed,
        )

    def with_counsellors(self, counsellors: list[int]) -> Scenario:
        return Scenario(
            self.arrivals_per_hour,
            counsellors,
            self.capacity,
            self.mean_chat_minutes,
            self.chat_sigma,
            self.patience_minutes,
            self.aging_minutes,
            self.hours,
            self.warmup_hours,
            self.seed,
        )


def default_scenario() -> Scenario:
    """An evening-heavy day: 6 % urgent, 19 % concern, 75 % other; at least 2 counsellors every hour."""
    shape = [2, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1.5, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 6, 4]
    total = sum(shape)
    per_day = 120.0
    rates = {
        0: [per_day * 0.06 * s / total for s in shape],
        1: [per_day * 0.19 * s / total for s in shape],
        2: [per_day * 0.75 * s / total for s in shape],
    }
    counsellors = [3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5, 4, 4]
    return Scenario(rates, counsellors)


def service_rate_per_hour(scenario: Scenario) -> float:
    """Chats the online counsellors can finish in a day, per hour on average."""
    slots = sum(scenario.counsellors_per_hour) * scenario.capacity / 24
    return slots * 60 / scenario.mean_chat_minutes


def overload_factor(scenario: Scenario) -> float:
    arrivals = sum(sum(row) for row in scenario.arrivals_per_hour.values()) / 24
    return arrivals / max(1e-9, service_rate_per_hour(scenario))


@dataclass
class Contact:
    band: int
    arrived: float
    served_at: float | None = None
    abandoned: bool = False
    patience: float = 0.0


@dataclass
class Counsellor:
    busy: int = 0
    busy_urgent_slot: bool = False
    urgent_held: int = 0
    online: bool = False
    busy_minutes: float = 0.0


class Service:
    def __init__(self, env: simpy.Environment, scenario: Scenario, policy: str, seed: int) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose from {', '.join(POLICIES)}")
        self.env, self.scenario, self.policy = env, scenario, policy
        # Separate random streams, so every policy sees the same arrivals, durations and patience.
        self.arrival_rng = {band: random.Random(seed * 10 + band) for band in BANDS}
        self.duration_rng = random.Random(seed * 10 + 5)
        self.patience_rng = random.Random(seed * 10 + 6)
        self.waiting: list[Contact] = []
        self.contacts: list[Contact] = []
        self.staff = [Counsellor() for _ in range(max(scenario.counsellors_per_hour) or 1)]
        self.slot_minutes_online = 0.0

    def effective_band(self, contact: Contact) -> int:
        if self.policy == "fifo":
            return 0
        if (
            self.policy == "reserved_aging"
            and contact.band == 1
            and self.env.now - contact.arrived >= self.scenario.aging_minutes
        ):
            return 0
        return contact.band

    def pick_slot(self, contact: Contact) -> tuple[Counsellor, bool] | None:
        """A counsellor with a free slot for this contact; bool = uses the reserved urgent slot."""
        reserved = self.policy in ("reserved", "reserved_aging", "reserved_stretch")
        normal_slots = self.scenario.capacity - 1 if reserved else self.scenario.capacity
        best: tuple[Counsellor, bool] | None = None
        for person in self.staff:
            if not person.online:
                continue
            normal_busy = person.busy - (1 if person.busy_urgent_slot else 0)
            if normal_busy < normal_slots:
                if best is None or person.busy < best[0].busy:
                    best = (person, False)
            elif reserved and contact.band == 0 and not person.busy_urgent_slot and best is None:
                best = (person, True)
        if best is None and self.policy == "reserved_stretch" and contact.band == 0:
            for person in self.staff:
                if person.online and person.busy <= self.scenario.capacity and person.urgent_held <= 1:
                    return person, False
        return best

    def dispatch(self) -> None:
        self.waiting.sort(key=lambda c: (self.effective_band(c), c.arrived))
        for contact in list(self.waiting):
            slot = self.pick_slot(contact)
            if slot is None:
                continue
            self.waiting.remove(contact)
            contact.served_at = self.env.now
            person, urgent_slot = slot
            person.busy += 1  # taken now, before the next contact looks for a slot
            person.busy_urgent_slot = person.busy_urgent_slot or urgent_slot
            person.urgent_held += contact.band == 0
            self.env.process(self.chat(person, urgent_slot, contact.band == 0))

    def chat(self, person: Counsellor, urgent_slot: bool, urgent: bool) -> Generator[simpy.Event, None, None]:
        mu = math.log(self.scenario.mean_chat_minutes) - self.scenario.chat_sigma**2 / 2
        duration = self.duration_rng.lognormvariate(mu, self.scenario.chat_sigma)
        yield self.env.timeout(duration)
        person.busy -= 1
        person.urgent_held -= urgent
        person.busy_minutes += duration
        if urgent_slot:
            person.busy_urgent_slot = False
        self.dispatch()

    def arrivals(self, band: int) -> Generator[simpy.Event, None, None]:
        while True:
            hour = int(self.env.now // 60) % 24
            rate = self.scenario.arrivals_per_hour[band][hour] / 60
            if rate <= 0:
                yield self.env.timeout(60 - self.env.now % 60)
                continue
            yield self.env.timeout(self.arrival_rng[band].expovariate(rate))
            contact = Contact(band, self.env.now)
            contact.patience = self.patience_rng.expovariate(1 / self.scenario.patience_minutes[band])
            self.contacts.append(contact)
            self.waiting.append(contact)
            self.env.process(self.patience(contact))
            self.dispatch()

    def patience(self, contact: Contact) -> Generator[simpy.Event, None, None]:
        yield self.env.timeout(contact.patience)
        if contact.served_at is None and contact in self.waiting:
            self.waiting.remove(contact)
            contact.abandoned = True

    def shifts(self) -> Generator[simpy.Event, None, None]:
        while True:
            hour = int(self.env.now // 60) % 24
            online = self.scenario.counsellors_per_hour[hour]
            for index, person in enumerate(self.staff):
                person.online = index < online
            self.slot_minutes_online += online * self.scenario.capacity * 60
            self.dispatch()
            yield self.env.timeout(60)


@dataclass
class BandResult:
    contacts: int
    reached_within_5_min: float
    p50_wait_minutes: float
    p95_wait_minutes: float
    abandoned: float


@dataclass
class Result:
    policy: str
    overload: float
    bands: dict[str, BandResult]
    utilisation: float


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def simulate(scenario: Scenario, policy: str, days: int = 30) -> Result:
    import simpy  # here, not at import: the gateway loads this module, and simulates only when asked

    env = simpy.Environment()
    service = Service(env, scenario, policy, scenario.seed)
    env.process(service.shifts())
    for band in BANDS:
        env.process(service.arrivals(band))
    env.run(until=days * 24 * 60)
    horizon = scenario.warmup_hours * 60
    measured = [c for c in service.contacts if c.arrived >= horizon and c.arrived < days * 24 * 60 - 120]
    bands: dict[str, BandResult] = {}
    for band in BANDS:
        group = [c for c in measured if c.band == band]
        # A contact who gave up counts as a wait until they left (and as not reached).
        waits = [(c.served_at - c.arrived) for c in group if c.served_at is not None]
        reached = sum(1 for c in group if c.served_at is not None and c.served_at - c.arrived <= 5)
        bands[BAND_NAMES[band]] = BandResult(
            contacts=len(group),
            reached_within_5_min=reached / len(group) if group else 1.0,
            p50_wait_minutes=_percentile(waits, 0.5),
            p95_wait_minutes=_percentile(waits, 0.95),
            abandoned=sum(c.abandoned for c in group) / len(group) if group else 0.0,
        )
    busy = sum(p.busy_minutes for p in service.staff)
    utilisation = busy / service.slot_minutes_online if service.slot_minutes_online else 0.0
    return Result(policy, overload_factor(scenario), bands, min(1.0, utilisation))


def counsellors_needed(scenario: Scenario, policy: str, hours: list[int], target: float = 0.94, limit: int = 40) -> int:
    """Fewest counsellors online during `hours` so that `target` of urgent contacts are reached within 5 minutes."""
    for count in range(1, limit + 1):
        staffed = [count if h in hours else n for h, n in enumerate(scenario.counsellors_per_hour)]
        if simulate(scenario.with_counsellors(staffed), policy, days=10).bands["urgent"].reached_within_5_min >= target:
            return count
    return limit
