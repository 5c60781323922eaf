"""Use cases of fees and payments. Every write goes through one function here, inside one
transaction, with its audit entry; pages, the API and the webhook all call these."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.models import Organization
from tinhso.accounts.permissions import require
from tinhso.core import audit
from tinhso.core.errors import DomainError
from tinhso.core.money import format_vnd
from tinhso.core.reasons import clean_reason, reason_text
from tinhso.payments import feecalc, payables
from tinhso.payments.errors import PaymentError, payment_error
from tinhso.payments.models import (
    BankTransaction,
    CashReversal,
    FeeRate,
    Invoice,
    InvoiceStatus,
    PaidVia,
    PayeeAccount,
    new_verify_token,
)
from tinhso.payments.providers import BankCredit, get_adapter

log = logging.getLogger(__name__)

REFERENCE_PREFIX = "HT"  # hạ tầng: infrastructure fee
REFERENCE_RE = re.compile(r"HT[0-9]{11}(?![0-9])")
# What a person reads in an error where the fee calculator speaks in codes.
VEHICLE_CLASS_LABELS = {
    feecalc.VehicleClass.TRUCK_LT2: _("truck under 2 t"),
    feecalc.VehicleClass.TRUCK_2_4: _("truck of 2 t to under 4 t"),
    feecalc.VehicleClass.TRUCK_4_10: _("truck of 4 t to under 10 t"),
    feecalc.VehicleClass.TRUCK_10_18: _("truck of 10 t to 18 t"),
    feecalc.VehicleClass.TRUCK_GT18: _("truck over 18 t"),
    feecalc.VehicleClass.CONTAINER_20: _("20-foot container truck"),
    feecalc.VehicleClass.CONTAINER_40: _("40-foot container truck"),
}
GOODS_KIND_LABELS = {feecalc.GoodsKind.PERISHABLE: _("perishable goods"),
                     feecalc.GoodsKind.GENERAL: _("general goods")}
FEE_DIRECTION_LABELS = {
    feecalc.FeeDirection.EXPORT: _("export"),
    feecalc.FeeDirection.IMPORT: _("import for inland delivery"),
    feecalc.FeeDirection.TRANSIT: _("temporary import for re-export"),
    feecalc.FeeDirection.WHARF: _("transfer at the border wharf"),
}
DIRECTION_LABELS = {"export": "xuất khẩu", "import": "nhập khẩu (vào nội địa)",
                    "transit": "tạm nhập tái xuất", "wharf": "sang tải tại bãi"}


def _snapshot(invoice: Invoice) -> dict:
    return {"status": invoice.status, "amount_vnd": invoice.amount_vnd,
            "paid_via": invoice.paid_via,
            "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None}


def _next_reference(day: date) -> str:
    prefix = f"{REFERENCE_PREFIX}{day:%y%m%d}"
    last = (Invoice.objects.filter(reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def default_payee() -> PayeeAccount:
    payee = PayeeAccount.objects.filter(is_default=True).first()
    if payee is None:
        raise payment_error(PaymentError.NO_PAYEE)
    return payee


# ---------------------------------------------------------------- invoices


def issue_invoice(*, actor, payer: Organization, subject: str, lines: list[dict],
                  declaration=None, payee: PayeeAccount | None = None) -> Invoice:
    """A new unpaid invoice. ``lines``: ``[{code, label, amount_vnd, is_placeholder}]``.
    The reference is ``HT`` + local date (yymmdd) + a 5-digit daily sequence."""
    amount = sum(int(line["amount_vnd"]) for line in lines)
    if amount <= 0 or any(int(line["amount_vnd"]) < 0 for line in lines):
        raise payment_error(PaymentError.BAD_AMOUNT, field="amount_vnd")
    payee = payee or default_payee()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(
                    reference=_next_reference(timezone.localdate()), subject=subject[:255],
                    declaration=declaration, payer=payer, payee=payee, amount_vnd=amount,
                    lines=lines, is_placeholder=any(ln.get("is_placeholder") for ln in lines),
                )
                audit.record(actor=actor, action="invoice.issue", obj=invoice,
                             organization=payer if actor is None else None,
                             after={**_snapshot(invoice), "lines": lines})
                return invoice
        except IntegrityError:
            if declaration is not None and Invoice.objects.filter(
                    declaration=declaration).exists():
                raise
            continue  # another invoice took this reference: take the next one
    raise RuntimeError("could not allocate an invoice reference")


def quote_crossing_fee(declaration, *, wharf_only: bool = False,
                       on: date | None = None) -> feecalc.FeeQuote:
    """The fee for a declaration's crossing, from the rates valid on ``on`` (today)."""
    vehicle = feecalc.vehicle_class(declaration.weight_kg, declaration.containers)
    goods = (feecalc.GoodsKind.PERISHABLE if declaration.goods.perishable
             else feecalc.GoodsKind.GENERAL)
    direction = feecalc.FeeDirection.WHARF if wharf_only else feecalc.FeeDirection(
        declaration.direction)
    rates = [r.as_rate() for r in FeeRate.objects.all()]
    try:
        return feecalc.compute_fee(vehicle=vehicle, goods=goods, direction=direction,
                                   rates=rates, on=on or timezone.localdate())
    except feecalc.NoApplicableRate:
        raise payment_error(PaymentError.NO_RATE, vehicle=VEHICLE_CLASS_LABELS[vehicle],
                            goods=GOODS_KIND_LABELS[goods],
                            direction=FEE_DIRECTION_LABELS[direction]) from None


