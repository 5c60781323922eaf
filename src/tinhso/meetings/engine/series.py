"""Weekly series (the Monday briefing): the occurrences of a recurring meeting, with the
dates the organiser skipped (a holiday, a meeting moved by hand).

Pure Python: no Django import."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

MAX_OCCURRENCES = 60


def weekly_occurrences(*, first_day: date, starts: time, duration: timedelta, count: int,
                       tz: tzinfo, interval_weeks: int = 1,
                       exceptions: Iterable[date] = ()) -> list[tuple[datetime, datetime]]:
    """``count`` weekly dates from ``first_day`` (every ``interval_weeks`` weeks), less the
    ``exceptions``: (start, end) of each kept occurrence, in time zone ``tz``. A skipped date
    does not move the rest (the series keeps its day of the week)."""
    if not 1 <= count <= MAX_OCCURRENCES:
        raise ValueError(f"count must be 1..{MAX_OCCURRENCES}")
    skipped = set(exceptions)
    result = []
    for n in range(count):
        day = first_day + timedelta(weeks=n * interval_weeks)
        if day in skipped:
            continue
        start = datetime.combine(day, starts, tz)
        result.append((start, start + duration))
    return result
