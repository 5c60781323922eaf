from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import MAX_AMOUNT_VND, text


class InvoiceLineOut(Schema):
    code: str
    label: str
    amount_vnd: int
    is_placeholder: bool = False


class InvoiceOut(Schema):
    reference: str
    subject: str
    payer: str
    amount_vnd: int
    amount_display: str
    status: str
    is_placeholder: bool
    created_at: datetime
    paid_at: datetime | None
    paid_via: str
    declaration_id: int | None


class PayeeOut(Schema):
    bank_bin: str
    bank_name: str
    account_number: str
    account_name: str
    is_placeholder: bool


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    payee: PayeeOut
    transfer_purpose: str
    vietqr_payload: str | None
    receipt_url: str | None
    verify_url: str | None


class ConfirmIn(Schema):
    amount_vnd: int = Field(ge=1, le=MAX_AMOUNT_VND)
    note: text(500) = ""


class ReverseCashIn(Schema):
    reason: text(64) = Field("", description=(
        "Required: cash_not_received, wrong_invoice, counting_error or other "
        "(\"other\" needs a note)."), examples=["wrong_invoice"])
    note: text(1000) = ""


class WebhookOut(Schema):
    transaction_id: str
    outcome: str
    reason: str
    invoice_reference: str | None
    duplicate: bool


class RefundResultOut(Schema):
    """What the refund-result callback answers the bank."""

    reference: str
    bank_reference: str
    state: str
    duplicate: bool
