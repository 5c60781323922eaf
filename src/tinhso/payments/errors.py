"""Error codes of fees and payments, with their English templates (gettext msgids; the
Vietnamese is in ``locale/vi/LC_MESSAGES/django.po``) and HTTP statuses. VietQR's own codes
are in :mod:`tinhso.payments.vietqr`, which stays free of Django."""

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class PaymentError(StrEnum):
    NO_RATE = "payments.no_rate"
    NO_PAYEE = "payments.no_payee"
    NOT_UNPAID = "payments.not_unpaid"
    WRONG_AMOUNT = "payments.wrong_amount"
    BAD_AMOUNT = "payments.amount"
    BAD_SIGNATURE = "payments.webhook_signature"
    STALE = "payments.webhook_stale"
    NOT_CONFIGURED = "payments.webhook_not_configured"
    UNKNOWN_PROVIDER = "payments.webhook_provider"
    MALFORMED = "payments.webhook_malformed"
    INVALID = "payments.webhook_invalid"
    NOT_REVERSIBLE = "payments.not_reversible"
    REFUND_BANK = "payments.refund_bank"
    REFUND_ACCOUNT = "payments.refund_account"
    REFUND_NAME = "payments.refund_account_name"
    REFUND_STATE = "payments.refund_state"
    REFUND_UNKNOWN = "payments.refund_unknown"


MESSAGES: dict[PaymentError, tuple[str, int]] = {
    # {vehicle}, {goods}, {direction}: the fee schedule's codes, as the admin shows them.
    PaymentError.NO_RATE: (
        gettext_noop("No fee rate applies to a {vehicle} carrying {goods} "
                     "({direction})."), 422),
    PaymentError.NO_PAYEE: (gettext_noop("No fee-receiving account is configured."), 500),
    # {status}: InvoiceStatus label.
    PaymentError.NOT_UNPAID: (
        gettext_noop("Invoice {reference} is “{status}”: a payment cannot be confirmed."), 409),
    PaymentError.WRONG_AMOUNT: (
        gettext_noop("The amount received {amount} differs from the invoice amount {expected}."),
        422),
    PaymentError.BAD_AMOUNT: (
        gettext_noop("The amount must be a positive whole number of đồng."), 422),
    PaymentError.NOT_REVERSIBLE: (
        gettext_noop("Invoice {reference} was not paid in cash at the desk: there is no cash "
                     "payment to reverse."), 409),
    PaymentError.BAD_SIGNATURE: (gettext_noop("Invalid notification signature."), 401),
    PaymentError.STALE: (
        gettext_noop("Notification timestamp is outside the {seconds}-second window."), 401),
    PaymentError.NOT_CONFIGURED: (
        gettext_noop("No shared secret is configured for bank “{provider}”."), 401),
    PaymentError.UNKNOWN_PROVIDER: (gettext_noop("No bank notification provider “{provider}”."),
                                    404),
    PaymentError.MALFORMED: (gettext_noop("The notification is not valid JSON."), 400),
    PaymentError.INVALID: (
        gettext_noop("Notification field “{field_name}” is missing or invalid."), 422),
}

# Refunds (payments.refunds): the buyer's account, and the bank's answers out of order.
MESSAGES.update({
    PaymentError.REFUND_BANK: (gettext_noop("Choose a bank from the list."), 422),
    PaymentError.REFUND_ACCOUNT: (gettext_noop("An account number has 6 to 19 digits."), 422),
    PaymentError.REFUND_NAME: (
        gettext_noop("Enter the account holder's name (up to 120 characters)."), 422),
    # {state}: RefundState label.
    PaymentError.REFUND_STATE: (
        gettext_noop("Refund {reference} is “{state}”: this cannot be done now."), 409),
    PaymentError.REFUND_UNKNOWN: (gettext_noop("No refund with this bank reference."), 404),
})

payment_error = coded_error(MESSAGES)
payment_invalid = coded_invalid(MESSAGES)
