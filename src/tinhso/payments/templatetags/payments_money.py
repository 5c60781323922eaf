from django import template

from tinhso.core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """``{{ invoice.amount_vnd|vnd }}`` → ``1.234.567 ₫``."""
    return format_vnd(int(amount))
