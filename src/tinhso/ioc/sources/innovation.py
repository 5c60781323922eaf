"""Innovation: startups registered, through the innovation system's contract
``startup_count(*, on, commune_code=None) -> int``. Until it exists: "no data yet"."""

from __future__ import annotations

from datetime import datetime

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, NoDataYet, number, register


def _contract():
    try:
        from tinhso.innovation.selectors import startup_count
    except (ImportError, AttributeError) as error:
        raise NoDataYet("innovation") from error
    return startup_count


@register("innovation.startups")
def startups(period: Period, now: datetime) -> Figures:
    startup_count = _contract()
    from tinhso.core.models import AdministrativeUnit

    on = min(period.end, now.date())
    communes = {code: number(startup_count(on=on, commune_code=code))
                for code in AdministrativeUnit.objects.exclude(
                    kind=AdministrativeUnit.Kind.PROVINCE).values_list("code", flat=True)}
    return Figures(number(startup_count(on=on)), communes)
