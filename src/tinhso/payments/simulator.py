"""A local bank: sends real, signed HTTP callbacks (the ``demo`` format) to a webhook URL.

    from tinhso.payments.simulator import send_credit
    status, answer = send_credit("http://127.0.0.1:8000/api/v1/payments/bank-webhook",
                                 secret="…", transaction_id="FT1", amount_vnd=100_000,
                                 description="HT25011500001 PHI HA TANG")
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime

from tinhso.payments.providers.base import BankNotificationAdapter


def build_notification(*, transaction_id: str, amount_vnd: int, description: str,
                       account: str = "", credited_at: datetime | None = None) -> bytes:
    body = {"transaction_id": transaction_id, "amount": amount_vnd, "currency": "VND",
            "description": description, "account": account}
    if credited_at is not None:
        body["credited_at"] = credited_at.isoformat()
    return json.dumps(body, ensure_ascii=False).encode()


def signed_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json", "X-Timestamp": stamp,
            "X-Signature": BankNotificationAdapter.sign(secret, stamp, body)}


def post(url: str, body: bytes, headers: dict[str, str], *,
         timeout: float = 10) -> tuple[int, dict]:
    """POST and return (HTTP status, decoded JSON answer), also for 4xx/5xx answers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"{}")
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def send_credit(url: str, *, secret: str, transaction_id: str, amount_vnd: int,
                description: str, account: str = "", timestamp: int | None = None,
                credited_at: datetime | None = None) -> tuple[int, dict]:
    """Sign and send one credit notification, as the bank would."""
    body = build_notification(transaction_id=transaction_id, amount_vnd=amount_vnd,
                              description=description, account=account,
                              credited_at=credited_at)
    return post(url, body, signed_headers(body, secret, timestamp))


def build_refund_result(*, bank_reference: str, confirmed: bool, reason: str = "") -> bytes:
    body = {"bank_reference": bank_reference, "status": "confirmed" if confirmed else "failed"}
    if reason:
        body["reason"] = reason
    return json.dumps(body, ensure_ascii=False).encode()


def send_refund_result(url: str, *, secret: str, bank_reference: str, confirmed: bool,
                       reason: str = "", timestamp: int | None = None) -> tuple[int, dict]:
    """Sign and send the result of a refund transfer order, as the bank would."""
    body = build_refund_result(bank_reference=bank_reference, confirmed=confirmed,
                               reason=reason)
    return post(url, body, signed_headers(body, secret, timestamp))
