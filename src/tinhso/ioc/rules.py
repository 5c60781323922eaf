"""The operations dashboard's rules, written once (no Django import): periods, the status
of a figure against its target, and the alert rules.

Status (``status``): for an indicator where higher is better, a value at or above the
target is *on track*; within ``AT_RISK_MARGIN`` (10 %) of the target below it is *at risk*;
further below is *off track*. Where lower is better, the same mirrored: at or below the
target on track, up to 10 % above it at risk, beyond that off track. Without a value or a
target the status is *unknown* (never guessed).

Alerts (``alerts``): *off track* when the latest figure is off track; *stale* when the
last good figure is older than allowed (a computed figure whose source has not answered
for a day, `is_outdated`; a quarterly manual figure still missing 45 days after its quarter
ended, `is_stale`); *sudden change* when a figure moved
by more than ``SUDDEN_CHANGE`` (30 %) of the previous period's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

AT_RISK_MARGIN = Decimal("0.10")
SUDDEN_CHANGE = Decimal("0.30")

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
UNKNOWN = "unknown"

HIGHER = "higher"
LOWER = "lower"

MONTHLY = "monthly"
QUARTERLY = "quarterly"

#: How long after a period's end its figure may still be missing before it is stale.
GRACE = {MONTHLY: timedelta(days=2), QUARTERLY: timedelta(days=45)}


def status(value: Decimal | None, target: Decimal | None, direction: str) -> str:
    if value is None or target is None:
        return UNKNOWN
    value, target = Decimal(value), Decimal(target)
    margin = abs(target) * AT_RISK_MARGIN
    if direction == HIGHER:
        if value >= target:
            return ON_TRACK
        return AT_RISK if value >= target - margin else OFF_TRACK
    if direction == LOWER:
        if value <= target:
            return ON_TRACK
        return AT_RISK if value <= target + margin else OFF_TRACK
    raise ValueError(direction)


# ---------------------------------------------------------------- periods


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    key: str  # "2026-11" (month) or "2026-Q4" (quarter)

    @property
    def year(self) -> int:
        return self.start.year


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def month(year: int, number: int) -> Period:
    return Period(date(year, number, 1), _month_end(year, number), f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2), f"{year}-Q{number}")


def period_of(day: date, frequency: str) -> Period:
    if frequency == MONTHLY:
        return month(day.year, day.month)
    if frequency == QUARTERLY:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    raise ValueError(frequency)


def parse_period(key: str, frequency: str) -> Period | None:
    """The period named ``key`` in this frequency, or None if it is not one."""
    try:
        year_text, rest = key.strip().split("-", 1)
        year = int(year_text)
        if not 2000 <= year <= 2099:
            return None
        if frequency == QUARTERLY and rest[:1].upper() == "Q" and len(rest) == 2:
            number = int(rest[1])
            return quarter(year, number) if 1 <= number <= 4 else None
        if frequency == MONTHLY and len(rest) == 2 and rest.isdigit():
            number = int(rest)
            return month(year, number) if 1 <= number <= 12 else None
    except ValueError:
        return None
    return None


def previous(period: Period, frequency: str) -> Period:
    return period_of(period.start - timedelta(days=1), frequency)


def last_periods(day: date, frequency: str, count: int) -> list[Period]:
    """The ``count`` periods up to the one containing ``day``, oldest first."""
    current = period_of(day, frequency)
    out = [current]
    while len(out) < count:
        out.append(previous(out[-1], frequency))
    return out[::-1]


# ---------------------------------------------------------------- alerts

OFF_TRACK_ALERT = "off_track"
STALE = "stale"
SUDDEN_CHANGE_ALERT = "sudden_change"


def is_stale(*, last_good_period_end: date | None, today: date, frequency: str) -> bool:
    """True when the figure of the last finished period is missing past its grace."""
    finished = previous(period_of(today, frequency), frequency)
    due = finished.end + GRACE[frequency]
    if last_good_period_end is not None and last_good_period_end >= finished.end:
        return False
    return today > due


def is_sudden_change(previous_value: Decimal | None, value: Decimal | None) -> bool:
    if previous_value is None or value is None:
        return False
    previous_value, value = Decimal(previous_value), Decimal(value)
    if previous_value == 0:
        return value != 0 and abs(value) > 0  # from nothing to something: worth a look
    return abs(value - previous_value) > abs(previous_value) * SUDDEN_CHANGE


def is_outdated(*, last_good_at: datetime | None, now: datetime, max_age: timedelta) -> bool:
    """A computed figure whose source has not answered for longer than ``max_age``."""
    return last_good_at is None or now - last_good_at > max_age


def alerts(*, status_now: str, previous_value: Decimal | None, value: Decimal | None,
           stale: bool) -> list[str]:
    """The alert rules an indicator's latest figure breaks, in a fixed order."""
    raised = []
    if status_now == OFF_TRACK:
        raised.append(OFF_TRACK_ALERT)
    if stale:
        raised.append(STALE)
    if is_sudden_change(previous_value, value):
        raised.append(SUDDEN_CHANGE_ALERT)
    return raised


def target_for(year: int, targets: dict[int, Decimal]) -> Decimal | None:
    """The target that applies in ``year``: that year's, else the next milestone's (the
    2030 target governs 2027–2029), else the last one set."""
    if year in targets:
        return targets[year]
    ahead = [y for y in targets if y > year]
    if ahead:
        return targets[min(ahead)]
    return targets[max(targets)] if targets else None
