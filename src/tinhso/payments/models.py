"""Fees and payments: the fee schedule, the province's receiving account, invoices and the
bank credits that pay them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.constraints import moment_in_window
from tinhso.payments.feecalc import FeeDirection, GoodsKind, Rate, VehicleClass

PLACEHOLDER_LABEL = "tạm tính / placeholder"


class FeeRate(models.Model):
    """One row of the infrastructure-fee schedule, editable in the admin.

    A row with an amount is a base rate per trip; a row with amount 0 is an adjustment
    (a percentage of the base, e.g. 130 % for goods imported for inland delivery). Empty
    selectors match any value; the most specific row valid on the day applies
    (see :mod:`tinhso.payments.feecalc`).
    """

    class Unit(models.TextChoices):
        PER_TRIP = "per_trip", _("per trip")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    vehicle_class = models.CharField(_("vehicle class"), max_length=20, blank=True,
                                     choices=[(c.value, c.value) for c in VehicleClass])
    goods_kind = models.CharField(_("goods kind"), max_length=12, blank=True,
                                  choices=[(g.value, g.value) for g in GoodsKind])
    direction = models.CharField(_("direction"), max_length=10, blank=True,
                                 choices=[(d.value, d.value) for d in FeeDirection])
    amount_vnd = models.PositiveBigIntegerField(
        _("amount (VND)"), default=0, help_text=_("0 for an adjustment (percentage only)."))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices,
                            default=Unit.PER_TRIP)
    multiplier_pct = models.PositiveSmallIntegerField(_("percentage of the base"), default=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    is_placeholder = models.BooleanField(
        _("placeholder (not confirmed)"), default=False,
        help_text=_("Shown as “tạm tính / placeholder” on invoices until confirmed."))

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["vehicle_class", "goods_kind", "direction", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="fee_rate_period"),
            models.CheckConstraint(condition=Q(multiplier_pct__gt=0), name="fee_rate_pct_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.code}{' (' + PLACEHOLDER_LABEL + ')' if self.is_placeholder else ''}"

    def as_rate(self) -> Rate:
        return Rate(code=self.code, amount_vnd=self.amount_vnd,
                    multiplier_pct=self.multiplier_pct, vehicle_class=self.vehicle_class,
                    goods_kind=self.goods_kind, direction=self.direction,
                    valid_from=self.valid_from, valid_to=self.valid_to,
                    is_placeholder=self.is_placeholder, label=self.label)


class PayeeAccount(models.Model):
    """A bank account that receives fees (VietQR beneficiary)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    bank_bin = models.CharField(_("bank BIN (NAPAS)"), max_length=6)
    bank_name = models.CharField(_("bank"), max_length=120)
    account_number = models.CharField(_("account number"), max_length=19)
    account_name = models.CharField(_("account name"), max_length=120)
    # The bank spells the account holder in capitals without diacritics (VietQR); what a
    # person reads on a receipt is the payee's proper name.
    display_name = models.CharField(_("payee name"), max_length=200, blank=True,
                                    help_text=_("As printed on receipts, with diacritics."))
    is_default = models.BooleanField(_("default"), default=False)
    is_placeholder = models.BooleanField(_("placeholder (not confirmed)"), default=False)

    class Meta:
        verbose_name = _("payee account")
        verbose_name_plural = _("payee accounts")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_payee")
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_number} — {self.account_name}"

    @property
    def name(self) -> str:
        return self.display_name or self.account_name


def new_verify_token() -> str:
    return secrets.token_urlsafe(18)


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaidVia(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    CASHIER = "cashier", _("Cashier")


class InvoiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one row-level rule: see :func:`tinhso.payments.access.invoice_filter_for`."""
        from tinhso.payments.access import invoice_filter_for

        return self.filter(invoice_filter_for(user))


class Invoice(models.Model):
    """A fee to pay. ``lines`` is a list of ``{code, label, amount_vnd, is_placeholder}``.
    Used for border crossings (``declaration``) and, through ``subject``, by other systems."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    declaration = models.ForeignKey("border.Declaration", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="invoices")
    payer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                              related_name="invoices", verbose_name=_("payer"))
    payee = models.ForeignKey(PayeeAccount, on_delete=models.PROTECT, related_name="invoices")
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    lines = models.JSONField(_("lines"), default=list)
    is_placeholder = models.BooleanField(_("uses a placeholder rate"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.UNPAID)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_via = models.CharField(_("paid via"), max_length=10, choices=PaidVia.choices,
                                blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    verify_token = models.CharField(max_length=32, unique=True, default=new_verify_token)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]),
                   models.Index(fields=["payer", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["declaration"], condition=Q(declaration__isnull=False),
                                    name="one_invoice_per_declaration"),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="invoice_amount_pos"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_at__isnull=False) & ~Q(paid_via="")),
                name="paid_invoice_has_payment"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paid(self) -> bool:
        return self.status == InvoiceStatus.PAID

    @property
    def transfer_purpose(self) -> str:
        """The transfer description the payer's bank app fills in (ASCII, ≤ 25 chars)."""
        return f"{self.reference} PHI HA TANG"


