"""The ``demo`` bank: a plain JSON notification, sent by :mod:`tinhso.payments.simulator`.

::

    POST /api/v1/payments/bank-webhook
    X-Timestamp: 1767225600
    X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">

    {"transaction_id": "FT25001", "amount": 100000, "currency": "VND",
     "description": "HT25011500001 PHI HA TANG", "account": "0000000000",
     "credited_at": "2026-01-15T09:30:00+07:00"}

and, signed the same way, the result of a refund transfer order we sent it
(``payments.refunds``; the ``simulator`` refund adapter's orders)::

    POST /api/v1/payments/refund-results
    {"bank_reference": "SIMHOAN2X7K9Q4M", "status": "confirmed"}
    {"bank_reference": "SIMHOAN2X7K9Q4M", "status": "failed", "reason": "Tài khoản đã đóng"}
"""

from __future__ import annotations

import json
from datetime import datetime

from tinhso.core.schema_types import MAX_AMOUNT_VND
from tinhso.core.validators import EARLIEST_YEAR, LATEST_YEAR, InvalidValue, check_text
from tinhso.payments.errors import PaymentError, payment_error
from tinhso.payments.providers.base import BankCredit, BankNotificationAdapter, RefundResult


def _invalid(name: str):
    return payment_error(PaymentError.INVALID, field=name, field_name=name)


def _has_forbidden_characters(value) -> bool:
    """Whether a text anywhere in the decoded JSON ``value`` holds a control character or a
    lone surrogate (the raw notification is stored: PostgreSQL's jsonb refuses both)."""
    if isinstance(value, str):
        try:
            check_text(value, "")
        except InvalidValue:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_forbidden_characters(k) or _has_forbidden_characters(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_has_forbidden_characters(v) for v in value)
    return False


def _json_object(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise payment_error(PaymentError.MALFORMED) from None
    if not isinstance(data, dict):
        raise payment_error(PaymentError.MALFORMED)
    return data


class DemoAdapter(BankNotificationAdapter):
    code = "demo"
    refund_adapter = "simulator"

    def parse_refund_result(self, body: bytes) -> RefundResult:
        data = _json_object(body)
        reference = data.get("bank_reference")
        if (not isinstance(reference, str) or not 0 < len(reference.strip()) <= 64
                or _has_forbidden_characters(reference)):
            raise _invalid("bank_reference")
        status = data.get("status")
        if status not in ("confirmed", "failed"):
            raise _invalid("status")
        reason = data.get("reason", "")
        if not isinstance(reason, str) or _has_forbidden_characters(reason):
            raise _invalid("reason")
        if _has_forbidden_characters(data):
            raise payment_error(PaymentError.MALFORMED)
        return RefundResult(bank_reference=reference.strip(), confirmed=status == "confirmed",
                            reason=" ".join(reason.split())[:255], raw=data)

    def parse(self, body: bytes) -> BankCredit:
        data = _json_object(body)
        transaction_id = data.get("transaction_id")
        if (not isinstance(transaction_id, str) or not 0 < len(transaction_id.strip()) <= 64
                or _has_forbidden_characters(transaction_id)):
            raise _invalid("transaction_id")
        amount = data.get("amount")
        if (isinstance(amount, bool) or not isinstance(amount, int)
                or not 0 < amount <= MAX_AMOUNT_VND):
            raise _invalid("amount")
        if data.get("currency", "VND") != "VND":
            raise _invalid("currency")
        description = data.get("description", "")
        account = data.get("account", "")
        for name, value in (("description", description), ("account", account)):
            if not isinstance(value, str) or _has_forbidden_characters(value):
                raise _invalid(name)
        credited_at = None
        if data.get("credited_at"):
            try:
                credited_at = datetime.fromisoformat(str(data["credited_at"]))
            except ValueError:
                raise _invalid("credited_at") from None
            if credited_at.tzinfo is None or not EARLIEST_YEAR <= credited_at.year <= LATEST_YEAR:
                raise _invalid("credited_at")
        if _has_forbidden_characters(data):
            raise payment_error(PaymentError.MALFORMED)
        return BankCredit(transaction_id=transaction_id.strip(), amount_vnd=amount,
                          description=description[:255], account=account[:32],
                          credited_at=credited_at, raw=data)
