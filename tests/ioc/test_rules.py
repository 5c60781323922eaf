"""The dashboard's pure rules, checked by hand at their boundaries (no database)."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from tinhso.ioc import rules

T = D(50)


@pytest.mark.parametrize(("value", "expected"), [
    (D("50"), rules.ON_TRACK),        # exactly the target
    (D("80"), rules.ON_TRACK),
    (D("49.9"), rules.AT_RISK),
    (D("45"), rules.AT_RISK),         # 10 % below: still at risk (boundary included)
    (D("44.99"), rules.OFF_TRACK),
    (D("0"), rules.OFF_TRACK),
])
def test_higher_is_better(value, expected):
    assert rules.status(value, T, rules.HIGHER) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (D("6"), rules.ON_TRACK),          # exactly the target (hours of wait)
    (D("2"), rules.ON_TRACK),
    (D("6.01"), rules.AT_RISK),
    (D("6.6"), rules.AT_RISK),         # 10 % above: still at risk
    (D("6.61"), rules.OFF_TRACK),
])
def test_lower_is_better(value, expected):
    assert rules.status(value, D(6), rules.LOWER) == expected


def test_no_value_or_no_target_is_unknown_never_a_guess():
    assert rules.status(None, T, rules.HIGHER) == rules.UNKNOWN
    assert rules.status(D(3), None, rules.LOWER) == rules.UNKNOWN
    with pytest.raises(ValueError, match="sideways"):
        rules.status(D(1), T, "sideways")


def test_a_zero_target_where_lower_is_better():
    assert rules.status(D(0), D(0), rules.LOWER) == rules.ON_TRACK
    assert rules.status(D("0.1"), D(0), rules.LOWER) == rules.OFF_TRACK


def test_periods():
    assert rules.period_of(date(2026, 12, 2), rules.MONTHLY) == rules.Period(
        date(2026, 12, 1), date(2026, 12, 31), "2026-12")
    assert rules.period_of(date(2026, 2, 28), rules.QUARTERLY).key == "2026-Q1"
    assert rules.quarter(2024, 1).end == date(2024, 3, 31)
    assert rules.month(2024, 2).end == date(2024, 2, 29)
    assert rules.parse_period("2026-q3", rules.QUARTERLY) == rules.quarter(2026, 3)
    for bad in ("2026-Q5", "2026-09", "Q3-2026", "1999-Q1", "", "2026-"):
        assert rules.parse_period(bad, rules.QUARTERLY) is None, bad
    assert rules.parse_period("2026-13", rules.MONTHLY) is None
    assert [p.key for p in rules.last_periods(date(2026, 2, 10), rules.MONTHLY, 3)] == [
        "2025-12", "2026-01", "2026-02"]


def test_target_of_a_year_is_its_own_else_the_next_milestone():
    targets = {2025: D(50), 2030: D(80)}
    assert rules.target_for(2025, targets) == D(50)
    assert rules.target_for(2027, targets) == D(80)
    assert rules.target_for(2031, targets) == D(80)
    assert rules.target_for(2026, {}) is None


def test_stale_manual_quarter_after_its_grace():
    # Q3 ends 30/09; 45 days of grace: late from 15/11.
    assert not rules.is_stale(last_good_period_end=date(2026, 6, 30), today=date(2026, 11, 14),
                              frequency=rules.QUARTERLY)
    assert rules.is_stale(last_good_period_end=date(2026, 6, 30), today=date(2026, 11, 15),
                          frequency=rules.QUARTERLY)
    assert not rules.is_stale(last_good_period_end=date(2026, 9, 30), today=date(2026, 12, 30),
                              frequency=rules.QUARTERLY)
    assert rules.is_stale(last_good_period_end=None, today=date(2026, 12, 30),
                          frequency=rules.QUARTERLY)


def test_outdated_computed_figure():
    now = datetime(2026, 12, 2, 9)
    day = timedelta(days=1)
    assert not rules.is_outdated(last_good_at=now - day, now=now, max_age=day)
    assert rules.is_outdated(last_good_at=now - day - timedelta(seconds=1), now=now,
                             max_age=day)
    assert rules.is_outdated(last_good_at=None, now=now, max_age=day)


@pytest.mark.parametrize(("before", "after", "sudden"), [
    (D(100), D(130), False),   # 30 %: the boundary is not sudden
    (D(100), D("130.01"), True),
    (D(100), D(70), False),
    (D(100), D("69.99"), True),
    (D(0), D(0), False),
    (D(0), D(5), True),
    (None, D(5), False),
])
def test_sudden_change(before, after, sudden):
    assert rules.is_sudden_change(before, after) is sudden


def test_alerts_in_order():
    assert rules.alerts(status_now=rules.OFF_TRACK, previous_value=D(10), value=D(1),
                        stale=True) == [rules.OFF_TRACK_ALERT, rules.STALE,
                                        rules.SUDDEN_CHANGE_ALERT]
    assert rules.alerts(status_now=rules.AT_RISK, previous_value=D(10), value=D(10),
                        stale=False) == []
