"""Money is an integer number of Vietnamese đồng, shown ``1.234.567 ₫``.

Pure Python (no Django import). The đồng has no minor unit in use, so amounts are
``int`` everywhere; floats are refused rather than rounded.
"""

from __future__ import annotations

import re
import unicodedata

from tinhso.core.validators import ErrorCode, InvalidValue, invalid_value

__all__ = ["CURRENCY_SYMBOL", "format_vnd", "parse_vnd"]

CURRENCY_SYMBOL = "₫"


def format_vnd(amount: int) -> str:
    """Format an integer amount of VND: ``1234567`` → ``'1.234.567 ₫'``, ``-1234`` → ``'-1.234 ₫'``.

    Raises TypeError for anything that is not an ``int`` (floats, Decimals, bools),
    because a fractional đồng amount is a bug upstream, not something to round here.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"format_vnd() needs an int amount of VND, not {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}{grouped} {CURRENCY_SYMBOL}"


# Currency markers people type around an amount, matched case-insensitively.
_CURRENCY_RE = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)\.?", re.IGNORECASE)
_GROUPED_RE = re.compile(
    r"(?P<int>[0-9]{1,3}(?:(?P<sep>[.,' ])[0-9]{3})(?:(?P=sep)[0-9]{3})*)"
    r"(?:[.,](?P<frac>[0-9]{1,2}))?",
    re.ASCII,
)
_PLAIN_RE = re.compile(r"(?P<int>[0-9]+)(?:[.,](?P<frac>[0-9]{1,2}))?", re.ASCII)


def parse_vnd(text: str, *, field: str = "amount") -> int:
    """Parse an amount of VND typed or printed by a person into an ``int``.

    Tolerates ``'1.234.567 ₫'``, ``'1234567'``, ``'1,234,567 VND'``, ``'1 234 567đ'``,
    ``'-1.234 ₫'`` and a zero decimal part (``'1,234,567.00 VND'``). Thousands
    separators must group by three and be used consistently; a non-zero fraction of
    a đồng is rejected. Raises :class:`InvalidValue` (a ValueError) for ``field``.
    """

    def invalid() -> InvalidValue:
        return invalid_value(field, ErrorCode.AMOUNT_FORMAT)

    if not isinstance(text, str):
        raise invalid()
    cleaned = unicodedata.normalize("NFKC", text)  # non-breaking spaces become spaces
    cleaned = _CURRENCY_RE.sub("", cleaned).strip()
    negative = cleaned.startswith(("-", "−"))
    if negative:
        cleaned = cleaned[1:].strip()
    match = _PLAIN_RE.fullmatch(cleaned) or _GROUPED_RE.fullmatch(cleaned)
    if match is None:
        raise invalid()
    integer = match.group("int")
    sep = match.groupdict().get("sep")
    frac = match.group("frac")
    if frac is not None:
        # "1.234" is one thousand two hundred thirty-four in Vietnamese notation, so a
        # decimal part is only read as such when it cannot be a thousands group and
        # uses the other separator; and it must be zero.
        decimal_sep = cleaned[len(integer)]
        if decimal_sep == sep or int(frac) != 0:
            raise invalid()
    value = int(integer.replace(sep, "") if sep else integer)
    return -value if negative else value
