"""Domain errors: a machine code plus a Vietnamese and an English message.

Each app keeps its codes in one `ErrorCode` enum with a message table; services raise
`DomainError`; pages and the API show the message in the person's language.
"""

from __future__ import annotations

from enum import StrEnum

from tinhso.core.language import current_language


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
        language = language or current_language()
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

    def make(error_code: StrEnum, /, *, field: str | None = None, **params) -> DomainError:
        vi, en, status = messages[error_code]
        return DomainError(error_code, vi.format(**params), en.format(**params), field=field,
                           status=status)

    return make


class InvalidInput(Exception):
    """Several fields failed validation at once; nothing was written."""

    def __init__(self, errors: list):  # list[InvalidValue]
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def as_list(self, language: str | None = None) -> list[dict]:
        language = language or current_language()
        return [
            {
                "field": e.field,
                "code": str(e.code),
                "message": e.message(language),
                "message_vi": e.message_vi,
                "message_en": e.message_en,
            }
            for e in self.errors
        ]


class FieldCollector:
    """Run several field normalisers and raise one InvalidInput listing every bad field."""

    def __init__(self):
        self.errors: list = []
        self.cleaned: dict = {}

    def field(self, name: str, normalise, *args, **kwargs):
        from tinhso.core.validators import InvalidValue

        try:
            self.cleaned[name] = normalise(*args, **kwargs)
        except InvalidValue as error:
            self.errors.append(error)
        return self.cleaned.get(name)

    def fail(self, error) -> None:
        self.errors.append(error)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
