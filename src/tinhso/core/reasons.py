"""Reasons for irreversible actions (reject, hold, cancel, reverse a payment): each action
has a small table of codes (a ``TextChoices`` with gettext labels), always with ``other``,
which needs a free-text note. The reason is stored with the action, written in its audit
entry and shown to whoever the action affects."""

from __future__ import annotations

from django.db import models
from django.utils import translation

from tinhso.core.errors import CoreError, core_error

OTHER = "other"
NOTE_MAX_LENGTH = 1000


def clean_reason(choices: type[models.TextChoices], reason: str | None,
                 note: str | None) -> tuple[str, str]:
    """The reason code and the note, checked: a known code of ``choices`` (field
    ``reason``), and a note when the reason is ``other`` (field ``note``)."""
    reason = (reason or "").strip()
    note = (note or "").strip()[:NOTE_MAX_LENGTH]
    if not reason:
        raise core_error(CoreError.REASON_REQUIRED, field="reason")
    if reason not in choices.values:
        raise core_error(CoreError.REASON_UNKNOWN, field="reason",
                         reason=reason[:40], choices=", ".join(choices.values))
    if reason == OTHER and not note:
        raise core_error(CoreError.REASON_NOTE_REQUIRED, field="note")
    return reason, note


def reason_label(choices: type[models.TextChoices], reason: str) -> str:
    """The label of a stored code in the active language ('' for none)."""
    if not reason:
        return ""
    try:
        return str(choices(reason).label)
    except ValueError:
        return reason


def reason_text(choices: type[models.TextChoices], reason: str, note: str,
                language: str) -> str:
    """“Label — note” in ``language``, for notifications and audit notes."""
    with translation.override(language):
        label = reason_label(choices, reason)
    return f"{label} — {note}" if note and label else (label or note)
