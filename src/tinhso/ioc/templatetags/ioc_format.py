"""How a figure is written on the dashboard: Vietnamese grouping and decimals, the unit."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

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
