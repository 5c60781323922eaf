"""One-stop public services (Decision 766): of the dossiers received in the period, the
share received online, and of those resolved, the share resolved on time — from the
public services' own statistics (`publicservices.statistics.counts`, per agency), each
commune's figure from the agencies of that commune."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, register, share


def _rows(period: Period, now: datetime) -> tuple[dict, dict[int, dict]]:
    from tinhso.publicservices import statistics
    from tinhso.publicservices.models import Agency

    rows = statistics.counts(statistics.Period(period.start, period.end), by="agency", now=now)
    commune_of = dict(Agency.objects.filter(administrative_unit__isnull=False)
                      .values_list("pk", "administrative_unit__code"))
    total: dict[str, int] = defaultdict(int)
    communes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for name in ("received", "received_online", "resolved", "resolved_on_time"):
            total[name] += row[name]
            if row["agency_id"] in commune_of:
                communes[commune_of[row["agency_id"]]][name] += row[name]
    return total, communes


@register("publicservices.online_share")
def online_share(period: Period, now: datetime) -> Figures:
    total, communes = _rows(period, now)
    return Figures(share(total["received_online"], total["received"]),
                   {code: share(c["received_online"], c["received"])
                    for code, c in communes.items()})


@register("publicservices.on_time_share")
def on_time_share(period: Period, now: datetime) -> Figures:
    total, communes = _rows(period, now)
    return Figures(share(total["resolved_on_time"], total["resolved"]),
                   {code: share(c["resolved_on_time"], c["resolved"])
                    for code, c in communes.items()})