class CashReversal(models.Model):
    """A cashier's cash-payment confirmation undone by the supervisor (permission
    ``payments.reverse_cash``: the gate management board). The payment it undid is kept
    here, never deleted: who confirmed it, when, how much, and the verification token of
    the receipt it issued, whose public page now says the receipt is void. The invoice goes
    back to unpaid (with a new verification token for the receipt of a later payment)."""

    class Reason(models.TextChoices):
        CASH_NOT_RECEIVED = "cash_not_received", _("Cash not received")
        WRONG_INVOICE = "wrong_invoice", _("Confirmed on the wrong invoice")
        COUNTING_ERROR = "counting_error", _("Counting error")
        OTHER = "other", _("Other reason")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="cash_reversals")
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    paid_at = models.DateTimeField(_("paid at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    verify_token = models.CharField(max_length=32, unique=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reversed by"))
    reversed_at = models.DateTimeField(_("reversed at"))

    class Meta:
        verbose_name = _("cash payment reversal")
        verbose_name_plural = _("cash payment reversals")
        ordering = ["-reversed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.reversed_at:%Y-%m-%d %H:%M}"


class BankTransaction(models.Model):
    """One credit notified by a bank, kept whatever it matched. Idempotency key:
    (provider, transaction_id)."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matched: invoice paid")
        MISMATCHED = "mismatched", _("Mismatched: needs a person")

    class Reason(models.TextChoices):
        NONE = "", "—"
        UNKNOWN_REFERENCE = "unknown_reference", _("No invoice with this reference")
        NO_REFERENCE = "no_reference", _("No invoice reference in the description")
        WRONG_AMOUNT = "wrong_amount", _("Amount differs from the invoice")
        WRONG_ACCOUNT = "wrong_account", _("Credited to another account")
        NOT_PAYABLE = "not_payable", _("Invoice already paid or cancelled")

    provider = models.CharField(_("provider"), max_length=20)
    transaction_id = models.CharField(_("bank transaction id"), max_length=64)
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    account = models.CharField(_("credited account"), max_length=32, blank=True)
    reference = models.CharField(_("reference found"), max_length=20, blank=True)
    credited_at = models.DateTimeField(_("credited at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="bank_transactions")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    raw = models.JSONField(_("notification"), default=dict)

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["outcome", "received_at"])]
        constraints = [
            models.UniqueConstraint(fields=["provider", "transaction_id"],
                                    name="bank_transaction_idempotent"),
            moment_in_window("credited_at", "bank_credited_at_in_window", nullable=True),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.transaction_id}"


class RefundState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENT = "sent", _("Sent to the bank")
    CONFIRMED = "confirmed", _("Confirmed by the bank")
    FAILED = "failed", _("Failed")


class RefundRequest(models.Model):
    """A bank transfer order paying money back to a payer (``payments.refunds``): what an
    app owes back (``kind`` + ``source_reference``, e.g. a market order's code), to which
    account, and how the bank answered: requested → sent → confirmed | failed. At most one
    open (not failed) request per source: asking again returns it."""

    reference = models.CharField(_("refund reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    source_reference = models.CharField(_("paid reference"), max_length=40)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    bank_bin = models.CharField(_("bank BIN (NAPAS)"), max_length=6)
    bank_name = models.CharField(_("bank"), max_length=120)
    account_number = models.CharField(_("account number"), max_length=19)
    account_name = models.CharField(_("account name"), max_length=120)
    purpose = models.CharField(_("transfer description"), max_length=60)
    state = models.CharField(_("state"), max_length=10, choices=RefundState.choices,
                             default=RefundState.REQUESTED)
    adapter = models.CharField(_("bank adapter"), max_length=20, blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=64, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("paying organisation"))
    requested_at = models.DateTimeField(_("requested at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["kind", "source_reference"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_reference"],
                                    condition=~Q(state="failed"), name="one_open_refund"),
            models.UniqueConstraint(fields=["adapter", "bank_reference"],
                                    condition=~Q(bank_reference=""),
                                    name="refund_bank_reference_unique"),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="refund_amount_pos"),
            models.CheckConstraint(condition=Q(state="requested") | Q(sent_at__isnull=False),
                                   name="refund_sent_at"),
            moment_in_window("requested_at", "refund_requested_at_in_window"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.source_reference})"
