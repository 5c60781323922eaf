"""Odd input to the payments API answers 4xx, never 5xx, and stores nothing."""

import json

from django.test import Client

from tests.payments.conftest import WEBHOOK_SECRET
from tinhso.payments import simulator
from tinhso.payments.models import BankTransaction


def test_webhook_with_huge_amount(payments, invoice):
    body = json.dumps({"transaction_id": "FT1", "amount": 10**30, "currency": "VND",
                       "description": f"{invoice.reference}", "account": "1"}).encode()
    response = Client(raise_request_exception=False).post("/api/v1/payments/bank-webhook", body,
                                     content_type="application/json",
                                     headers=simulator.signed_headers(body, WEBHOOK_SECRET))
    assert response.status_code == 422, response.content
    assert {e["field"] for e in response.json()["detail"]} == {"amount"}
    assert not BankTransaction.objects.exists()
