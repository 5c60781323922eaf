"""Domain errors: a machine code, the field it concerns, an HTTP status and a message
translated from the code.

Each app keeps its codes in one `StrEnum` with a message table
``{code: (English template, status)}``; the English template is the gettext msgid, so the
Vietnamese (and any later language) lives only in the ``.po`` catalogue. Services raise
`DomainError`; pages and the API show the message in the person's language, and the API
also returns it in Vietnamese and English (`message_vi`, `message_en`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop

from tinhso.core.translatable import Text, TranslatedMessage
from tinhso.core.validators import InvalidValue

#: ``{code: (English template, HTTP status)}``
ErrorTable = Mapping[StrEnum, tuple[str, int]]


class DomainError(TranslatedMessage, Exception):
    """A refused use case. `message(language)` renders the template in that language;
    `message_vi` / `message_en` are the two texts the API returns."""

    status = 400

    def __init__(
        self,
        code: StrEnum | str,
        template: str,
        *,
        field: str | None = None,
        status: int | None = None,
        params: Mapping[str, Any] | None = None,
    ):
        super().__init__(str(code), template)  # enough for pickle to rebuild it
        self.code = str(code)
        self.field = field
        self.text = Text(template, params)
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def as_dict(self, language: str | None = None) -> dict:
        return {
            "code": self.code,
            "field": self.field,
            "message": self.message(language),
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def coded_error(messages: ErrorTable):
    """Build a raiser for an app's error table: `raise app_error(Code.X, field="plate", n=2)`.

    Keyword arguments other than `field` and `http_status` (which overrides the table's
    status) fill the template's placeholders."""

    def make(error_code: StrEnum, /, *, field: str | None = None, http_status: int | None = None,
             **params) -> DomainError:
        template, status = messages[error_code]
        return DomainError(error_code, template, field=field, status=http_status or status,
                           params=params)

    return make


def coded_invalid(messages: ErrorTable):
    """Build a maker of field errors (`InvalidValue`, collected by `FieldCollector` and
    turned into a 422) from an app's error table: `raise app_invalid(Code.X, field="gate")`."""

    def make(error_code: StrEnum, /, *, field: str, **params) -> InvalidValue:
        template, _status = messages[error_code]
        return InvalidValue(field, error_code, template, params)

    return make


def move_to(state_label):
    """The action phrase of a refused state change, for an app's NOT_ALLOWED_IN_STATE
    message ("Cannot {action} while …"): ``move to “<state>”``. ``state_label``: the
    (lazy) label of the target state. Each app's ``Action`` table offers it as
    ``Action.move_to``."""
    return format_lazy(gettext_lazy("move to “{state}”"), state=state_label)


class CoreError(StrEnum):
    """Errors the platform itself answers with, whatever the app."""

    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNAUTHENTICATED = "unauthenticated"
    UNAVAILABLE = "unavailable"
    # The reason an irreversible action asks for (core.reasons).
    REASON_REQUIRED = "reason.required"
    REASON_UNKNOWN = "reason.unknown"
    REASON_NOTE_REQUIRED = "reason.note_required"


MESSAGES: dict[CoreError, tuple[str, int]] = {
    CoreError.FORBIDDEN: (gettext_noop("You are not allowed to do this."), 403),
    CoreError.NOT_FOUND: (gettext_noop("Not found."), 404),
    CoreError.UNAUTHENTICATED: (gettext_noop("Log in or send a valid API key."), 401),
    CoreError.UNAVAILABLE: (
        gettext_noop("The service is temporarily unavailable. Please try again in a minute."),
        503),
    CoreError.REASON_REQUIRED: (gettext_noop("Choose a reason."), 422),
    # {reason}: the code sent; {choices}: the codes allowed, comma-separated.
    CoreError.REASON_UNKNOWN: (
        gettext_noop("“{reason}” is not a reason for this action: choose one of {choices}."),
        422),
    CoreError.REASON_NOTE_REQUIRED: (
        gettext_noop("With the reason “other”, describe the reason in the note."), 422),
}

core_error = coded_error(MESSAGES)


class InvalidInput(Exception):
    """Several fields failed validation at once; nothing was written."""

    def __init__(self, errors: list):  # list[InvalidValue | DomainError]
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def as_list(self, language: str | None = None) -> list[dict]:
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
