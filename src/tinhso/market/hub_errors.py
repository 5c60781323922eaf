"""Error codes of hub payouts, reviews and the commune KPIs, with their English templates
(gettext msgids; the Vietnamese is in the ``.po`` catalogue) and HTTP statuses."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error


class HubError(StrEnum):
    PERIOD_ORDER = "market.period_order"
    PERIOD_OPEN = "market.period_open"
    PERIOD_TOO_LONG = "market.period_too_long"
    PAYOUT_ALREADY_PAID = "market.payout_paid"
    PAYOUT_BUSY = "market.payout_busy"
    NO_BANK_ACCOUNT = "market.no_bank_account"
    NOT_DELIVERED = "market.review_not_delivered"
    NOT_YOUR_ORDER = "market.review_not_buyer"
    ALREADY_REVIEWED = "market.review_exists"
    STARS = "market.review_stars"
    TEXT_TOO_LONG = "market.text_too_long"
    TEXT_REQUIRED = "market.text_required"
    ALREADY_REPLIED = "market.review_replied"
    ALREADY_HIDDEN = "market.review_hidden"
    YEAR = "market.year"
    HOUSEHOLDS = "market.households"
    SOURCE_REQUIRED = "market.source_required"
    PERCENT = "market.percent"


MESSAGES: dict[HubError, tuple[str, int]] = {
    HubError.PERIOD_ORDER: (
        gettext_noop("The end of the period must not be before its start."), 422),
    # {today}: today's date (dd/mm/yyyy).
    HubError.PERIOD_OPEN: (
        gettext_noop("A payout statement covers a finished period: the period must end "
                     "before today ({today})."), 422),
    # {days}: the longest period in days.
    HubError.PERIOD_TOO_LONG: (gettext_noop("A period is at most {days} days long."), 422),
    HubError.PAYOUT_ALREADY_PAID: (
        gettext_noop("This payout statement was already marked paid."), 409),
    HubError.PAYOUT_BUSY: (
        gettext_noop("The statements of this period are being made by someone else right "
                     "now. Reload the page in a moment."), 409),
    HubError.NO_BANK_ACCOUNT: (
        gettext_noop("This shop has no payout bank account yet: ask it to add one."), 409),
    HubError.NOT_DELIVERED: (
        gettext_noop("You can review a product once it has been delivered to you."), 409),
    HubError.NOT_YOUR_ORDER: (
        gettext_noop("Only the buyer who received this product can review it."), 403),
    HubError.ALREADY_REVIEWED: (
        gettext_noop("You have already reviewed this product for this order."), 409),
    HubError.STARS: (gettext_noop("Give from 1 to 5 stars."), 422),
    # {max}: the longest text allowed.
    HubError.TEXT_TOO_LONG: (gettext_noop("This text is at most {max} characters long."), 422),
    HubError.TEXT_REQUIRED: (gettext_noop("Write the reply."), 422),
    HubError.ALREADY_REPLIED: (gettext_noop("The seller has already replied to this review."),
                               409),
    HubError.ALREADY_HIDDEN: (gettext_noop("This review is already hidden."), 409),
    # {earliest}, {latest}: the years allowed.
    HubError.YEAR: (gettext_noop("The year must be from {earliest} to {latest}."), 422),
    HubError.HOUSEHOLDS: (
        gettext_noop("The number of households is a whole number from 1 to {max}."), 422),
    HubError.SOURCE_REQUIRED: (
        gettext_noop("Name the source of the figure (for example the statistics office's "
                     "yearbook)."), 422),
    HubError.PERCENT: (gettext_noop("A percentage from 0 to 100."), 422),
}

hub_error = coded_error(MESSAGES)