def _crossing_line(quote: feecalc.FeeQuote) -> dict:
    label = (f"Phí sử dụng công trình hạ tầng cửa khẩu — {quote.base.label or quote.base.code}"
             f", {DIRECTION_LABELS[quote.direction]}")
    if quote.multiplier_pct != 100:
        label += f" ({quote.multiplier_pct}% × {format_vnd(quote.base.amount_vnd)})"
    return {"code": quote.base.code + (f"+{quote.adjustment.code}" if quote.adjustment else ""),
            "label": label, "amount_vnd": quote.amount_vnd,
            "vehicle_class": str(quote.vehicle_class), "goods_kind": str(quote.goods_kind),
            "direction": str(quote.direction), "multiplier_pct": quote.multiplier_pct,
            "is_placeholder": quote.is_placeholder}


def issue_crossing_invoice(*, declaration, wharf_only: bool = False) -> Invoice | None:
    """The infrastructure-fee invoice of a truck that crossed; idempotent (one invoice per
    declaration, enforced by a unique constraint). Called by the border service when a
    truck crosses, inside its transaction.

    Returns None (and logs a warning) when the rate table has no rate for this truck, so
    that a missing rate never blocks a crossing; the cashier can invoice it later.
    """
    existing = Invoice.objects.filter(declaration=declaration).first()
    if existing is not None:
        return existing
    try:
        quote = quote_crossing_fee(declaration, wharf_only=wharf_only)
        payee = default_payee()
    except DomainError as error:  # no rate / no payee configured
        log.warning("no crossing invoice for declaration %s: %s", declaration.pk, error)
        return None
    subject = f"Phí hạ tầng cửa khẩu — {declaration.reference} {declaration.plate}"
    try:
        with transaction.atomic():
            return issue_invoice(actor=None, payer=declaration.enterprise, subject=subject,
                                 lines=[_crossing_line(quote)], declaration=declaration,
                                 payee=payee)
    except IntegrityError:  # a concurrent call issued it first
        return Invoice.objects.get(declaration=declaration)


