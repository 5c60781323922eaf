"""Working-day calendar for deadlines (Vietnamese public holidays, weekends, swaps).

Built on the ``holidays`` package, which knows the Vietnamese public holidays
including the lunar Tết days, the Hùng Kings' day, 30/4, 1/5, 2/9 (and the day next
to it), the days off the government announces in exchange for a worked Saturday,
and those worked Saturdays themselves (``weekend_workdays``). On top of that, an
``overrides`` table (kept in the database by the Django side) says ``True`` for a
day that is worked although the calendar says otherwise (a swapped Saturday not
yet known to the package) and ``False`` for an extra day off (a provincial
decision, a typhoon closure). Overrides always win.

Deadline convention (administrative procedures, Decree 61/2018 and its
successors): a time limit of *n* working days starts counting on the working day
*after* the event, so ``add_working_days(d, n)`` returns the n-th working day after
``d``, whether or not ``d`` itself is a working day.

Pure Python: no Django import, no module-level mutable state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import holidays

__all__ = ["WorkingCalendar", "add_working_days", "working_days_between"]

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6


class WorkingCalendar:
    """Which dates are working days in Vietnam (and, with ``subdiv``, a subdivision).

    :param overrides: ``date -> True`` for an extra working day (swapped Saturday),
        ``date -> False`` for an extra day off. They take precedence over everything.
    :param subdiv: passed to ``holidays`` for regional holidays, if it defines any.
    :param language: language of :meth:`holiday_name` ('vi' or 'en_US').
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        subdiv: str | None = None,
        *,
        language: str = "vi",
    ) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._subdiv = subdiv
        self._language = language
        self._holidays: holidays.HolidayBase | None = None
        self._first = self._last = 0

    def _calendar(self, year: int) -> holidays.HolidayBase:
        """The holidays object, populated for ``year`` and its neighbours.

        Neighbours too, because a swap can cross the new year (in 2015, 2 January was a
        day off in exchange for Saturday 27 December 2014).
        """
        if self._holidays is None or not (self._first <= year - 1 and year + 1 <= self._last):
            # (Re)build for a contiguous year range covering the old one and this year;
            # creating the object is cheap, and it keeps weekend_workdays complete.
            if self._holidays is None:
                self._first, self._last = year - 1, year + 1
            else:
                self._first, self._last = min(self._first, year - 1), max(self._last, year + 1)
            self._holidays = holidays.country_holidays(
                "VN",
                subdiv=self._subdiv,
                years=range(self._first, self._last + 1),
                language=self._language,
                expand=False,
            )
        return self._holidays

    def holiday_name(self, d: date) -> str | None:
        """The public holiday (or substituted day off) on ``d``, or None."""
        return self._calendar(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is worked: overrides, then holidays, then swapped weekend days."""
        override = self._overrides.get(d)
        if override is not None:
            return override
        calendar = self._calendar(d.year)
        if d in calendar:
            return False
        if d.weekday() in (_SATURDAY, _SUNDAY):
            return d in calendar.weekend_workdays
        return True

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n > 0) or before it (n < 0).

        Counting starts the day after ``d`` (or the day before, going back), so whether
        ``d`` is itself a working day does not matter. ``n == 0`` returns ``d`` if it is
        a working day, else the next working day (a deadline never falls on a day off).
        """
        if n == 0:
            return self.next_working_day(d)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]``; negative (``-count((b, a])``) if b < a.

        So ``working_days_between(d, add_working_days(d, n)) == n`` for every n >= 1.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            if self.is_working_day(d):
                count += 1
        return count


def add_working_days(d: date, n: int, overrides: Mapping[date, bool] | None = None) -> date:
    """Module-level shortcut for :meth:`WorkingCalendar.add_working_days`."""
    return WorkingCalendar(overrides).add_working_days(d, n)


def working_days_between(a: date, b: date, overrides: Mapping[date, bool] | None = None) -> int:
    """Module-level shortcut for :meth:`WorkingCalendar.working_days_between`."""
    return WorkingCalendar(overrides).working_days_between(a, b)
