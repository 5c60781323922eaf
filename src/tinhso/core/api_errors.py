"""Turn validation errors into field-named messages in Vietnamese and English.

Pydantic's own messages are English only; we translate the error types people meet on our
forms and keep the bilingual text of our validators' `InvalidValue` as it is.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tinhso.core.validators import InvalidValue

# pydantic error type -> (vi, en); {placeholders} come from the error's ctx.
PYDANTIC_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("Trường này là bắt buộc.", "This field is required."),
    "string_type": ("Phải là một chuỗi ký tự.", "Must be text."),
    "string_too_short": (
        "Phải có ít nhất {min_length} ký tự.",
        "Must have at least {min_length} characters.",
    ),
    "string_too_long": (
        "Không được dài quá {max_length} ký tự.",
        "Must have at most {max_length} characters.",
    ),
    "int_parsing": ("Phải là một số nguyên.", "Must be a whole number."),
    "int_type": ("Phải là một số nguyên.", "Must be a whole number."),
    "int_from_float": ("Phải là một số nguyên.", "Must be a whole number."),
    "float_parsing": ("Phải là một số.", "Must be a number."),
    "float_type": ("Phải là một số.", "Must be a number."),
    "bool_parsing": ("Phải là đúng hoặc sai.", "Must be true or false."),
    "greater_than": ("Phải lớn hơn {gt}.", "Must be greater than {gt}."),
    "greater_than_equal": ("Phải lớn hơn hoặc bằng {ge}.", "Must be at least {ge}."),
    "less_than": ("Phải nhỏ hơn {lt}.", "Must be less than {lt}."),
    "less_than_equal": ("Phải nhỏ hơn hoặc bằng {le}.", "Must be at most {le}."),
    "datetime_parsing": (
        "Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2026-12-01T08:00:00+07:00).",
        "Not a valid date and time (ISO 8601, e.g. 2026-12-01T08:00:00+07:00).",
    ),
    "datetime_from_date_parsing": (
        "Không phải thời điểm hợp lệ (ISO 8601).",
        "Not a valid date and time (ISO 8601).",
    ),
    "datetime_type": ("Không phải thời điểm hợp lệ.", "Not a valid date and time."),
    "date_parsing": ("Không phải ngày hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": ("Không phải ngày hợp lệ.", "Not a valid date."),
    "timezone_aware": (
        "Thời điểm phải có múi giờ (ví dụ +07:00).",
        "The time must include a time zone (e.g. +07:00).",
    ),
    "enum": ("Phải là một trong: {expected}.", "Must be one of: {expected}."),
    "literal_error": ("Phải là một trong: {expected}.", "Must be one of: {expected}."),
    "uuid_parsing": ("Không phải mã UUID hợp lệ.", "Not a valid UUID."),
    "json_invalid": ("Nội dung JSON không hợp lệ.", "The body is not valid JSON."),
    "model_attributes_type": ("Dữ liệu không đúng dạng.", "Malformed data."),
    "dict_type": ("Dữ liệu không đúng dạng.", "Malformed data."),
    "list_type": ("Phải là một danh sách.", "Must be a list."),
    "extra_forbidden": ("Trường không được phép.", "Unknown field."),
}
FALLBACK = ("Giá trị không hợp lệ.", "Invalid value.")


def translate_error(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error (with ctx.error still an exception) -> our error shape."""
    loc = [str(part) for part in error.get("loc", ())]
    field_path = [part for part in loc if part not in {"body", "payload", "query", "path", "form"}]
    field = ".".join(field_path) or (loc[-1] if loc else "")
    ctx = error.get("ctx") or {}
    exc = ctx.get("error")
    if isinstance(exc, InvalidValue):
        return {
            "field": field,
            "code": exc.code,
            "message_vi": exc.message_vi,
            "message_en": exc.message_en,
            "loc": loc,
        }
    vi, en = PYDANTIC_MESSAGES.get(error.get("type", ""), FALLBACK)
    if error.get("type") == "value_error" and exc is not None:
        vi, en = f"Giá trị không hợp lệ: {exc}", f"Invalid value: {exc}"
    params = {k: v for k, v in ctx.items() if k != "error"}
    with contextlib.suppress(KeyError, IndexError):
        vi, en = vi.format(**params), en.format(**params)
    return {"field": field, "code": error.get("type", "invalid"), "message_vi": vi,
            "message_en": en, "loc": loc}
