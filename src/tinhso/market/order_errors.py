"""Error codes of carts, checkout and orders, with their English templates (gettext
msgids; the Vietnamese is in the ``.po`` catalogue) and HTTP statuses."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import get_language, gettext_noop

from tinhso.core.errors import coded_error, coded_invalid
from tinhso.core.translatable import Text
from tinhso.market.units import UNITS


class OrderError(StrEnum):
    EMPTY_CART = "market.cart_empty"
    TOO_MANY_LINES = "market.too_many_lines"
    UNAVAILABLE = "market.product_unavailable"
    OUT_OF_SEASON = "market.out_of_season"
    BAD_QUANTITY = "market.quantity"
    OFF_STEP = "market.quantity_step"
    OVER_STOCK = "market.over_stock"
    SOLD_OUT = "market.sold_out"
    REQUIRED = "market.required"
    TOO_LONG = "market.too_long"
    BAD_CHOICE = "market.choice"
    UNKNOWN_COMMUNE = "market.commune"
    UNKNOWN_HUB = "market.hub"
    NO_PAYEE = "market.no_payee"
    NOT_ALLOWED = "market.order_state"
    NOT_TRANSFER = "market.not_transfer"
    SELLER_ACTION = "market.seller_action"


MESSAGES: dict[OrderError, tuple[str, int]] = {
    OrderError.EMPTY_CART: (gettext_noop("The cart is empty: add products first."), 422),
    OrderError.TOO_MANY_LINES: (
        gettext_noop("At most {max} different products in one order."), 422),
    # {product}: the product's name.
    OrderError.UNAVAILABLE: (gettext_noop("“{product}” is no longer on sale."), 422),
    OrderError.OUT_OF_SEASON: (
        gettext_noop("“{product}” is out of season: it is sold from month {start} to month "
                     "{end}."), 422),
    OrderError.BAD_QUANTITY: (
        gettext_noop("“{product}”: the quantity must be a positive number with at most "
                     "three decimals (for example 1,5)."), 422),
    # {minimum}, {step}: quantities; {unit}: the selling unit (kg, bó…).
    OrderError.OFF_STEP: (
        gettext_noop("“{product}”: the quantity must be at least {minimum} {unit}, in steps "
                     "of {step} {unit}."), 422),
    OrderError.OVER_STOCK: (
        gettext_noop("“{product}”: only {stock} {unit} left in stock."), 422),
    OrderError.SOLD_OUT: (
        gettext_noop("“{product}” ran out while you were ordering: only {stock} {unit} left. "
                     "Nothing was ordered; change the quantity and try again."), 409),
    OrderError.REQUIRED: (gettext_noop("This field is required."), 422),
    OrderError.TOO_LONG: (gettext_noop("At most {max} characters."), 422),
    # {choices}: the codes allowed, comma-separated.
    OrderError.BAD_CHOICE: (gettext_noop("Choose one of: {choices}."), 422),
    OrderError.UNKNOWN_COMMUNE: (
        gettext_noop("Choose the commune or ward to deliver to from the list."), 422),
    OrderError.UNKNOWN_HUB: (gettext_noop("Choose an open hub to pick the order up at."), 422),
    OrderError.NO_PAYEE: (
        gettext_noop("Payment by bank transfer is not available at the moment: choose cash "
                     "on delivery."), 422),
    # {state}, {target}: OrderState labels.
    OrderError.NOT_ALLOWED: (
        gettext_noop("Order {code} is “{state}”: it cannot become “{target}”."), 409),
    OrderError.NOT_TRANSFER: (
        gettext_noop("Order {code} is not paid by bank transfer."), 409),
    OrderError.SELLER_ACTION: (
        gettext_noop("A seller can only mark its part packed, shipped, ready for pickup "
                     "or delivered."), 422),
}

order_error = coded_error(MESSAGES)
order_invalid = coded_invalid(MESSAGES)


class UnitName(Text):
    """A selling unit in the language the message is shown in (bó / bunch)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)

    def _format(self, gettext, *, promise) -> str:
        vi, en = UNITS.get(self.template, (self.template, self.template))
        return en if (get_language() or "vi").startswith("en") else vi


def quantity_text(quantity) -> str:
    """1.500 → "1.5" (English) — no trailing zeros, no exponent."""
    text = format(quantity.normalize(), "f") if hasattr(quantity, "normalize") else str(quantity)
    return text


class QuantityText(Text):
    """A decimal quantity as the reader writes it: 1,5 in Vietnamese, 1.5 in English."""

    def __init__(self, quantity) -> None:
        super().__init__(quantity_text(quantity))

    def _format(self, gettext, *, promise) -> str:
        english = (get_language() or "vi").startswith("en")
        return self.template if english else self.template.replace(".", ",")
