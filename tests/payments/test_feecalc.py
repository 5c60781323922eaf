"""The fee calculation alone: no database."""

from datetime import date

import pytest

from tinhso.payments.demo import RATES, VALID_FROM
from tinhso.payments.feecalc import (
    NoApplicableRate,
    Rate,
    VehicleClass,
    compute_fee,
    vehicle_class,
)

TODAY = date(2026, 1, 15)
SEEDED = [Rate(code=c, label=lb, vehicle_class=v, goods_kind=g, direction=d, amount_vnd=a,
               multiplier_pct=p, is_placeholder=ph, valid_from=VALID_FROM)
          for c, lb, v, g, d, a, p, ph in RATES]


@pytest.mark.parametrize(("weight", "containers", "expected"), [
    (1_999, 0, VehicleClass.TRUCK_LT2),
    (2_000, 0, VehicleClass.TRUCK_2_4),
    (3_999, 0, VehicleClass.TRUCK_2_4),
    (4_000, 0, VehicleClass.TRUCK_4_10),
    (10_000, 0, VehicleClass.TRUCK_10_18),
    (18_000, 0, VehicleClass.TRUCK_10_18),
    (18_001, 0, VehicleClass.TRUCK_GT18),
    (20_000, 1, VehicleClass.CONTAINER_20),
    (20_001, 1, VehicleClass.CONTAINER_40),
    (28_000, 2, VehicleClass.CONTAINER_40),
])
def test_vehicle_class_from_declaration(weight, containers, expected):
    assert vehicle_class(weight, containers) == expected


def fee(vehicle, goods, direction, rates=SEEDED, on=TODAY):
    return compute_fee(vehicle=vehicle, goods=goods, direction=direction, rates=rates, on=on)


def test_confirmed_rates_of_the_resolution():
    small = fee("truck_lt2", "perishable", "export")
    assert small.amount_vnd == 100_000
    container = fee("container_40", "perishable", "transit")
    assert container.amount_vnd == 4_000_000
    assert not container.is_placeholder
    assert container.base.code == "cont40-perishable"


def test_inland_import_is_130_percent_and_wharf_transfer_30_percent():
    assert fee("container_40", "perishable", "import").amount_vnd == 5_200_000
    assert fee("container_40", "perishable", "wharf").amount_vnd == 1_200_000
    assert fee("truck_lt2", "perishable", "wharf").amount_vnd == 30_000
    assert fee("container_40", "perishable", "import").multiplier_pct == 130


def test_unconfirmed_rates_are_placeholders():
    assert fee("truck_4_10", "general", "transit").is_placeholder
    assert fee("container_40", "general", "transit").is_placeholder
    # a confirmed base with a placeholder adjustment is still a placeholder
    assert fee("container_40", "perishable", "export").is_placeholder


def test_validity_dates_and_the_newest_rate_win():
    rates = [
        Rate(code="old", amount_vnd=100, vehicle_class="truck_2_4", valid_from=date(2020, 1, 1),
             valid_to=date(2025, 12, 31)),
        Rate(code="new", amount_vnd=200, vehicle_class="truck_2_4", valid_from=date(2026, 1, 1)),
        Rate(code="older-open", amount_vnd=50, vehicle_class="truck_2_4",
             valid_from=date(2019, 1, 1)),
    ]
    assert fee("truck_2_4", "general", "export", rates, date(2025, 6, 1)).base.code == "old"
    assert fee("truck_2_4", "general", "export", rates, date(2026, 6, 1)).base.code == "new"
    assert fee("truck_2_4", "general", "export", rates[1:], date(2025, 6, 1)).amount_vnd == 50


def test_more_specific_rate_wins_over_generic():
    rates = [Rate(code="any", amount_vnd=1_000),
             Rate(code="perishable", amount_vnd=500, goods_kind="perishable")]
    assert fee("truck_gt18", "perishable", "export", rates).base.code == "perishable"
    assert fee("truck_gt18", "general", "export", rates).base.code == "any"


def test_rounding_half_up_to_the_dong():
    rates = [Rate(code="b", amount_vnd=15), Rate(code="a", multiplier_pct=30)]
    assert fee("truck_lt2", "general", "export", rates).amount_vnd == 5  # 4.5 → 5


def test_no_base_rate_is_an_error():
    with pytest.raises(NoApplicableRate):
        fee("truck_lt2", "general", "export", [Rate(code="adj", multiplier_pct=130)])
    with pytest.raises(ValueError, match="negative"):
        vehicle_class(-1)
