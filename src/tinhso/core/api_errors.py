"""Turn validation errors into field-named messages in the person's language.

Pydantic's own messages are English only; the error types people meet on our forms get an
English template here (the gettext msgid, translated in the ``.po`` catalogue), and our
validators' `InvalidValue` keeps its own code and message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from tinhso.core.translatable import Text
from tinhso.core.validators import InvalidValue

# pydantic error type -> English template; {placeholders} come from the error's ctx.
PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": gettext_noop("This field is required."),
    "string_type": gettext_noop("Must be text."),
    "string_too_short": gettext_noop("Must have at least {min_length} characters."),
    "string_too_long": gettext_noop("Must have at most {max_length} characters."),
    "int_parsing": gettext_noop("Must be a whole number."),
    "int_type": gettext_noop("Must be a whole number."),
    "int_from_float": gettext_noop("Must be a whole number."),
    "float_parsing": gettext_noop("Must be a number."),
    "float_type": gettext_noop("Must be a number."),
    "bool_parsing": gettext_noop("Must be true or false."),
    "greater_than": gettext_noop("Must be greater than {gt}."),
    "greater_than_equal": gettext_noop("Must be at least {ge}."),
    "less_than": gettext_noop("Must be less than {lt}."),
    "less_than_equal": gettext_noop("Must be at most {le}."),
    "datetime_parsing": gettext_noop(
        "Not a valid date and time (ISO 8601, e.g. 2026-12-01T08:00:00+07:00)."),
    "datetime_from_date_parsing": gettext_noop("Not a valid date and time (ISO 8601)."),
    "datetime_type": gettext_noop("Not a valid date and time."),
    "date_parsing": gettext_noop("Not a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_noop("Not a valid date."),
    "timezone_aware": gettext_noop("The time must include a time zone (e.g. +07:00)."),
    "enum": gettext_noop("Must be one of: {expected}."),
    "literal_error": gettext_noop("Must be one of: {expected}."),
    "uuid_parsing": gettext_noop("Not a valid UUID."),
    "json_invalid": gettext_noop("The body is not valid JSON."),
    "model_attributes_type": gettext_noop("Malformed data."),
    "dict_type": gettext_noop("Malformed data."),
    "list_type": gettext_noop("Must be a list."),
    "extra_forbidden": gettext_noop("Unknown field."),
}
FALLBACK = gettext_noop("Invalid value.")
# A ValueError raised by a schema validator that is not ours: its own text, as it is.
VALUE_ERROR = gettext_noop("Invalid value: {detail}")


def _text(error: dict[str, Any], ctx: dict[str, Any], exc: object) -> Text:
    if error.get("type") == "value_error" and exc is not None:
        return Text(VALUE_ERROR, {"detail": str(exc)})
    template = PYDANTIC_MESSAGES.get(error.get("type", ""), FALLBACK)
    params = {k: v for k, v in ctx.items() if k != "error"}
    try:
        template.format(**params)
    except (KeyError, IndexError):
        return Text(FALLBACK)
    return Text(template, params)


def translate_error(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error (with ctx.error still an exception) -> our error shape."""
    loc = [str(part) for part in error.get("loc", ())]
    field_path = [part for part in loc if part not in {"body", "payload", "query", "path", "form"}]
    field = ".".join(field_path) or (loc[-1] if loc else "")
    ctx = error.get("ctx") or {}
    exc = ctx.get("error")
    if isinstance(exc, InvalidValue):
        code, text = str(exc.code), exc.text
    else:
        code, text = error.get("type", "invalid"), _text(error, ctx, exc)
    return {"field": field, "code": code, "message": text.render(),
            "message_vi": text.render("vi"), "message_en": text.render("en"), "loc": loc}
