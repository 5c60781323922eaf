from django import template

from tinhso.schools import selectors, services
from tinhso.schools.models import Level

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def shown(value) -> str:
    """A cell or result as a Vietnamese reader sees it (Đạt, Hoàn thành tốt, 7.5)."""
    return selectors.show(value)


@register.filter
def slot_short(slot: str) -> str:
    return services.SLOT_SHORT.get(slot, slot)


@register.filter
def school_level(code: str) -> str:
    try:
        return str(Level(code).label)
    except ValueError:
        return code
