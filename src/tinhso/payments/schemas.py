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


class WebhookOut(Schema):
    transaction_id: str
    outcome: str
    reason: str
    invoice_reference: str | None
    duplicate: bool