# ---------------------------------------------------------------- payments


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def confirm_cash_payment(*, actor, invoice: Invoice, amount_vnd: int, note: str = "") -> Invoice:
    """The fee cashier records a payment received at the desk. The amount must be the
    invoice amount exactly (partial payments are not accepted)."""
    require(actor, "payments.cashier")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise payment_error(PaymentError.BAD_AMOUNT, field="amount_vnd")
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status != InvoiceStatus.UNPAID:
            raise payment_error(PaymentError.NOT_UNPAID, reference=invoice.reference,
                                status=InvoiceStatus(invoice.status).label)
        if amount_vnd != invoice.amount_vnd:
            raise payment_error(PaymentError.WRONG_AMOUNT, field="amount_vnd",
                                amount=format_vnd(amount_vnd),
                                expected=format_vnd(invoice.amount_vnd))
        before = _snapshot(invoice)
        invoice.status, invoice.paid_via = InvoiceStatus.PAID, PaidVia.CASHIER
        invoice.paid_at, invoice.confirmed_by = timezone.now(), actor
        invoice.save(update_fields=["status", "paid_via", "paid_at", "confirmed_by"])
        audit.record(actor=actor, action="invoice.paid", obj=invoice, before=before,
                     after=_snapshot(invoice), note=note or "cashier")
    return invoice


def reverse_cash_payment(*, actor, invoice: Invoice, reason: str, note: str = "",
                         ) -> CashReversal:
    """The supervisor (``payments.reverse_cash``) undoes a cashier's cash confirmation
    made in error, with a reason (``CashReversal.Reason``; "other" needs a note). Nothing is
    deleted: the reversal keeps the payment it undid, the invoice is unpaid again, and the
    receipt it issued reads as void on its verification page."""
    require(actor, "payments.reverse_cash")
    reason, note = clean_reason(CashReversal.Reason, reason, note)
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status != InvoiceStatus.PAID or invoice.paid_via != PaidVia.CASHIER:
            raise payment_error(PaymentError.NOT_REVERSIBLE, reference=invoice.reference)
        before = _snapshot(invoice)
        reversal = CashReversal.objects.create(
            invoice=invoice, amount_vnd=invoice.amount_vnd, paid_at=invoice.paid_at,
            confirmed_by=invoice.confirmed_by, verify_token=invoice.verify_token,
            reason=reason, note=note, reversed_by=actor, reversed_at=timezone.now())
        invoice.status, invoice.paid_via = InvoiceStatus.UNPAID, ""
        invoice.paid_at, invoice.confirmed_by = None, None
        invoice.verify_token = new_verify_token()
        invoice.save(update_fields=["status", "paid_via", "paid_at", "confirmed_by",
                                    "verify_token"])
        audit.record(actor=actor, action="invoice.cash_reversed", obj=invoice, before=before,
                     after={**_snapshot(invoice), "reason": reason, "reversal": reversal.pk},
                     note=reason_text(CashReversal.Reason, reason, note, "en"))
    return reversal


