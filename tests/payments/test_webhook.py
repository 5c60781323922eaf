"""The bank webhook, over real HTTP: the simulator signs and sends to the live server."""

import json
import time

import pytest

from tests.payments.conftest import WEBHOOK_SECRET
from tinhso.core.models import AuditEntry
from tinhso.payments import simulator
from tinhso.payments.models import BankTransaction, InvoiceStatus


@pytest.fixture
def url(live_server, payments):
    return f"{live_server.url}/api/v1/payments/bank-webhook"


def send(url, invoice, *, tx="FT26001", amount=None, secret=WEBHOOK_SECRET, **kwargs):
    return simulator.send_credit(
        url, secret=secret, transaction_id=tx,
        amount_vnd=invoice.amount_vnd if amount is None else amount,
        description=kwargs.pop("description", f"{invoice.reference} PHI HA TANG"),
        account=invoice.payee.account_number, **kwargs)


def paid_audits(invoice) -> int:
    return AuditEntry.objects.filter(action="invoice.paid", object_id=str(invoice.pk)).count()


def test_good_notification_confirms_exactly_once(url, invoice):
    status, answer = send(url, invoice)
    assert status == 200
    assert answer == {"transaction_id": "FT26001", "outcome": "matched", "reason": "",
                      "invoice_reference": invoice.reference, "duplicate": False}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_via == "bank"
    assert paid_audits(invoice) == 1

    # the bank retries the same transaction: same answer, nothing new
    status, again = send(url, invoice)
    assert status == 200
    assert again == {**answer, "duplicate": True}
    assert BankTransaction.objects.count() == 1
    assert paid_audits(invoice) == 1


def test_bad_signature_is_rejected(url, invoice):
    status, answer = send(url, invoice, secret="not-the-secret")
    assert status == 401
    assert answer["detail"][0]["code"] == "payments.webhook_signature"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert not BankTransaction.objects.exists()


def test_tampered_body_is_rejected(url, invoice):
    body = simulator.build_notification(transaction_id="FT1", amount_vnd=1,
                                        description=invoice.reference)
    headers = simulator.signed_headers(body, WEBHOOK_SECRET)
    tampered = body.replace(b'"amount": 1', b'"amount": 4000000')
    assert simulator.post(url, tampered, headers)[0] == 401
    assert not BankTransaction.objects.exists()


def test_stale_timestamp_is_rejected(url, invoice):
    status, answer = send(url, invoice, timestamp=int(time.time()) - 301)
    assert status == 401
    assert answer["detail"][0]["code"] == "payments.webhook_stale"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert not BankTransaction.objects.exists()


def test_wrong_amount_is_recorded_as_mismatched(url, invoice):
    status, answer = send(url, invoice, amount=invoice.amount_vnd - 1)
    assert status == 200
    assert (answer["outcome"], answer["reason"]) == ("mismatched", "wrong_amount")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    tx = BankTransaction.objects.get()
    assert tx.invoice == invoice and tx.outcome == "mismatched"
    assert paid_audits(invoice) == 0


def test_unknown_reference_is_mismatched(url, invoice):
    status, answer = send(url, invoice, description="HT99010100001 PHI")
    assert status == 200
    assert answer["reason"] == "unknown_reference"
    status, answer = send(url, invoice, tx="FT2", description="tien hang")
    assert answer["reason"] == "no_reference"


def test_second_payment_of_a_paid_invoice_is_mismatched(url, invoice):
    send(url, invoice, tx="FT1")
    status, answer = send(url, invoice, tx="FT2")
    assert (status, answer["reason"]) == (200, "not_payable")
    assert paid_audits(invoice) == 1


@pytest.mark.parametrize(("body", "status"), [
    (b"not json", 400),
    (b"[1, 2]", 400),
    (json.dumps({"transaction_id": "FT9", "amount": "100000"}).encode(), 422),
    (json.dumps({"amount": 100000}).encode(), 422),
    (json.dumps({"transaction_id": "FT9", "amount": 5, "currency": "USD"}).encode(), 422),
])
def test_malformed_notifications(url, body, status):
    assert simulator.post(url, body, simulator.signed_headers(body, WEBHOOK_SECRET))[0] == status
    assert not BankTransaction.objects.exists()


def test_no_secret_configured_rejects_everything(url, invoice, settings, monkeypatch):
    settings.PAYMENTS_WEBHOOK_SECRETS = {}
    monkeypatch.delenv("BANK_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("BANK_WEBHOOK_SECRET_DEMO", raising=False)
    assert send(url, invoice, secret="")[0] == 401
    assert not BankTransaction.objects.exists()


def test_unknown_provider_is_404(live_server, payments, invoice):
    body = b"{}"
    status, _ = simulator.post(f"{live_server.url}/api/v1/payments/bank-webhook/nobank", body,
                               simulator.signed_headers(body, WEBHOOK_SECRET))
    assert status == 404
