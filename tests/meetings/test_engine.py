"""The pure scheduling algorithms, alone (no database)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tinhso.meetings.engine.scheduling import (
    Busy,
    DayHours,
    find_conflicts,
    held_interval,
    merge,
    nearest_free_windows,
)
from tinhso.meetings.engine.series import weekly_occurrences

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def test_touching_intervals_do_not_conflict_but_overlaps_do():
    busy = [Busy(1, t(2, 8), t(2, 10), meeting=7), Busy(2, t(2, 9), t(2, 11), meeting=8)]
    assert find_conflicts(t(2, 10), t(2, 12), [1], busy) == []
    found = find_conflicts(t(2, 9, 30), t(2, 12), [1, 2], busy)
    assert [(c.resource, c.meeting) for c in found] == [(1, 7), (2, 8)]
    assert find_conflicts(t(2, 9, 30), t(2, 12), [1], busy, exclude_meeting=7) == []


def test_the_buffer_widens_what_a_booking_holds():
    start, end = held_interval(t(2, 9), t(2, 10), timedelta(minutes=15))
    assert (start, end) == (t(2, 8, 45), t(2, 10, 15))


def test_merge_joins_overlapping_and_touching_intervals():
    assert merge([(t(2, 9), t(2, 10)), (t(2, 8), t(2, 9)), (t(2, 11), t(2, 12)),
                  (t(2, 11, 30), t(2, 11, 45))]) == [(t(2, 8), t(2, 10)), (t(2, 11), t(2, 12))]


def test_nearest_free_windows_are_closest_first_and_respect_buffer_and_hours():
    buffer = timedelta(minutes=15)
    # Point A busy 8–10 (held 7:45–10:15), point B busy 10–12 (held 9:45–12:15), Wednesday.
    busy = [held_interval(t(2, 8), t(2, 10), buffer), held_interval(t(2, 10), t(2, 12), buffer)]
    windows = nearest_free_windows(start=t(2, 9), duration=timedelta(hours=1), buffer=buffer,
                                   busy=busy, hours=DayHours(), tz=VN, not_before=t(2, 7),
                                   limit=3)
    # After 12:15 + 15 min of buffer: 12:30; before: 7:00 would need 6:45–8:15, which touches
    # the 7:45 hold, so nothing fits before on Wednesday; Tuesday 17:00 is the latest before
    # but not_before is Wednesday 7:00.
    assert windows[0] == (t(2, 12, 30), t(2, 13, 30))
    for start, end in windows:
        held = held_interval(start, end, buffer)
        assert all(not (held[0] < b_end and b_start < held[1]) for b_start, b_end in busy)
        assert start >= t(2, 7) and time(7) <= start.time() and end.time() <= time(18)
        assert start.weekday() < 5


def test_nearest_window_may_be_before_the_asked_one():
    busy = [(t(2, 10), t(2, 17))]
    windows = nearest_free_windows(start=t(2, 11), duration=timedelta(hours=1),
                                   buffer=timedelta(0), busy=busy, hours=DayHours(), tz=VN,
                                   not_before=t(1, 0), limit=2)
    assert windows == [(t(2, 9), t(2, 10)), (t(2, 17), t(2, 18))]


def test_no_window_on_a_weekend():
    # Friday 4 Dec 8:00–18:00 busy: the next window is Monday 7 Dec, not Saturday.
    busy = [(t(4, 7), t(4, 18))]
    windows = nearest_free_windows(start=t(4, 9), duration=timedelta(hours=2),
                                   buffer=timedelta(0), busy=busy, hours=DayHours(), tz=VN,
                                   not_before=t(4, 7), limit=1)
    assert windows == [(t(7, 7), t(7, 9))]


def test_weekly_series_skips_the_exceptions_and_keeps_its_weekday():
    occurrences = weekly_occurrences(first_day=date(2026, 12, 7), starts=time(8), count=4,
                                     duration=timedelta(minutes=90), tz=VN,
                                     exceptions=[date(2026, 12, 21)])
    assert [s.date() for s, _ in occurrences] == [date(2026, 12, 7), date(2026, 12, 14),
                                                  date(2026, 12, 28)]
    assert all(e - s == timedelta(minutes=90) and s.hour == 8 for s, e in occurrences)
    with pytest.raises(ValueError, match="count"):
        weekly_occurrences(first_day=date(2026, 12, 7), starts=time(8), count=0,
                           duration=timedelta(hours=1), tz=VN)


def test_the_engine_imports_no_django():
    import subprocess
    import sys

    code = ("import sys; import tinhso.meetings.engine.scheduling, tinhso.meetings.engine.series;"
            "print('django' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
