from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.workdays import WorkingCalendar, add_working_days, working_days_between

CAL = WorkingCalendar()


def test_the_holidays_package_agrees_with_our_reference_dates():
    """The dates below are what holidays.VN says; if a release changes them, look here."""
    tet_2026 = [d for d, _ in holidays.VN(years=2026).items() if d.month == 2]
    assert tet_2026 == [date(2026, 2, d) for d in (16, 17, 18, 19, 20)]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Lunar New Year's Eve
        (date(2026, 2, 17), False),  # Tết
        (date(2026, 2, 20), False),  # 4th day of Tết
        (date(2026, 2, 23), True),  # first working day after Tết
        (date(2026, 4, 27), False),  # Hùng Kings' day (26/4 is a Sunday) observed
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2025, 9, 1), False),  # 2025 adds 1/9 to the National Day
        (date(2025, 9, 2), False),
        (date(2025, 4, 26), True),  # Saturday worked in exchange for Friday 2/5/2025
        (date(2025, 5, 2), False),
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 8), False),  # an ordinary Sunday
        (date(2026, 3, 9), True),
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_holiday_names_in_vietnamese_by_default_and_in_english():
    assert CAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert CAL.holiday_name(date(2026, 3, 9)) is None
    english = WorkingCalendar(language="en_US")
    assert english.holiday_name(date(2026, 9, 2)) == "National Day"


def test_deadline_across_tet_2026():
    # Filed Friday 13/2/2026, one working day: Monday 23/2 (Tết week and weekends skipped).
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    # Filed Thursday 12/2/2026, five working days: 13/2, 23/2, 24/2, 25/2, 26/2.
    assert CAL.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert CAL.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5


def test_deadline_across_30_4_and_1_5():
    # 2026: 30/4 Thursday and 1/5 Friday off, then the weekend.
    assert CAL.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    # 2025: 30/4, 1/5 and the swapped 2/5 off; Saturday 26/4 was worked instead.
    assert CAL.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)
    assert CAL.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)


def test_deadline_across_national_day_2025():
    assert CAL.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    assert CAL.working_days_between(date(2025, 8, 29), date(2025, 9, 3)) == 1


def test_counting_starts_the_day_after():
    # Submitted on Saturday 7/3/2026: day 1 is Monday 9/3, day 3 is Wednesday 11/3.
    assert CAL.add_working_days(date(2026, 3, 7), 3) == date(2026, 3, 11)
    # Submitted on Monday 9/3/2026: day 1 is Tuesday 10/3.
    assert CAL.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)


def test_zero_days_is_the_same_or_next_working_day():
    assert CAL.add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert CAL.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)
    assert CAL.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 23)


def test_going_backwards():
    assert CAL.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert CAL.add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)
    assert CAL.working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1


def test_between_same_day_and_across_years():
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    # 31/12/2025 (Wed) -> 2/1/2026 (Fri): 1/1 is New Year's Day, so only 2/1 counts.
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1


def test_swapped_saturday_override():
    # The province makes Saturday 7/3/2026 a working day (e.g. in exchange for a bridge day).
    overrides = {date(2026, 3, 7): True, date(2026, 3, 9): False}
    cal = WorkingCalendar(overrides)
    assert cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 7)
    assert cal.add_working_days(date(2026, 3, 6), 2) == date(2026, 3, 10)
    assert add_working_days(date(2026, 3, 6), 2, overrides) == date(2026, 3, 10)
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 10), overrides) == 2
    assert add_working_days(date(2026, 3, 6), 2) == date(2026, 3, 10)  # 9/3, 10/3


def test_override_can_open_a_public_holiday_or_close_a_worked_saturday():
    cal = WorkingCalendar({date(2026, 4, 30): True, date(2025, 4, 26): False})
    assert cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2025, 4, 26))


def test_calendar_extends_to_new_years_on_demand():
    cal = WorkingCalendar()
    assert not cal.is_working_day(date(2026, 2, 17))
    assert not cal.is_working_day(date(2020, 1, 1))
    assert not cal.is_working_day(date(2030, 9, 2))
    assert not cal.is_working_day(date(2026, 2, 16))


days = st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31))


@given(day=days, n=st.integers(min_value=1, max_value=60))
def test_add_then_count_forward(day, n):
    result = CAL.add_working_days(day, n)
    assert result > day
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(day, result) == n
    assert CAL.working_days_between(day, result - timedelta(days=1)) == n - 1


@given(day=days, n=st.integers(min_value=-60, max_value=-1))
def test_add_backward_from_a_working_day(day, n):
    start = CAL.add_working_days(day, 0)
    result = CAL.add_working_days(start, n)
    assert result < start
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(start, result) == n
