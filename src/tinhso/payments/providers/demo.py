"""The ``demo`` bank: a plain JSON notification, sent by :mod:`tinhso.payments.simulator`.

::

    POST /api/v1/payments/bank-webhook
    X-Timestamp: 1767225600
    X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">

    {"transaction_id": "FT25001", "amount": 100000, "currency": "VND",
     "description": "HT25011500001 PHI HA TANG", "account": "0000000000",
     "credited_at": "2026-01-15T09:30:00+07:00"}
"""

from __future__ import annotations

import json
from datetime import datetime

from tinhso.payments.errors import PaymentError, payment_error
from tinhso.payments.providers.base import BankCredit, BankNotificationAdapter


def _invalid(name: str):
    return payment_error(PaymentError.INVALID, field=name, field_name=name)


class DemoAdapter(BankNotificationAdapter):
    code = "demo"

    def parse(self, body: bytes) -> BankCredit:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise payment_error(PaymentError.MALFORMED) from None
        if not isinstance(data, dict):
            raise payment_error(PaymentError.MALFORMED)
        transaction_id = data.get("transaction_id")
        if not isinstance(transaction_id, str) or not 0 < len(transaction_id.strip()) <= 64:
            raise _invalid("transaction_id")
        amount = data.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise _invalid("amount")
        if data.get("currency", "VND") != "VND":
            raise _invalid("currency")
        description = data.get("description", "")
        account = data.get("account", "")
        if not isinstance(description, str) or not isinstance(account, str):
            raise _invalid("description" if not isinstance(description, str) else "account")
        credited_at = None
        if data.get("credited_at"):
            try:
                credited_at = datetime.fromisoformat(str(data["credited_at"]))
            except ValueError:
                raise _invalid("credited_at") from None
            if credited_at.tzinfo is None:
                raise _invalid("credited_at")
        return BankCredit(transaction_id=transaction_id.strip(), amount_vnd=amount,
                          description=description[:255], account=account[:32],
                          credited_at=credited_at, raw=data)
