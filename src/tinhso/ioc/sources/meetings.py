"""Online meetings: the share of the conference points ready to connect (not faulty or
under maintenance), for the province and per commune (the points located in it). It is a
state at the moment of the computation: the current period's figure follows it, past
periods keep the value they had."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Q

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, register, share


@register("meetings.points_ready", as_of_now=True)
def points_ready(period: Period, now: datetime) -> Figures:
    from tinhso.meetings.models import ConferencePoint

    ready = Q(state=ConferencePoint.State.READY)
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for row in (ConferencePoint.objects.values("unit__code")
                .annotate(n=Count("id"), ready=Count("id", filter=ready)).order_by()):
        totals[row["unit__code"]][0] += row["ready"]
        totals[row["unit__code"]][1] += row["n"]
    province = [sum(v[0] for v in totals.values()), sum(v[1] for v in totals.values())]
    return Figures(share(*province),
                   {code: share(*v) for code, v in totals.items() if code is not None})
