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
