"""Schools: the share of schools using the electronic gradebook, through the
schools' contract ``gradebook_usage(*, on, commune_code=None) -> (using, total)``. Until
the schools system exists the figure is "no data yet", never a zero."""

from __future__ import annotations

from datetime import datetime

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, NoDataYet, register, share


def _contract():
    try:
        from tinhso.schools.selectors import gradebook_usage
    except (ImportError, AttributeError) as error:
        raise NoDataYet("schools") from error
    return gradebook_usage


@register("schools.gradebook_usage")
def gradebook_share(period: Period, now: datetime) -> Figures:
    gradebook_usage = _contract()
    from tinhso.core.models import AdministrativeUnit

    on = min(period.end, now.date())
    communes = {}
    for code in AdministrativeUnit.objects.exclude(
            kind=AdministrativeUnit.Kind.PROVINCE).values_list("code", flat=True):
        using, total = gradebook_usage(on=on, commune_code=code)
        if total:
            communes[code] = share(using, total)
    using, total = gradebook_usage(on=on)
    return Figures(share(using, total), communes)
