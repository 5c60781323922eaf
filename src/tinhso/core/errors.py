"""Domain errors: a machine code plus a Vietnamese and an English message.

Each app keeps its codes in one `ErrorCode` enum with a message table; services raise
`DomainError`; pages and the API show the message in the person's language.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import get_language


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        code: StrEnum | str,
        message_vi: str,
        message_en: str,
        *,
        field: str | None = None,
        status: int | None = None,
    ):
        super().__init__(f"{code}: {message_en}")
        self.code = str(code)
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
        if status is not None:
            self.status = status

    def message(self, language: str | None = None) -> str:
        language = language or get_language() or "vi"
        return self.message_en if language.startswith("en") else self.message_vi

    def as_dict(self, language: str | None = None) -> dict:
        return {
            "code": self.code,
            "field": self.field,
            "message": self.message(language),
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def coded_error(messages: dict[StrEnum, tuple[str, str, int]]):
    """Build a raiser for an app's error table: `raise app_error(Code.X, field="plate")`."""

    def make(code: StrEnum, *, field: str | None = None, **params) -> DomainError:
        vi, en, status = messages[code]
        return DomainError(code, vi.format(**params), en.format(**params), field=field, status=status)

    return make
