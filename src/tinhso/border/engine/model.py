"""Domain model of the border engine: gates, lanes, capacity notices, trucks, scenarios.

Time is measured in hours (floats) since ``Scenario.start``; a slot is one clock hour,
identified by its integer start hour. Capacity is given per *lane*: a gate has an
outbound lane (export and transit, towards China) and an inbound lane (import), each
with its own hourly capacity that gate notices can change over time (a closure, a
slowdown on the Chinese side, a daily quota).

Nothing here imports Django: the border app maps its rows to these dataclasses.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

HOURS_PER_DAY = 24


class Direction(enum.StrEnum):
    EXPORT = "export"
    IMPORT = "import"
    TRANSIT = "transit"


class Lane(enum.StrEnum):
    OUT = "out"  # export and transit (tạm nhập tái xuất) towards China
    IN = "in"  # import into Viet Nam


def lane_of(direction: Direction) -> Lane:
    """The gate lane a truck of this direction uses."""
    return Lane.IN if direction == Direction.IMPORT else Lane.OUT


def lane_key(gate: str, lane: Lane | str) -> str:
    return f"{gate}:{Lane(lane).value}"


@dataclass(frozen=True, slots=True)
class GoodsCategory:
    code: str
    name_vi: str
    perishable: bool
    shelf_life_hours: float | None = None  # from loading, for perishable goods


@dataclass(frozen=True, slots=True)
class Gate:
    """A border gate with a yard in front of it.

    ``daily_capacity`` is the normal number of trucks per day per lane; the gate
    clears them evenly over its opening hours ``[open_from, open_to)`` (local time).
    """

    code: str
    name: str
    daily_capacity: dict[Lane, float]
    yard_capacity: int
    open_from: int = 7
    open_to: int = 22

    @property
    def open_hours(self) -> int:
        return self.open_to - self.open_from


@dataclass(frozen=True, slots=True)
class GateNotice:
    """A change of capacity on a gate (thông báo của cửa khẩu).

    Applies to hours ``[start, end)`` of lane ``lane`` (both lanes when ``None``).
    Either multiplies the capacity by ``factor`` (0 = closure, 0.5 = slowdown on the
    other side) or replaces it by ``daily_capacity`` trucks per day (a quota).
    ``announced_at`` is when the platform learns it (``-inf``: known in advance).
    Quotas are applied in order of announcement, so a later quota overrides; of the
    factors in force, the smallest applies (they never compound).
    """

    gate: str
    start: float
    end: float
    factor: float | None = None
    daily_capacity: float | None = None
    lane: Lane | None = None
    announced_at: float = -math.inf
    reason: str = ""

    def __post_init__(self) -> None:
        if (self.factor is None) == (self.daily_capacity is None):
            raise ValueError("a notice sets exactly one of factor or daily_capacity")
        if self.end <= self.start:
            raise ValueError("a notice must end after it starts")


@dataclass(frozen=True, slots=True)
class Truck:
    id: int
    gate: str
    direction: Direction
    goods: str
    perishable: bool
    shelf_life_hours: float | None
    loaded_at: float  # goods start ageing; the truck asks for a slot at this time
    wants_arrival_at: float  # earliest it can be at the border (loaded_at + travel)

    @property
    def lane(self) -> str:
        return lane_key(self.gate, lane_of(self.direction))

    @property
    def deadline(self) -> float:
        """Time after which a perishable load is spoiled (``inf`` otherwise)."""
        if not self.perishable or self.shelf_life_hours is None:
            return math.inf
        return self.loaded_at + self.shelf_life_hours


@dataclass(slots=True)
class Scenario:
    name: str
    seed: int
    start: datetime
    hours: int
    gates: list[Gate]
    trucks: list[Truck]
    notices: list[GateNotice] = field(default_factory=list)
    description: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def lanes(self) -> list[str]:
        return [lane_key(g.code, lane) for g in self.gates for lane in g.daily_capacity]

    def gate(self, code: str) -> Gate:
        for g in self.gates:
            if g.code == code:
                return g
        raise KeyError(code)

    def at(self, hour: float) -> datetime:
        return self.start + timedelta(hours=hour)

    def hourly_capacity(
        self, lane: str, hours: int | None = None, known_at: float = math.inf
    ) -> np.ndarray:
        """Integer capacity of each hour slot of ``lane`` for ``hours`` hours.

        Only notices announced at or before ``known_at`` are applied (the booking
        platform's view at that time); the default applies all (what really happens).
        """
        gate_code, lane_value = lane.split(":")
        gate = self.gate(gate_code)
        notices = [
            n
            for n in self.notices
            if n.gate == gate_code
            and (n.lane is None or n.lane.value == lane_value)
            and n.announced_at <= known_at
        ]
        return hourly_capacity(
            gate, Lane(lane_value), hours if hours is not None else self.hours, notices
        )


def hourly_capacity(
    gate: Gate, lane: Lane, hours: int, notices: Iterable[GateNotice] = ()
) -> np.ndarray:
    """Integer capacity per hour slot: the day's fractional rates, rounded cumulatively
    within each calendar day so a day's total is kept (a 85-truck quota over 15 open
    hours gives slots of 5 and 6)."""
    n_days = math.ceil(hours / HOURS_PER_DAY)
    hod = np.arange(n_days * HOURS_PER_DAY) % HOURS_PER_DAY
    is_open = (hod >= gate.open_from) & (hod < gate.open_to)
    per_open_hour = 1.0 / gate.open_hours
    rate = np.where(is_open, gate.daily_capacity.get(lane, 0.0) * per_open_hour, 0.0)
    t = np.arange(n_days * HOURS_PER_DAY)
    # Factor notices do not compound: the most restrictive in force decides, as
    # `slots.capacity_in_force` rules for bookings.
    factor = np.ones_like(rate)
    for n in sorted(notices, key=lambda n: n.announced_at):
        mask = (t >= n.start) & (t < n.end)
        if n.factor is not None:
            factor[mask] = np.minimum(factor[mask], n.factor)
        else:
            rate[mask & is_open] = n.daily_capacity * per_open_hour
    rate *= factor
    daily = rate.reshape(n_days, HOURS_PER_DAY)
    cum = np.floor(np.cumsum(daily, axis=1) + 0.5 - 1e-9)
    caps = np.diff(cum, axis=1, prepend=0.0).astype(np.int64).ravel()
    return caps[:hours]


def hours_to_slots(values: Sequence[float]) -> np.ndarray:
    return np.floor(np.asarray(values, dtype=float)).astype(np.int64)
