"""Selling units and decimal quantities (pure Python, no Django).

Farm produce is weighed: a product sold by the kg may be bought in steps of 0.5 kg from a
minimum of 1 kg. Quantities are ``Decimal`` with three places (grams of a kg), never
floats, and a line's amount is rounded half-up to the whole đồng."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

QUANTITY_PLACES = Decimal("0.001")
MAX_QUANTITY = Decimal("1000000")

# code -> (Vietnamese, English); the code is what the database and the API store.
UNITS: dict[str, tuple[str, str]] = {
    "kg": ("kg", "kg"),
    "g": ("g", "g"),
    "bunch": ("bó", "bunch"),
    "fruit": ("quả", "fruit"),
    "box": ("hộp", "box"),
    "litre": ("lít", "litre"),
    "piece": ("chiếc", "piece"),
    "pack": ("gói", "pack"),
    "bottle": ("chai", "bottle"),
    "jar": ("hũ", "jar"),
}


class BadQuantity(ValueError):
    """Not a positive quantity with at most three decimal places; callers name the field."""


def parse_quantity(value: object) -> Decimal:
    """A quantity from user input ("1,5", "1.5", 2): a positive Decimal, 3 places at most."""
    text = str(value).strip().replace(",", ".")
    try:
        quantity = Decimal(text)
    except InvalidOperation as exc:
        raise BadQuantity from exc
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise BadQuantity
    if quantity != quantity.quantize(QUANTITY_PLACES):
        raise BadQuantity
    return quantity.quantize(QUANTITY_PLACES)


def on_step(quantity: Decimal, step: Decimal, minimum: Decimal) -> bool:
    """Whether ``quantity`` is at least ``minimum`` and a whole number of ``step`` above it
    (0.5 kg steps from 1 kg: 1, 1.5, 2 … are on step; 1.2 is not)."""
    if quantity < minimum or step <= 0:
        return False
    return (quantity - minimum) % step == 0


def line_amount(unit_price_vnd: int, quantity: Decimal) -> int:
    """Price × quantity in whole đồng, rounded half-up (2.5 kg at 45,001 ₫ = 112,503 ₫)."""
    return int((Decimal(unit_price_vnd) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))
