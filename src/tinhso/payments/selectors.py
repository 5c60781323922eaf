"""Reads: invoice lists and the reconciliation report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from tinhso.payments.models import BankTransaction, Invoice, InvoiceStatus
from tinhso.payments.vietqr import build_payload


def invoices_for(user) -> QuerySet[Invoice]:
    return Invoice.objects.visible_to(user).select_related("payer", "payee", "declaration")


def unpaid_invoices() -> QuerySet[Invoice]:
    return (Invoice.objects.filter(status=InvoiceStatus.UNPAID)
            .select_related("payer").order_by("created_at", "id"))


def vietqr_payload(invoice: Invoice) -> str:
    """The dynamic VietQR for paying this invoice: amount and reference filled in."""
    payee = invoice.payee
    return build_payload(bank_bin=payee.bank_bin, account=payee.account_number,
                         amount=invoice.amount_vnd, purpose=invoice.transfer_purpose,
                         bill_number=invoice.reference)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tz),
            datetime.combine(end + timedelta(days=1), time.min, tz))


@dataclass
class Reconciliation:
    start: date
    end: date
    paid: list[Invoice]
    unpaid: list[Invoice]
    mismatched: list[BankTransaction]

    @staticmethod
    def _total(rows) -> int:
        return sum(r.amount_vnd for r in rows)

    @property
    def paid_total(self) -> int:
        return self._total(self.paid)

    @property
    def unpaid_total(self) -> int:
        return self._total(self.unpaid)

    @property
    def mismatched_total(self) -> int:
        return self._total(self.mismatched)

    @property
    def paid_by_channel(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for invoice in self.paid:
            totals[invoice.paid_via] = totals.get(invoice.paid_via, 0) + invoice.amount_vnd
        return totals


def reconciliation(start: date, end: date) -> Reconciliation:
    """Invoices paid in [start, end] (local days), invoices issued then and still unpaid,
    and bank credits received then that paid nothing (unknown reference, wrong amount…)."""
    lo, hi = _day_bounds(start, end)
    paid = (Invoice.objects.filter(status=InvoiceStatus.PAID, paid_at__gte=lo, paid_at__lt=hi)
            .select_related("payer").order_by("paid_at", "id"))
    unpaid = (Invoice.objects.filter(status=InvoiceStatus.UNPAID, created_at__gte=lo,
                                     created_at__lt=hi)
              .select_related("payer").order_by("created_at", "id"))
    mismatched = (BankTransaction.objects.filter(
        outcome=BankTransaction.Outcome.MISMATCHED, received_at__gte=lo, received_at__lt=hi)
        .select_related("invoice").order_by("received_at", "id"))
    return Reconciliation(start, end, list(paid), list(unpaid), list(mismatched))


def reconciliation_csv(report: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "reference", "transaction_id", "date", "payer", "amount_vnd",
                     "paid_via", "reason"])

    def local(moment):
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""

    for inv in report.paid:
        writer.writerow(["paid", inv.reference, "", local(inv.paid_at), inv.payer.name,
                         inv.amount_vnd, inv.paid_via, ""])
    for inv in report.unpaid:
        writer.writerow(["unpaid", inv.reference, "", local(inv.created_at), inv.payer.name,
                         inv.amount_vnd, "", ""])
    for tx in report.mismatched:
        writer.writerow(["mismatched", tx.reference, f"{tx.provider}:{tx.transaction_id}",
                         local(tx.received_at), "", tx.amount_vnd, "bank", tx.reason])
    return out.getvalue()

