"""Template filters of the hub, review and KPI pages."""

from django import template

from tinhso.core.money import format_vnd

register = template.Library()


@register.filter
def stars(value) -> str:
    """4 → '★★★★☆'."""
    try:
        n = max(0, min(5, int(round(float(value)))))
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)


@register.filter
def vnd(value) -> str:
    return format_vnd(int(value or 0))
