"""Conflict detection and the nearest free windows for a set of conference points.

A booking holds a point (or a room) from ``start - buffer`` to ``end + buffer``: the
set-up buffer is the time the technicians of a point need to switch from one meeting to
the next. Two bookings of one resource conflict when their held intervals overlap
(half-open: one ending at 10:00 and one starting at 10:00 do not).

``nearest_free_windows`` answers a refused request: the windows of the same length,
closest in time to the one asked for (before or after it), in which every requested point
is free, inside the allowed hours of the day. The search walks the merged busy intervals
of all the points (a sweep over sorted intervals, O(n log n) in the number of bookings),
so a meeting of all 213 points over a month of bookings is answered in milliseconds.

Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

__all__ = [
    "Busy", "Conflict", "DayHours", "find_conflicts", "held_interval", "merge",
    "nearest_free_windows", "overlaps",
]


@dataclass(frozen=True)
class Busy:
    """A resource (point or room id) held from ``start`` to ``end`` by ``meeting``."""

    resource: int
    start: datetime
    end: datetime
    meeting: int = 0


@dataclass(frozen=True)
class Conflict:
    resource: int
    meeting: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DayHours:
    """The hours of the day in which meetings may be proposed (local time)."""

    opens: time = time(7, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday..Friday


def held_interval(start: datetime, end: datetime, buffer: timedelta) -> tuple[datetime, datetime]:
    """The interval a booking holds its resources: the meeting plus the set-up buffer."""
    return start - buffer, end + buffer


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def find_conflicts(start: datetime, end: datetime, resources: Iterable[int],
                   busy: Iterable[Busy], *, exclude_meeting: int | None = None) -> list[Conflict]:
    """Every booking of one of ``resources`` overlapping [start, end), by resource."""
    wanted = set(resources)
    found = [Conflict(b.resource, b.meeting, b.start, b.end) for b in busy
             if b.resource in wanted and b.meeting != exclude_meeting
             and overlaps(start, end, b.start, b.end)]
    return sorted(found, key=lambda c: (c.start, c.resource))


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of intervals, sorted, touching ones joined."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _free_gaps(busy: Sequence[tuple[datetime, datetime]], lo: datetime,
               hi: datetime) -> list[tuple[datetime, datetime]]:
    gaps, cursor = [], lo
    for start, end in busy:
        if end <= cursor:
            continue
        if start >= hi:
            break
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def _day_spans(lo: datetime, hi: datetime, hours: DayHours,
               tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """The allowed hours between lo and hi, as aware datetimes."""
    spans = []
    day = lo.astimezone(tz).date()
    last = hi.astimezone(tz).date()
    while day <= last:
        if day.weekday() in hours.weekdays:
            spans.append((datetime.combine(day, hours.opens, tz),
                          datetime.combine(day, hours.closes, tz)))
        day += timedelta(days=1)
    return spans


def nearest_free_windows(
    *,
    start: datetime,
    duration: timedelta,
    buffer: timedelta,
    busy: Iterable[tuple[datetime, datetime]],
    hours: DayHours,
    tz: tzinfo,
    not_before: datetime,
    horizon: timedelta = timedelta(days=14),
    step: timedelta = timedelta(minutes=15),
    limit: int = 3,
) -> list[tuple[datetime, datetime]]:
    """Up to ``limit`` meeting windows (start, end) of ``duration``, one per free stretch
    (the stretch's start nearest to the one asked for), nearest to ``start`` first, inside ``hours``, starting on the ``step`` grid, not before ``not_before``, in
    which the held interval (window plus ``buffer`` each side) touches none of ``busy``
    (the held intervals of the requested points' other bookings, any order)."""
    lo = max(start - horizon, not_before)
    hi = start + horizon + duration
    merged = merge(busy)
    # A window [s, s+d) is free when [s-buffer, s+d+buffer) lies in a gap: so the gaps,
    # shrunk by the buffer, must hold the window itself.
    gaps = [(a + buffer, b - buffer) for a, b in _free_gaps(merged, lo - buffer, hi + buffer)
            if b - a >= duration + 2 * buffer]
    candidates: list[tuple[timedelta, datetime]] = []
    spans = _day_spans(lo, hi, hours, tz)
    # The grid of proposed starts is the clock's (quarter hours from local midnight).
    local = start.astimezone(tz)
    origin = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for g_start, g_end in gaps:
        for d_start, d_end in spans:
            s, e = max(g_start, d_start, lo), min(g_end, d_end, hi)
            if e - s < duration:
                continue
            # Earliest and latest grid starts in [s, e - duration]: the nearest to `start`
            # in this stretch is one of them, or `start` itself rounded to the grid.
            first = _ceil_to(s, step, origin)
            last = _floor_to(e - duration, step, origin)
            if first > last:
                continue
            # One proposal per free stretch: its grid start nearest to the one asked for.
            near = min(max(start, first), last)
            candidates.append((abs(near - start), near))
    seen, result = set(), []
    for _distance, option in sorted(candidates):
        if option in seen:
            continue
        seen.add(option)
        result.append((option, option + duration))
        if len(result) == limit:
            break
    return result


def _ceil_to(moment: datetime, step: timedelta, origin: datetime) -> datetime:
    offset = (moment - origin) % step
    return moment if not offset else moment + (step - offset)


def _floor_to(moment: datetime, step: timedelta, origin: datetime) -> datetime:
    return moment - (moment - origin) % step
