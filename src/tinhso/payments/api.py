"""Payments API: my invoices, invoice detail with its VietQR, cashier confirmation, and the
bank-notification webhook (signed, no session)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from tinhso.accounts.auth import session_auth
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Code, text
from tinhso.payments import refunds, selectors, services
from tinhso.payments.models import InvoiceStatus
from tinhso.payments.presenters import invoice_detail_out, invoice_out
from tinhso.payments.schemas import (
    ConfirmIn,
    InvoiceDetailOut,
    InvoiceOut,
    RefundResultOut,
    ReverseCashIn,
    WebhookOut,
)

router = Router(tags=["payments"])
Reference = text(40)


def _visible(request, reference: str):
    return get_object_or_404(selectors.invoices_for(request.auth), reference=reference)


@router.get("/invoices", response=Page[InvoiceOut], auth=session_auth)
def list_invoices(request, page: Query[PageIn], status: InvoiceStatus | None = None):
    """Invoices the caller may see (enterprise staff only their organisation's), a page at
    a time."""
    invoices = selectors.invoices_for(request.auth)
    if status:
        invoices = invoices.filter(status=status)
    return page_of(invoices, page, invoice_out)


@router.get("/invoices/{reference}", response=InvoiceDetailOut, auth=session_auth)
def get_invoice(request, reference: Reference):
    """One invoice with the VietQR payload to pay it (while unpaid); someone else's is 404."""
    return invoice_detail_out(_visible(request, reference), request)


@router.post("/invoices/{reference}/confirm", response=InvoiceDetailOut, auth=session_auth)
def confirm_payment(request, reference: Reference, payload: ConfirmIn):
    """The fee cashier confirms a payment received at the desk (role fee_cashier)."""
    invoice = services.confirm_cash_payment(actor=request.auth,
                                            invoice=_visible(request, reference),
                                            amount_vnd=payload.amount_vnd, note=payload.note)
    return invoice_detail_out(invoice, request)


@router.post("/invoices/{reference}/reverse-cash", response=InvoiceDetailOut, auth=session_auth)
def reverse_cash(request, reference: str, payload: ReverseCashIn):
    """The supervisor (the gate management board, permission ``payments.reverse_cash``)
    reverses a cash confirmation made in error, with a reason: the invoice is unpaid again,
    the receipt it issued is void, the reversal is kept."""
    invoice = _visible(request, reference)
    services.reverse_cash_payment(actor=request.auth, invoice=invoice, reason=payload.reason,
                                  note=payload.note)
    return invoice_detail_out(_visible(request, reference), request)


def _webhook(request, provider: str):
    answer = services.receive_bank_notification(provider=provider, body=request.body,
                                                headers=request.headers)
    tx = answer.transaction
    return {"transaction_id": tx.transaction_id, "outcome": tx.outcome, "reason": tx.reason,
            "invoice_reference": tx.invoice.reference if tx.invoice_id else None,
            "duplicate": answer.duplicate}


@router.post("/bank-webhook", response=WebhookOut, auth=None)
def bank_webhook(request):
    """A bank's credit notification (``demo`` format). Signed: ``X-Timestamp`` (Unix
    seconds, within 5 minutes) and ``X-Signature: sha256=<hex HMAC-SHA256 of
    "<timestamp>.<raw body>">``. Answers 200 for a new or repeated transaction id (a repeat
    returns the first outcome and changes nothing), 401 for a bad signature or stale
    timestamp, 400/422 for a malformed notification."""
    return _webhook(request, "demo")


@router.post("/bank-webhook/{provider}", response=WebhookOut, auth=None)
def bank_webhook_for(request, provider: Code):
    """The same, for a named bank adapter."""
    return _webhook(request, provider)


def _refund_result(request, provider: str):
    answer = refunds.receive_result(provider=provider, body=request.body,
                                    headers=request.headers)
    refund = answer.refund
    return {"reference": refund.reference, "bank_reference": refund.bank_reference,
            "state": refund.state, "duplicate": answer.duplicate}


@router.post("/refund-results", response=RefundResultOut, auth=None)
def refund_result(request):
    """The bank's result for a refund transfer order we sent it (``demo`` format:
    ``{"bank_reference": …, "status": "confirmed" | "failed", "reason": …}``), signed like
    the credit webhook (``X-Timestamp``, ``X-Signature: sha256=<hex HMAC-SHA256 of
    "<timestamp>.<raw body>">``, the same shared secret). The refund goes ``sent →
    confirmed | failed`` (audited; a confirmed market order becomes refunded). 200 for a
    new or repeated answer (a repeat changes nothing, ``duplicate``), 401 for a bad
    signature or stale timestamp (nothing read), 404 for an unknown bank reference, 409
    for an answer contrary to the one already recorded, 400/422 for a malformed body."""
    return _refund_result(request, "demo")


@router.post("/refund-results/{provider}", response=RefundResultOut, auth=None)
def refund_result_for(request, provider: Code):
    """The same, for a named bank adapter."""
    return _refund_result(request, provider)
