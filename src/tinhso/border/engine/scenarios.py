"""Scenarios for the Lạng Sơn border gates, calibrated on published figures.

Every scenario is built from a seed with its own ``numpy.random.Generator`` (no
global random state), so ``build_scenario(name, seed)`` always gives the same trucks.

Published figures used (collected in ``/work/shared/DESIGN.md``, from the Lạng Sơn
People's Committee and the border-gate management board as reported by the press):

* 2025 daily averages: Hữu Nghị ~870 trucks/day (≈262 export, ≈608 import),
  Tân Thanh ~583, Chi Ma ~230, Cốc Nam ~76; province peak ~1,900/day.
* Winter 2021–22: 4,550 trucks queued in mid-December 2021, some for 10+ days; only
  70–100 a day cleared at Hữu Nghị and 20–30 at Chi Ma while 160–180 a day kept
  arriving, most of them with fresh fruit.

Assumptions (not published; chosen to be plausible and stated so they can be argued):

* Direction split at Tân Thanh 60 % export / 40 % import, Chi Ma and Cốc Nam 50/50;
  5 % of outbound trucks are in transit (tạm nhập tái xuất).
* Gates clear evenly over 07:00–22:00 and their normal capacity is the 2025 average
  plus 15 % headroom (a gate that clears its average day without a standing queue).
* Yard capacity (trucks): Hữu Nghị 600, Tân Thanh 800, Chi Ma 300, Cốc Nam 100.
* Trucks aim to reach the border early morning and through the working day
  (``ARRIVAL_PROFILE``); many come overnight to be first at opening.
* Fresh fruit is loaded in the South (2–3 days' drive: 36–60 h), other export goods
  4–30 h away, imports 2–12 h on the Chinese side. Shelf life from loading: jackfruit
  and mango 7 days, watermelon and banana 10, dragon fruit 14; imported vegetables
  5, apples 21.
* Perishable share: 40 % of outbound trucks on a normal day, 70 % in the harvest
  peak, 85 % in winter 2021 ("most of them fresh fruit"); 10 % of imports.
* Winter 2021: Tân Thanh, for which no figure is quoted, is given 40–70 trucks a
  day; the other gates' daily clearance is drawn uniformly in the published range
  and announced the day before (the Chinese side set daily quotas), while the
  platform plans with the low end of each range. Arrivals of 490 a day over
  1–14 December (the rush before the province's letter asking other provinces to
  stop sending trucks) build the published mid-December backlog under walk-in;
  afterwards 160–180 a day keep arriving. Only outbound lanes are modelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from .model import (
    HOURS_PER_DAY,
    Direction,
    Gate,
    GateNotice,
    GoodsCategory,
    Lane,
    Scenario,
    Truck,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAPACITY_HEADROOM = 1.15

GOODS: dict[str, GoodsCategory] = {
    g.code: g
    for g in [
        GoodsCategory("dragon_fruit", "Thanh long", True, 14 * 24),
        GoodsCategory("jackfruit", "Mít", True, 7 * 24),
        GoodsCategory("watermelon", "Dưa hấu", True, 10 * 24),
        GoodsCategory("banana", "Chuối", True, 10 * 24),
        GoodsCategory("mango", "Xoài", True, 7 * 24),
        GoodsCategory("vegetables", "Rau củ", True, 5 * 24),
        GoodsCategory("apples", "Táo", True, 21 * 24),
        GoodsCategory("cassava", "Sắn lát, nông sản khô", False),
        GoodsCategory("manufactured", "Hàng công nghiệp", False),
        GoodsCategory("materials", "Nguyên vật liệu, máy móc", False),
    ]
}
EXPORT_FRESH = (("dragon_fruit", 0.4), ("jackfruit", 0.2), ("watermelon", 0.15),
                ("banana", 0.15), ("mango", 0.1))
EXPORT_DRY = (("cassava", 0.4), ("manufactured", 0.6))
IMPORT_FRESH = (("vegetables", 0.6), ("apples", 0.4))
IMPORT_DRY = (("materials", 0.6), ("manufactured", 0.4))

# Share of trucks wanting to reach the border in each hour of the day (local time).
ARRIVAL_PROFILE = np.array(
    [2, 2, 2, 2, 2, 5, 5, 7, 7, 7, 7, 5, 5, 6, 6, 6, 6, 4, 4, 4, 2.5, 2.5, 2.5, 2.5]
)
ARRIVAL_PROFILE = ARRIVAL_PROFILE / ARRIVAL_PROFILE.sum()

# 2025 averages (trucks/day) per gate and lane; see the module docstring.
DEMAND_2025: dict[str, dict[Lane, float]] = {
    "HN": {Lane.OUT: 262, Lane.IN: 608},
    "TT": {Lane.OUT: 583 * 0.6, Lane.IN: 583 * 0.4},
    "CM": {Lane.OUT: 115, Lane.IN: 115},
    "CN": {Lane.OUT: 38, Lane.IN: 38},
}
GATE_NAMES = {"HN": "Hữu Nghị", "TT": "Tân Thanh", "CM": "Chi Ma", "CN": "Cốc Nam"}
YARDS = {"HN": 600, "TT": 800, "CM": 300, "CN": 100}
TRANSIT_SHARE = 0.05

SCENARIOS = ("normal-day", "harvest-peak", "winter-2021")
SOURCES = [
    "Lạng Sơn border-gate management board, 2025 traffic averages (DESIGN.md)",
    "Lạng Sơn People's Committee reports on the Dec 2021 – Feb 2022 congestion, as "
    "quoted in the national press (DESIGN.md)",
]


def _gates(capacity_mult: float, lanes_only: Lane | None = None, codes=None) -> list[Gate]:
    gates = []
    for code, demand in DEMAND_2025.items():
        if codes is not None and code not in codes:
            continue
        caps = {
            lane: d * CAPACITY_HEADROOM * capacity_mult
            for lane, d in demand.items()
            if lanes_only is None or lane == lanes_only
        }
        gates.append(Gate(code, GATE_NAMES[code], caps, YARDS[code]))
    return gates


class _TruckMaker:
    """Generates trucks lane by lane and day by day from one Generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[tuple] = []

    def add(self, gate: str, lane: Lane, day: int, count: int, perishable_share: float) -> None:
        rng = self.rng
        if count <= 0:
            return
        hour = rng.choice(HOURS_PER_DAY, size=count, p=ARRIVAL_PROFILE)
        wants = day * HOURS_PER_DAY + hour + rng.random(count)
        perishable = rng.random(count) < perishable_share
        transit = rng.random(count) < TRANSIT_SHARE
        u_goods = rng.random(count)
        u_travel = rng.random(count)
        for i in range(count):
            if lane == Lane.IN:
                direction = Direction.IMPORT
                table = IMPORT_FRESH if perishable[i] else IMPORT_DRY
                travel = 2 + 10 * u_travel[i]
            else:
                direction = Direction.TRANSIT if transit[i] else Direction.EXPORT
                table = EXPORT_FRESH if perishable[i] else EXPORT_DRY
                travel = (36 + 24 * u_travel[i]) if perishable[i] else (4 + 26 * u_travel[i])
            acc = 0.0
            code = table[-1][0]
            for c, share in table:
                acc += share
                if u_goods[i] < acc:
                    code = c
                    break
            self.rows.append((float(wants[i]), gate, direction, code, float(travel)))

    def trucks(self) -> list[Truck]:
        self.rows.sort(key=lambda r: (r[0], r[1]))
        out = []
        for i, (wants, gate, direction, code, travel) in enumerate(self.rows):
            goods = GOODS[code]
            out.append(
                Truck(i, gate, direction, code, goods.perishable, goods.shelf_life_hours,
                      round(wants - travel, 4), round(wants, 4))
            )
        return out


