"""How a figure is written on the dashboard: Vietnamese grouping and decimals, the unit;
and how a period is named to a reader."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from tinhso.ioc import rules
from tinhso.ioc.reports import number_vi

register = template.Library()
BILLION = Decimal(10) ** 9


@register.filter
def figure(value: Decimal | None, unit: str) -> str:
    """``{{ tile.value|figure:tile.indicator.unit }}`` → ``30,5 %``, ``1.234.000 ₫``,
    ``21.350 tỷ ₫`` (a GRDP in full would not fit a tile)."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{number_vi(value, 1)} %"
    if unit == "vnd" and abs(value) >= BILLION:
        return _("%(n)s billion ₫") % {"n": number_vi(value / BILLION)}
    if unit == "vnd":
        return f"{number_vi(value, 0)} ₫"
    if unit == "trucks_per_day":
        return _("%(n)s trucks/day") % {"n": number_vi(value, 1)}
    if unit == "hours":
        return _("%(n)s h") % {"n": number_vi(value, 1)}
    return number_vi(value)


@register.filter
def period_label(key: str) -> str:
    """``{{ alert.period|period_label }}``: the stored key ``2026-12`` → ``tháng 12/2026``,
    ``2026-Q3`` → ``quý 3/2026`` (read by ``rules.parse_period``); anything else as it is."""
    month = rules.parse_period(key or "", rules.MONTHLY)
    if month:
        return _("month %(m)s/%(y)s") % {"m": f"{month.start.month:02d}", "y": month.year}
    quarter = rules.parse_period(key or "", rules.QUARTERLY)
    if quarter:
        return _("quarter %(q)s/%(y)s") % {"q": (quarter.start.month - 1) // 3 + 1,
                                            "y": quarter.year}
    return key
