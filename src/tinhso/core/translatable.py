"""Messages translated by gettext when they are shown, not when they are raised.

An error carries its English template (the gettext msgid, e.g. ``"Province code {code} on
the plate does not exist."``) and its named parameters; the text a person reads is looked
up in the catalogue of their language (``locale/<lang>/LC_MESSAGES/django.po``) at the
moment it is shown. Adding a language is a ``.po`` file, not code.

Pure Python: nothing from Django is imported at module level, so the pure modules
(``core.validators``, ``core.money``, ``payments.vietqr``) stay importable and testable
without Django. Without configured Django settings a message is its English template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Text", "TranslatedMessage", "gettext_noop"]


def gettext_noop(message: str) -> str:
    """Mark an English template for ``makemessages``; it is translated when rendered."""
    return message


def _identity(message: str) -> str:
    return message


def _django_translation():
    """``django.utils.translation`` if translations can be used now, else None."""
    try:
        from django.apps import apps
        from django.conf import settings
        from django.utils import translation
    except ImportError:  # pragma: no cover - Django is installed with the project
        return None
    if not settings.configured or not apps.apps_ready:
        return None
    return translation


class Text:
    """An English template with named parameters, translated when rendered.

    A parameter a person reads as words is translated in the same language: give a
    nested :class:`Text`, or a Django lazy string (a model choice ``label``, a
    ``gettext_lazy`` phrase). Other parameters (numbers, plates, codes) are inserted as
    they are.
    """

    __slots__ = ("params", "template")

    def __init__(self, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params = dict(params or {})

    def render(self, language: str | None = None) -> str:
        """The text in ``language`` (e.g. 'vi', 'en', 'zh-hans'), or in the active one."""
        translation = _django_translation()
        if translation is None:
            return self._format(_identity, promise=None)
        from django.utils.functional import Promise

        if language is None:
            return self._format(translation.gettext, promise=Promise)
        with translation.override(language):
            return self._format(translation.gettext, promise=Promise)

    def _format(self, gettext: Callable[[str], str], *, promise: type | None) -> str:
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Text):
                value = value._format(gettext, promise=promise)
            elif promise is not None and isinstance(value, promise):
                value = str(value)  # evaluated inside the caller's translation.override
            values[name] = value
        try:
            return gettext(self.template).format(**values)
        except (KeyError, IndexError, ValueError):
            # A catalogue entry with a broken placeholder must not hide the error itself.
            return self.template.format(**values)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.template!r}, {self.params!r})"


class TranslatedMessage:
    """Mixin for errors holding a :class:`Text` in ``self.text``: the message in any
    language, and the Vietnamese and English ones the API returns side by side."""

    text: Text

    @property
    def template(self) -> str:
        return self.text.template

    @property
    def params(self) -> dict[str, Any]:
        return self.text.params

    def message(self, language: str | None = None) -> str:
        """The message in ``language`` ('vi', 'en', 'en-us'...), or in the active language."""
        return self.text.render(language)

    @property
    def message_vi(self) -> str:
        return self.text.render("vi")

    @property
    def message_en(self) -> str:
        return self.text.render("en")
