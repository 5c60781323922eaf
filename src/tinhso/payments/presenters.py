"""Shape invoices for the API and the pages (one place, so both show the same)."""

from __future__ import annotations

from django.urls import reverse

from tinhso.core.money import format_vnd
from tinhso.payments.models import Invoice, InvoiceStatus
from tinhso.payments.selectors import vietqr_payload


def verify_path(invoice: Invoice) -> str:
    return reverse("payments:verify", args=[invoice.reference, invoice.verify_token])


def invoice_out(invoice: Invoice) -> dict:
    return {
        "reference": invoice.reference, "subject": invoice.subject,
        "payer": invoice.payer.name, "amount_vnd": invoice.amount_vnd,
        "amount_display": format_vnd(invoice.amount_vnd), "status": invoice.status,
        "is_placeholder": invoice.is_placeholder, "created_at": invoice.created_at,
        "paid_at": invoice.paid_at, "paid_via": invoice.paid_via,
        "declaration_id": invoice.declaration_id,
    }


def invoice_detail_out(invoice: Invoice, request) -> dict:
    payee = invoice.payee
    paid = invoice.status == InvoiceStatus.PAID
    return {
        **invoice_out(invoice),
        "lines": invoice.lines,
        "payee": {"bank_bin": payee.bank_bin, "bank_name": payee.bank_name,
                  "account_number": payee.account_number, "account_name": payee.account_name,
                  "is_placeholder": payee.is_placeholder},
        "transfer_purpose": invoice.transfer_purpose,
        "vietqr_payload": vietqr_payload(invoice)
        if invoice.status == InvoiceStatus.UNPAID else None,
        "receipt_url": request.build_absolute_uri(
            reverse("payments:receipt", args=[invoice.reference])) if paid else None,
        "verify_url": request.build_absolute_uri(verify_path(invoice)) if paid else None,
    }
