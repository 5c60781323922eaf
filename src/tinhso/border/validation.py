"""Turn what an enterprise typed into a clean declaration, naming every bad field at once.
Shared by the web form and the API (both call `clean_declaration`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import get_format
from django.utils.functional import lazy

from tinhso.border.errors import BorderError, border_invalid
from tinhso.border.models import Direction, Gate, GoodsCategory
from tinhso.core.errors import FieldCollector
from tinhso.core.validators import (
    ErrorCode,
    InvalidValue,
    check_datetime_in_window,
    check_text,
    invalid_value,
    normalize_citizen_id,
    normalize_mobile,
    normalize_plate,
)

PASSPORT = re.compile(r"^[A-Z]{1,2}\d{7,8}$")
MAX_WEIGHT_KG = 100_000
MAX_CONTAINERS = 4
# A declaration for a truck that arrives more than this far ahead is a planning error.
MAX_DAYS_AHEAD = 30


def _grouped(number: int) -> str:
    """`number` with the thousands separator of the language it is shown in (lazy)."""
    return lazy(lambda: f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR")), str)()


def normalize_driver_id(value: Any, *, field: str = "driver_id_number") -> str:
    text = re.sub(r"[\s.\-]", "", str(value or "")).upper()
    if PASSPORT.match(text):
        return text
    return normalize_citizen_id(text, field=field)


def normalize_driver_phone(value: Any, *, field: str = "driver_phone") -> str:
    """Vietnamese mobiles become 0xxxxxxxxx; drivers from China give +86 numbers, kept E.164."""
    text = str(value or "").strip()
    if text.startswith("+") and not text.startswith("+84"):
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise border_invalid(BorderError.INTERNATIONAL_PHONE, field=field)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return normalize_mobile(text, field=field)


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = " ".join(check_text(str(value or ""), field).split())
    if required and not text:
        raise invalid_value(field, ErrorCode.REQUIRED)
    if len(text) > max_length:
        raise border_invalid(BorderError.TOO_LONG, field=field, max_length=max_length)
    return text


def parse_text_field(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    """Text typed in a form: spaces collapsed, no control characters, at most ``max_length``
    characters."""
    return _text(value, field, max_length=max_length, required=required)


def parse_int_field(value: Any, field: str, *, low: int, high: int) -> int:
    text = str(value).strip()
    try:
        if len(text) > 20:  # no bound here has 20 digits; int() of a huge text is slow
            raise ValueError(text[:20])
        number = int(text)
    except (TypeError, ValueError):
        raise border_invalid(BorderError.INTEGER, field=field) from None
    if not low <= number <= high:
        raise border_invalid(BorderError.RANGE, field=field, low=_grouped(low),
                             high=_grouped(high))
    return number


def parse_datetime_field(value: Any, field: str, *, required: bool = True) -> datetime | None:
    """A date and time typed in a form (``2026-12-01T08:00``, ISO 8601, an offset optional:
    without one it is Vietnamese time), in the years every input keeps to
    (`validators.EARLIEST_YEAR`–`LATEST_YEAR`)."""
    if value in (None, ""):
        if required:
            raise border_invalid(BorderError.DATETIME_REQUIRED, field=field)
        return None
    try:
        moment = value if isinstance(value, datetime) else parse_datetime(str(value).strip()[:40])
    except ValueError:  # well formed but impossible, e.g. month 13
        moment = None
    if moment is None:
        raise border_invalid(BorderError.DATETIME, field=field)
    check_datetime_in_window(moment, field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choice(model, value: Any, field: str, **filters):
    code = check_text(str(value or ""), field).strip()
    obj = model.objects.filter(code=code, **filters).first() if len(code) <= 64 else None
    if obj is None:
        raise border_invalid(BorderError.CHOICE, field=field)
    return obj


def frozen_in_yard(field: str) -> InvalidValue:
    return border_invalid(BorderError.FROZEN_IN_YARD, field=field)


def clean_declaration(data: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Validate and normalise a declaration; raise InvalidInput listing every bad field."""
    now = now or timezone.now()
    check = FieldCollector()
    check.field("plate", normalize_plate, data.get("plate"), field="plate")
    if data.get("trailer_plate"):
        check.field("trailer_plate", normalize_plate, data["trailer_plate"], field="trailer_plate")
    else:
        check.cleaned["trailer_plate"] = ""
    check.field("driver_name", _text, data.get("driver_name"), "driver_name", max_length=120)
    check.field("driver_id_number", normalize_driver_id, data.get("driver_id_number"))
    check.field("driver_phone", normalize_driver_phone, data.get("driver_phone"))
    check.field("goods", _choice, GoodsCategory, data.get("goods"), "goods")
    check.field("goods_description", _text, data.get("goods_description"), "goods_description",
                max_length=255, required=False)
    check.field("weight_kg", parse_int_field, data.get("weight_kg"), "weight_kg", low=1, high=MAX_WEIGHT_KG)
    check.field("containers", parse_int_field, data.get("containers", 0) or 0, "containers", low=0,
                high=MAX_CONTAINERS)
    direction = str(data.get("direction") or "")
    if direction in Direction.values:
        check.cleaned["direction"] = direction
    else:
        check.fail(border_invalid(BorderError.DIRECTION_CHOICE, field="direction"))
    gate = check.field("gate", _choice, Gate, data.get("gate"), "gate", is_active=True)
    if gate is not None and direction in Direction.values and not gate.serves(direction):
        check.fail(border_invalid(BorderError.GATE_DIRECTION, field="gate", gate=gate.name))
    arrival = check.field("expected_arrival", parse_datetime_field, data.get("expected_arrival"),
                          "expected_arrival")
    if arrival is not None and not (now - timedelta(hours=12) <= arrival
                                    <= now + timedelta(days=MAX_DAYS_AHEAD)):
        check.fail(border_invalid(BorderError.ARRIVAL_RANGE, field="expected_arrival",
                                  days=MAX_DAYS_AHEAD))
    loaded = check.field("loaded_at", parse_datetime_field, data.get("loaded_at"), "loaded_at",
                         required=False)
    if loaded is not None and arrival is not None and loaded > arrival:
        check.fail(border_invalid(BorderError.LOADING_ORDER, field="loaded_at"))
    check.raise_if_invalid()
    return check.cleaned