def _compact(description: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", description.upper())


def find_reference(description: str) -> str:
    """The invoice reference (or, failing one, the reference of a registered payable such
    as a market order: :mod:`tinhso.payments.payables`) inside a transfer description;
    banks may drop spaces, change case or add their own text around it."""
    compact = _compact(description)
    match = REFERENCE_RE.search(compact)
    if match:
        return match.group(0)
    return payables.find(compact)[1]


@dataclass(slots=True)
class _Match:
    outcome: str
    reason: str
    invoice: Invoice | None = None
    kind: payables.PayableKind | None = None
    due: payables.Due | None = None


def _check(reference_amount: int, account: str, payable: bool, credit: BankCredit) -> tuple:
    M = BankTransaction.Outcome
    R = BankTransaction.Reason
    if credit.account and credit.account != account:
        return M.MISMATCHED, R.WRONG_ACCOUNT
    if not payable:
        return M.MISMATCHED, R.NOT_PAYABLE
    if credit.amount_vnd != reference_amount:
        return M.MISMATCHED, R.WRONG_AMOUNT
    return M.MATCHED, R.NONE


def _match(credit: BankCredit) -> _Match:
    """What a credit pays (locked), and whether it pays it: an invoice by its reference,
    else a registered payable (a market order…) by its own."""
    M = BankTransaction.Outcome
    R = BankTransaction.Reason
    compact = _compact(credit.description)
    found = REFERENCE_RE.search(compact)
    if found is None:
        kind, reference = payables.find(compact)
        if kind is None:
            return _Match(M.MISMATCHED, R.NO_REFERENCE)
        due = kind.lock(reference)
        if due is None:
            return _Match(M.MISMATCHED, R.UNKNOWN_REFERENCE)
        outcome, reason = _check(due.amount_vnd, due.account_number, due.payable, credit)
        return _Match(outcome, reason, kind=kind, due=due)
    invoice = Invoice.objects.select_for_update().filter(reference=found.group(0)).first()
    if invoice is None:
        return _Match(M.MISMATCHED, R.UNKNOWN_REFERENCE)
    outcome, reason = _check(invoice.amount_vnd, invoice.payee.account_number,
                             invoice.status == InvoiceStatus.UNPAID, credit)
    return _Match(outcome, reason, invoice=invoice)


def record_bank_credit(*, provider: str, credit: BankCredit) -> tuple[BankTransaction, bool]:
    """Record a bank credit once and pay its invoice (or registered payable: a market
    order) if reference and amount match. Returns (transaction, created); a repeated
    transaction id changes nothing."""
    existing = BankTransaction.objects.filter(provider=provider,
                                              transaction_id=credit.transaction_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            match = _match(credit)
            invoice, outcome, reason = match.invoice, match.outcome, match.reason
            bank_tx = BankTransaction.objects.create(
                provider=provider, transaction_id=credit.transaction_id,
                amount_vnd=credit.amount_vnd, description=credit.description,
                account=credit.account, reference=find_reference(credit.description),
                credited_at=credit.credited_at, invoice=invoice, outcome=outcome,
                reason=reason, raw=credit.raw)
            payer = invoice.payer if invoice else (match.due.organization if match.due
                                                   else None)
            audit.record(actor=None, action=f"bank_transaction.{outcome}", obj=bank_tx,
                         organization=payer,
                         after={"amount_vnd": credit.amount_vnd, "reason": reason,
                                "invoice": invoice.reference if invoice else None,
                                **({match.kind.name: match.due.reference} if match.due
                                   else {})})
            if outcome == BankTransaction.Outcome.MATCHED and invoice is not None:
                before = _snapshot(invoice)
                invoice.status, invoice.paid_via = InvoiceStatus.PAID, PaidVia.BANK
                invoice.paid_at = credit.credited_at or timezone.now()
                invoice.save(update_fields=["status", "paid_via", "paid_at"])
                audit.record(actor=None, action="invoice.paid", obj=invoice, organization=payer,
                             before=before, after=_snapshot(invoice),
                             note=f"bank {provider}:{credit.transaction_id}")
            elif outcome == BankTransaction.Outcome.MATCHED:
                match.kind.mark_paid(match.due, bank_transaction=bank_tx,
                                     paid_at=credit.credited_at or timezone.now())
            return bank_tx, True
    except IntegrityError:  # the same notification, delivered twice at once
        return BankTransaction.objects.get(provider=provider,
                                           transaction_id=credit.transaction_id), False


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    transaction: BankTransaction
    duplicate: bool


def receive_bank_notification(*, provider: str, body: bytes,
                              headers: Mapping[str, str]) -> WebhookAnswer:
    """A bank's callback: verify its signature and freshness (401), parse it (400/422),
    then record it once (:func:`record_bank_credit`)."""
    adapter = get_adapter(provider)
    adapter.verify(body, headers)
    credit = adapter.parse(body)
    bank_tx, created = record_bank_credit(provider=provider, credit=credit)
    return WebhookAnswer(bank_tx, duplicate=not created)
