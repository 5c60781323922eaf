"""Digital border gate: trucks crossing per day in the period (over the days elapsed), the
backlog (trucks waiting in the yards at the moment of the computation) and the mean wait
from check-in to crossing of the period's crossings, in hours. Province-wide figures."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, number, register


def _crossed(period: Period, now: datetime):
    from tinhso.border.models import Declaration, DeclarationState

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    return start, end, Declaration.objects.filter(
        state=DeclarationState.CROSSED, crossed_at__gte=start, crossed_at__lt=end)


@register("border.trucks_per_day")
def trucks_per_day(period: Period, now: datetime) -> Figures:
    start, end, crossed = _crossed(period, now)
    days = (end - start).total_seconds() / 86400
    if days <= 0:
        return Figures(None)
    return Figures(number(crossed.count() / days))


@register("border.backlog")
def backlog(period: Period, now: datetime) -> Figures:
    from tinhso.border.models import Declaration
    from tinhso.border.workflow import WAITING_STATES

    return Figures(number(Declaration.objects.filter(state__in=WAITING_STATES).count()))


@register("border.mean_wait")
def mean_wait(period: Period, now: datetime) -> Figures:
    _start, _end, crossed = _crossed(period, now)
    pairs = crossed.filter(checked_in_at__isnull=False).values_list("checked_in_at",
                                                                    "crossed_at")
    total, count = 0.0, 0
    for checked_in, crossed_at in pairs.iterator(chunk_size=2000):
        total += (crossed_at - checked_in).total_seconds() / 3600
        count += 1
    return Figures(number(total / count) if count else None)


