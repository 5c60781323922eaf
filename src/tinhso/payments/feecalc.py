"""The infrastructure fee of one crossing, computed from the rate table (pure Python).

The fee (phí sử dụng công trình kết cấu hạ tầng, Lạng Sơn Resolution 09/2025/NQ-HĐND) is a
base amount per trip that depends on the vehicle class and the goods, times a percentage
that depends on where the goods go:

* a **base rate** has an amount (``amount_vnd > 0``) and applies to a vehicle class, and
  optionally only to one goods kind or one fee direction;
* an **adjustment** has no amount (``amount_vnd == 0``) and a ``multiplier_pct`` (e.g. goods
  imported for inland delivery 130 %, transfer at the wharf only 30 %).

The most specific rate valid on the day wins (the one naming the most of vehicle class,
goods kind, direction; then the newest ``valid_from``). No Django import: unit-tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class VehicleClass(StrEnum):
    TRUCK_LT2 = "truck_lt2"  # truck under 2 t
    TRUCK_2_4 = "truck_2_4"  # 2 t to under 4 t
    TRUCK_4_10 = "truck_4_10"  # 4 t to under 10 t
    TRUCK_10_18 = "truck_10_18"  # 10 t to 18 t
    TRUCK_GT18 = "truck_gt18"  # over 18 t
    CONTAINER_20 = "container_20"  # 20-ft container truck
    CONTAINER_40 = "container_40"  # 40-ft container truck


class GoodsKind(StrEnum):
    PERISHABLE = "perishable"  # fresh fruit, vegetables, frozen goods
    GENERAL = "general"


class FeeDirection(StrEnum):
    EXPORT = "export"
    IMPORT = "import"  # imported for delivery inland
    TRANSIT = "transit"  # temporary import / re-export
    WHARF = "wharf"  # transferred at the border wharf/yard only, not taken inland


# Gross weight limits in kg; a class holds weights from its lower bound up to (not including)
# the next bound, except that exactly 18 t is still "10–18 t".
CONTAINER_40_MIN_KG = 20_000


def vehicle_class(weight_kg: int, containers: int = 0) -> VehicleClass:
    """The fee class of a truck from its declared gross weight and container count.

    A declaration does not say the container size, so a container truck heavier than 20 t
    is taken as a 40-ft container and a lighter one as a 20-ft container (a loaded 40-ft
    box with its tractor weighs well over 20 t; a 20-ft one usually under).
    """
    if weight_kg < 0 or containers < 0:
        raise ValueError("weight and containers cannot be negative")
    if containers > 0:
        return (VehicleClass.CONTAINER_40 if weight_kg > CONTAINER_40_MIN_KG
                else VehicleClass.CONTAINER_20)
    if weight_kg < 2_000:
        return VehicleClass.TRUCK_LT2
    if weight_kg < 4_000:
        return VehicleClass.TRUCK_2_4
    if weight_kg < 10_000:
        return VehicleClass.TRUCK_4_10
    if weight_kg <= 18_000:
        return VehicleClass.TRUCK_10_18
    return VehicleClass.TRUCK_GT18


@dataclass(frozen=True, slots=True)
class Rate:
    """One row of the rate table. Empty selectors ("") match anything."""

    code: str
    amount_vnd: int = 0
    multiplier_pct: int = 100
    vehicle_class: str = ""
    goods_kind: str = ""
    direction: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    is_placeholder: bool = False
    label: str = ""

    @property
    def is_adjustment(self) -> bool:
        return self.amount_vnd == 0

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))

    def matches(self, vehicle: str, goods: str, direction: str) -> bool:
        return all(not want or want == have for want, have in (
            (self.vehicle_class, vehicle), (self.goods_kind, goods), (self.direction, direction)))

    @property
    def specificity(self) -> tuple[int, date]:
        named = sum(bool(s) for s in (self.vehicle_class, self.goods_kind, self.direction))
        return named, self.valid_from or date.min


@dataclass(frozen=True, slots=True)
class FeeQuote:
    vehicle_class: VehicleClass
    goods_kind: GoodsKind
    direction: FeeDirection
    base: Rate
    adjustment: Rate | None
    amount_vnd: int

    @property
    def multiplier_pct(self) -> int:
        return self.adjustment.multiplier_pct if self.adjustment else self.base.multiplier_pct

    @property
    def is_placeholder(self) -> bool:
        return self.base.is_placeholder or bool(self.adjustment and self.adjustment.is_placeholder)


class NoApplicableRate(LookupError):
    """No base rate in the table covers this vehicle, goods and direction on that day."""


def _best(rates: Iterable[Rate]) -> Rate | None:
    return max(rates, key=lambda r: r.specificity, default=None)


def compute_fee(*, vehicle: VehicleClass | str, goods: GoodsKind | str,
                direction: FeeDirection | str, rates: Iterable[Rate], on: date) -> FeeQuote:
    """The fee for one trip: best base rate × best adjustment's percentage, rounded to
    the nearest đồng (half up). Raises :class:`NoApplicableRate` without a base rate."""
    vehicle, goods, direction = VehicleClass(vehicle), GoodsKind(goods), FeeDirection(direction)
    candidates = [r for r in rates if r.valid_on(on) and r.matches(vehicle, goods, direction)]
    base = _best(r for r in candidates if not r.is_adjustment)
    if base is None:
        raise NoApplicableRate(f"no base rate for {vehicle}/{goods}/{direction} on {on}")
    adjustment = _best(r for r in candidates if r.is_adjustment)
    pct = adjustment.multiplier_pct if adjustment else base.multiplier_pct
    amount = (base.amount_vnd * pct + 50) // 100
    return FeeQuote(vehicle, goods, direction, base, adjustment, amount)
