"""Digital border gate: trucks crossing per day in the period (over the days elapsed), the
backlog (trucks waiting in the yards at the moment of the computation) and the mean wait
from check-in to crossing of the period's crossings, in hours. The province's figure and
each commune's that has a border gate (`Gate.commune`): a truck counts where its gate is."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, number, register

GATE_COMMUNES = gettext_noop("Only the communes with a border gate have this figure: a "
                             "truck counts in the commune of the gate it crosses.")


def _crossed(period: Period, now: datetime):
    from tinhso.border.models import Declaration, DeclarationState

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    return start, end, Declaration.objects.filter(
        state=DeclarationState.CROSSED, crossed_at__gte=start, crossed_at__lt=end)


def _gate_communes() -> dict[int, int]:
    from tinhso.border.models import Gate

    return dict(Gate.objects.filter(commune__isnull=False)
                .values_list("pk", "commune__code"))


def _per_commune(counts: dict[int, float]) -> dict[int, float]:
    """Per-gate figures summed into their communes; every gate commune has a figure."""
    communes = _gate_communes()
    out: dict[int, float] = dict.fromkeys(communes.values(), 0)
    for gate_id, value in counts.items():
        if gate_id in communes:
            out[communes[gate_id]] += value
    return out


@register("border.trucks_per_day", some_communes=GATE_COMMUNES)
def trucks_per_day(period: Period, now: datetime) -> Figures:
    start, end, crossed = _crossed(period, now)
    days = (end - start).total_seconds() / 86400
    if days <= 0:
        return Figures(None)
    per_gate = dict(crossed.values("gate").annotate(n=Count("id")).order_by()
                    .values_list("gate", "n"))
    communes = _per_commune(per_gate)
    return Figures(number(sum(per_gate.values()) / days),
                   {code: number(n / days) for code, n in communes.items()})


@register("border.backlog", some_communes=GATE_COMMUNES, as_of_now=True)
def backlog(period: Period, now: datetime) -> Figures:
    from tinhso.border.models import Declaration
    from tinhso.border.workflow import WAITING_STATES

    per_gate = dict(Declaration.objects.filter(state__in=WAITING_STATES).values("gate")
                    .annotate(n=Count("id")).order_by().values_list("gate", "n"))
    communes = _per_commune(per_gate)
    return Figures(number(sum(per_gate.values())),
                   {code: number(n) for code, n in communes.items()})


@register("border.mean_wait", some_communes=GATE_COMMUNES)
def mean_wait(period: Period, now: datetime) -> Figures:
    _start, _end, crossed = _crossed(period, now)
    rows = crossed.filter(checked_in_at__isnull=False).values_list("gate", "checked_in_at",
                                                                   "crossed_at")
    communes = _gate_communes()
    hours: dict[int | None, list[float]] = defaultdict(lambda: [0.0, 0])
    for gate_id, checked_in, crossed_at in rows.iterator(chunk_size=5000):
        waited = (crossed_at - checked_in).total_seconds() / 3600
        for key in (None, communes.get(gate_id, -1)):
            hours[key][0] += waited
            hours[key][1] += 1
    total, count = hours[None]
    return Figures(number(total / count) if count else None,
                   {code: number(hours[code][0] / hours[code][1]) if hours[code][1] else None
                    for code in set(communes.values())})