def normal_day(seed: int, days: int = 30, scale: float = 1.0, capacity_mult: float = 1.0,
               ) -> Scenario:
    rng = np.random.default_rng([seed, 1])
    gates = _gates(scale * capacity_mult)
    maker = _TruckMaker(rng)
    for day in range(days):
        for gate, demand in DEMAND_2025.items():
            for lane, mean in demand.items():
                share = 0.4 if lane == Lane.OUT else 0.1
                maker.add(gate, lane, day, int(rng.poisson(mean * scale)), share)
    return Scenario(
        "normal-day", seed, datetime(2025, 10, 6, tzinfo=TZ), days * HOURS_PER_DAY, gates,
        maker.trucks(),
        description="A normal month at the four main gates, 2025 daily averages "
        "(Poisson day to day) with a realistic arrival profile.",
        sources=SOURCES,
    )


def harvest_peak(seed: int, days: int = 28, scale: float = 1.0, capacity_mult: float = 1.0,
                 ) -> Scenario:
    rng = np.random.default_rng([seed, 2])
    gates = _gates(scale * capacity_mult)
    maker = _TruckMaker(rng)
    peak_days = 14
    for day in range(days):
        for gate, demand in DEMAND_2025.items():
            for lane, mean in demand.items():
                if lane == Lane.OUT and day < peak_days:
                    # arrivals 30 % above the (normal) capacity of the outbound lane
                    mean_day, share = mean * CAPACITY_HEADROOM * 1.3, 0.7
                else:
                    mean_day, share = mean, 0.4 if lane == Lane.OUT else 0.1
                maker.add(gate, lane, day, int(rng.poisson(mean_day * scale)), share)
    notices = [
        GateNotice("HN", 5 * 24 + 8, 5 * 24 + 16, factor=0.0, announced_at=5 * 24 + 6,
                   reason="Hữu Nghị closed 08:00–16:00 (announced 06:00)"),
        GateNotice("TT", 9 * 24, 11 * 24, factor=0.5, lane=Lane.OUT, announced_at=8 * 24 + 12,
                   reason="slowdown on the Chinese side at Tân Thanh, 2 days at 50 %"),
    ]
    return Scenario(
        "harvest-peak", seed, datetime(2025, 6, 2, tzinfo=TZ), days * HOURS_PER_DAY, gates,
        maker.trucks(), [n for n in notices if n.start < days * HOURS_PER_DAY],
        description="Two weeks of harvest with outbound arrivals 30 % above capacity, "
        "a half-day closure at Hữu Nghị and a two-day slowdown at Tân Thanh, then "
        "normal traffic.",
        sources=SOURCES,
    )


