"""Error codes of accounts, organisations and API keys, with their English templates
(gettext msgids; the Vietnamese is in ``locale/vi/LC_MESSAGES/django.po``) and statuses."""

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error


class AccountError(StrEnum):
    UNKNOWN_SCOPE = "api_key.scope"


MESSAGES: dict[AccountError, tuple[str, int]] = {
    # {scopes}: the unknown scope codes, or the phrase "(none)".
    AccountError.UNKNOWN_SCOPE: (gettext_noop("Unknown scopes: {scopes}."), 400),
}

account_error = coded_error(MESSAGES)
