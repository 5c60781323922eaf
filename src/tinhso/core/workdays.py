"""Working-day calendar for deadlines (Vietnamese public holidays, weekends, swaps), and
the working clock of legal time limits in half working days.

Built on the ``holidays`` package, which knows the Vietnamese public holidays
including the lunar Tết days, the Hùng Kings' day, 30/4, 1/5, 2/9 (and the day next
to it), the days off the government announces in exchange for a worked Saturday,
and those worked Saturdays themselves (``weekend_workdays``). On top of that, an
``overrides`` table (kept in the database by the Django side, `core.CalendarOverride`)
says ``True`` for a day that is worked although the calendar says otherwise (a swapped
Saturday not yet known to the package) and ``False`` for an extra day off (a provincial
decision, a typhoon closure). Overrides always win.

Dates. A time limit of *n* working days starts counting on the working day *after* the
event, so ``add_working_days(d, n)`` returns the n-th working day after ``d``, whether
or not ``d`` itself is a working day.

Moments (the one-stop desk's clock). A working day has two sessions (`WorkingHours`,
by default 07:30–11:30 and 13:30–17:00, the office hours of the province's agencies;
configuration: ``settings.WORKING_HOURS``). A "half working day" is one session, so a
procedure step of 0.5 day is one session and a legal time of 15 days is 30 sessions.
Working time is measured on a *working clock* that only runs during sessions: a moment
inside a session is that session plus the fraction of it elapsed; a moment in the lunch
break, after hours or on a day off stands still at the start of the next session. So

* ``add_half_days(received_at, n)`` is the moment n sessions of working time later: a
  dossier received on Monday at 09:00 with 5 days (10 sessions) is due on the next
  Monday at 09:00 (or later, across days off);
* **received after working hours** (after the afternoon session, in the lunch break, on a
  weekend or holiday), the time limit counts from the start of the next working session
  (the next working day's morning; the afternoon session for the lunch break). This is
  the rule of Decree 61/2018/NĐ-CP (time limits count from receipt of a complete dossier,
  Art. 15–17, amended by Decree 107/2021/NĐ-CP, and Decree 118/2025/NĐ-CP since
  1/7/2025) as applied to online submission by Decree 45/2020/NĐ-CP: a dossier that
  arrives outside working hours is received, and its time counts, from the next working
  session; the forms it leads to are those of Circular 01/2018/TT-VPCP (now Circular
  03/2025/TT-VPCP). A deadline that lands exactly on a session boundary is shown as the
  end of the earlier session (17:00 Friday, not 07:30 Monday);
* a pause (supplement request) keeps the working time that remained:
  ``resume(due, paused_at, resumed_at)`` is ``resumed_at`` plus what was left between
  ``paused_at`` and ``due`` (see publicservices for the rule's legal basis).

Speed: the calendar precomputes, per instance, the sorted working days of a window of
years and, for every calendar day of the window, the index of the first working day on
or after it, so every question is a few list lookups (the bench target is ≥ 100,000
due dates a second). The national holidays of a year are computed once per process
(``functools.lru_cache`` of a pure function: a memo, not shared mutable state).

Pure Python: no Django import.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "WorkingCalendar", "WorkingHours", "add_working_days", "working_days_between",
    "parse_working_hours",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@functools.lru_cache(maxsize=512)
def _national_year(year: int, subdiv: str | None) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, worked weekend days) of one year from the ``holidays`` package.

    Built with the neighbouring years too, because a swap can cross the new year (in 2015,
    2 January was a day off in exchange for Saturday 27 December 2014)."""
    calendar = holidays.country_holidays("VN", subdiv=subdiv, years=range(year - 1, year + 2),
                                         expand=False)
    off = frozenset(d for d in calendar if d.year == year)
    worked = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return off, worked


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class WorkingHours:
    """The two working sessions of a day (morning, afternoon), local time."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)

    def __post_init__(self) -> None:
        order = [self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end]
        if not all(a < b for a, b in zip(order, order[1:], strict=False)):
            raise ValueError("working hours must be morning start < end <= afternoon "
                             "start < end")

    def __str__(self) -> str:
        return (f"{self.morning_start:%H:%M}-{self.morning_end:%H:%M},"
                f"{self.afternoon_start:%H:%M}-{self.afternoon_end:%H:%M}")


def parse_working_hours(text: str) -> WorkingHours:
    """``"07:30-11:30,13:30-17:00"`` → `WorkingHours` (the format of the setting)."""
    try:
        morning, afternoon = (part.strip() for part in text.split(","))
        bounds = [time.fromisoformat(b.strip()) for part in (morning, afternoon)
                  for b in part.split("-")]
        return WorkingHours(*bounds)
    except (ValueError, TypeError) as error:
        raise ValueError(f"working hours {text!r}: expected HH:MM-HH:MM,HH:MM-HH:MM") from error


class WorkingCalendar:
    """Which dates are working days in Vietnam (and, with ``subdiv``, a subdivision), and
    the working clock of half working days.

    :param overrides: ``date -> True`` for an extra working day (swapped Saturday),
        ``date -> False`` for an extra day off. They take precedence over everything.
    :param subdiv: passed to ``holidays`` for regional holidays, if it defines any.
    :param language: language of :meth:`holiday_name` ('vi' or 'en_US').
    :param hours: the working sessions (`WorkingHours`).
    :param tz: the time zone of the sessions; aware moments are converted to it and the
        moments returned are aware in it. Naive moments are taken as local time.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        subdiv: str | None = None,
        *,
        language: str = "vi",
        hours: WorkingHours | None = None,
        tz: tzinfo = VIETNAM,
    ) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._subdiv = subdiv
        self._language = language
        self._names: holidays.HolidayBase | None = None
        self.hours = hours or WorkingHours()
        self.tz = tz
        h = self.hours
        self._am0, self._am1 = _seconds(h.morning_start), _seconds(h.morning_end)
        self._pm0, self._pm1 = _seconds(h.afternoon_start), _seconds(h.afternoon_end)
        self._am_len, self._pm_len = self._am1 - self._am0, self._pm1 - self._pm0
        # Ticks per session: a multiple of both session lengths (in seconds), so a moment
        # inside either session is a whole number of ticks.
        self._scale = math.lcm(self._am_len, self._pm_len)
        self._am_tick, self._pm_tick = self._scale // self._am_len, self._scale // self._pm_len
        # The index (built on first use): working days of [self._base, self._end) in order,
        # and for each calendar day of the window the index of the first working day >= it.
        self._base: date | None = None
        self._end: date | None = None
        self._days: list[date] = []
        self._first_on_or_after: list[int] = []

    # ---- days

    def holiday_name(self, d: date) -> str | None:
        """The public holiday (or substituted day off) on ``d``, or None."""
        if self._names is None or d.year not in self._names.years:
            self._names = holidays.country_holidays(
                "VN", subdiv=self._subdiv, years=range(d.year - 1, d.year + 2),
                language=self._language, expand=False)
        return self._names.get(d)

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is worked: overrides, then holidays, then swapped weekend days."""
        override = self._overrides.get(d)
        if override is not None:
            return override
        off, worked = _national_year(d.year, self._subdiv)
        if d in off:
            return False
        if d.weekday() in (_SATURDAY, _SUNDAY):
            return d in worked
        return True

    def _ensure(self, d: date) -> None:
        """Make the index cover ``d`` (and a year beyond, so forward counting has room)."""
        if self._base is not None and self._base <= d < self._end:
            return
        if self._base is None or d < self._base:
            # (Re)build from the year before; the index positions change, so callers take
            # positions only after covering every date they need (see `_position`).
            start = date(d.year - 1, 1, 1)
            end = max(self._end or date(d.year + 3, 1, 1), date(d.year + 3, 1, 1))
            self._base, self._end, self._days, self._first_on_or_after = start, start, [], []
        else:
            end = date(max(d.year + 2, self._end.year + 1), 1, 1)
        day = self._end
        days, first = self._days, self._first_on_or_after
        while days and days[-1] >= day:
            days.pop()  # the look-ahead day of the previous window: counted again below
        while day < end:
            first.append(len(days))
            if self.is_working_day(day):
                days.append(day)
            day += _ONE_DAY
        self._end = end
        # A last working day beyond the window, so "first on or after" always exists.
        while len(days) <= first[-1]:
            if self.is_working_day(day):
                days.append(day)
            day += _ONE_DAY

    def _first_index(self, d: date) -> int:
        """Index of the first working day on or after ``d`` (index covering ``d``)."""
        self._ensure(d)
        return self._first_on_or_after[(d - self._base).days]

    def _day_at(self, index: int) -> date:
        while index >= len(self._days) - 1:
            self._ensure(self._end)  # extend forward (positions stay valid)
        if index < 0:
            raise ValueError("before the calendar's window")
        return self._days[index]

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        return self._days[self._first_index(d)]

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n > 0) or before it (n < 0).

        Counting starts the day after ``d`` (or the day before, going back), so whether
        ``d`` is itself a working day does not matter. ``n == 0`` returns ``d`` if it is
        a working day, else the next working day (a deadline never falls on a day off).
        """
        if n == 0:
            return self.next_working_day(d)
        if n > 0:
            return self._day_at(self._first_index(d + _ONE_DAY) + n - 1)
        self._ensure(d - timedelta(days=-2 * n + 30))
        return self._day_at(self._first_index(d) + n)

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]``; negative (``-count((b, a])``) if b < a.

        So ``working_days_between(d, add_working_days(d, n)) == n`` for every n >= 1.
        """
        if b < a:
            return -self.working_days_between(b, a)
        self._ensure(a)
        return self._first_index(b + _ONE_DAY) - self._first_index(a + _ONE_DAY)

    # ---- the working clock (moments, half working days)

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz) if moment.tzinfo is not None else moment

    def _position(self, moment: datetime) -> int:
        """Working time from the start of the index to ``moment``, in ticks (a session is
        ``self._scale`` ticks). Outside sessions the clock stands at the next session."""
        local = self._local(moment)
        d = local.date()
        i = self._first_index(d)
        session = 2 * i * self._scale
        if self._days[i] != d:
            return session
        s = local.hour * 3600 + local.minute * 60 + local.second
        if s < self._am0:
            return session
        if s < self._am1:
            return session + (s - self._am0) * self._am_tick
        if s < self._pm0:
            return session + self._scale
        if s < self._pm1:
            return session + self._scale + (s - self._pm0) * self._pm_tick
        return session + 2 * self._scale

    def _moment(self, position: int, *, at_end: bool = True) -> datetime:
        """The moment at ``position``; on a session boundary, the end of the earlier session
        (``at_end``, for deadlines) or the start of the later one."""
        session, rest = divmod(position, self._scale)
        if rest == 0 and at_end and session > 0:
            session, rest = session - 1, self._scale
        index, afternoon = divmod(session, 2)
        day = self._day_at(index)
        if afternoon:
            s = self._pm0 + (rest * self._pm_len + self._scale // 2) // self._scale
        else:
            s = self._am0 + (rest * self._am_len + self._scale // 2) // self._scale
        return datetime(day.year, day.month, day.day, s // 3600, s // 60 % 60, s % 60,
                        tzinfo=self.tz)

    def counting_start(self, moment: datetime) -> datetime:
        """When the time limit of something received at ``moment`` starts to run: the
        moment itself during a session, else the start of the next working session."""
        return self._moment(self._position(moment), at_end=False)

    def add_half_days(self, moment: datetime, half_days: int) -> datetime:
        """The moment ``half_days`` working sessions after ``moment`` (counted from
        `counting_start`); negative goes back (for "one session before the due time")."""
        if half_days < 0:
            self._ensure(self._local(moment).date() - timedelta(days=-half_days + 60))
        return self._moment(self._position(moment) + half_days * self._scale)

    def add_working_time(self, moment: datetime, days: float | Decimal | int) -> datetime:
        """``moment`` plus ``days`` working days, in steps of half a day (0.5, 4.5, 15)."""
        half_days = Decimal(str(days)) * 2
        if half_days != half_days.to_integral_value():
            raise ValueError(f"{days} working days is not a whole number of half days")
        return self.add_half_days(moment, int(half_days))

    def half_days_between(self, a: datetime, b: datetime) -> float:
        """Working time from ``a`` to ``b`` in sessions (negative if ``b`` is earlier)."""
        self._ensure(min(self._local(a).date(), self._local(b).date()))
        return (self._position(b) - self._position(a)) / self._scale

    def resume(self, due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """The new due moment after a pause from ``paused_at`` to ``resumed_at``: the working
        time left at the pause, counted again from ``resumed_at`` (after-hours rule)."""
        self._ensure(min(self._local(x).date() for x in (due, paused_at, resumed_at)))
        left = self._position(due) - self._position(paused_at)
        return self._moment(self._position(resumed_at) + left)

    def timeliness(self, finished_at: datetime, due: datetime) -> str:
        """``early`` (finished on a working day before the due date), ``on_time`` (on the due
        date, not after the due moment) or ``late`` — the three of Decision 766."""
        if finished_at > due:
            return "late"
        if self._local(finished_at).date() < self._local(due).date():
            return "early"
        return "on_time"


def add_working_days(d: date, n: int, overrides: Mapping[date, bool] | None = None) -> date:
    """Module-level shortcut for :meth:`WorkingCalendar.add_working_days`."""
    return WorkingCalendar(overrides).add_working_days(d, n)


def working_days_between(a: date, b: date, overrides: Mapping[date, bool] | None = None) -> int:
    """Module-level shortcut for :meth:`WorkingCalendar.working_days_between`."""
    return WorkingCalendar(overrides).working_days_between(a, b)