WINTER_QUOTA = {"HN": (70, 100), "TT": (40, 70), "CM": (20, 30)}
WINTER_SPLIT = {"HN": 0.5, "TT": 0.35, "CM": 0.15}


def winter_2021(seed: int, days: int = 90, scale: float = 1.0, capacity_mult: float = 1.0,
                ) -> Scenario:
    rng = np.random.default_rng([seed, 3])
    gates = _gates(scale * capacity_mult, lanes_only=Lane.OUT, codes=WINTER_QUOTA)
    hours = days * HOURS_PER_DAY
    notices = []
    for code, (low, high) in WINTER_QUOTA.items():
        notices.append(GateNotice(
            code, 0, hours, daily_capacity=low * scale * capacity_mult, lane=Lane.OUT,
            reason="restrictions on the Chinese side: planned at the low end of the range"))
        for day in range(days):
            quota = int(rng.integers(low, high + 1)) * scale * capacity_mult
            notices.append(GateNotice(
                code, day * 24, (day + 1) * 24, daily_capacity=quota, lane=Lane.OUT,
                announced_at=day * 24 - 12, reason="daily quota announced the day before"))
    maker = _TruckMaker(rng)
    codes = list(WINTER_SPLIT)
    p = np.array([WINTER_SPLIT[c] for c in codes])
    for day in range(days):
        total = 490 if day < 14 else int(rng.integers(160, 181))
        counts = rng.multinomial(int(round(total * scale)), p)
        for code, count in zip(codes, counts, strict=True):
            maker.add(code, Lane.OUT, day, int(count), 0.85)
    return Scenario(
        "winter-2021", seed, datetime(2021, 12, 1, tzinfo=TZ), hours, gates,
        maker.trucks(), notices,
        description="Border crisis of December 2021 – February 2022: clearance cut to "
        "70–100 trucks/day at Hữu Nghị and 20–30 at Chi Ma while fruit trucks kept "
        "arriving.",
        sources=SOURCES,
    )


BUILDERS: dict[str, Callable[..., Scenario]] = {
    "normal-day": normal_day,
    "harvest-peak": harvest_peak,
    "winter-2021": winter_2021,
}


def build_scenario(name: str, seed: int = 1, *, days: int | None = None, scale: float = 1.0,
                   capacity_change_pct: float = 0.0) -> Scenario:
    """Build a named scenario. ``scale`` shrinks demand and capacity alike (a quicker,
    smaller run); ``capacity_change_pct`` changes every gate's capacity (what-if)."""
    if name not in BUILDERS:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    kwargs = {"scale": scale, "capacity_mult": 1 + capacity_change_pct / 100}
    if days is not None:
        kwargs["days"] = days
    return BUILDERS[name](seed, **kwargs)


def with_notices(scenario: Scenario, notices: list[GateNotice]) -> Scenario:
    return replace(scenario, notices=[*scenario.notices, *notices])
