"""Numbers on the border pages, written as Vietnamese readers (and our money format,
core.money) write them: 28000 kg -> "28.000 kg"."""

from django import template

register = template.Library()


@register.filter
def grouped(value) -> str:
    """A whole number with its thousands grouped by dots; anything else unchanged."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return f"{number:,}".replace(",", ".")
