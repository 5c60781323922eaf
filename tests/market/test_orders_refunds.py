"""A paid order cancelled is paid back through payments.refunds: a transfer order to the
buyer's account, requested → sent → confirmed | failed, idempotent, audited, seen by the
buyer and the hub's accountant; the order is refunded when the bank confirms."""

import json

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.market.models import Order, OrderState
from tinhso.market.services import orders
from tinhso.payments import refunds
from tinhso.payments.models import RefundRequest, RefundState
from tinhso.payments.providers import BankCredit
from tinhso.payments.refunds import BankAccount
from tinhso.payments.services import record_bank_credit

pytestmark = pytest.mark.django_db
S = OrderState
R = RefundState
GOOD = BankAccount("970436", "0123.456.789", "Lê Thị Mai")
CLOSED = BankAccount("970436", "0123450000", "Lê Thị Mai")


def refund_due(world, **kw):
    order = order_of(world, (world.hoi, 2), actor=world.buyer, **kw)
    record_bank_credit(provider="demo", credit=BankCredit(
        transaction_id=f"FT{order.pk}", amount_vnd=order.total_vnd,
        description=f"{order.code} MUA HANG", account=order.payee.account_number))
    order.refresh_from_db()
    orders.cancel_order(actor=world.hub_accountant, order=order, reason="out_of_stock")
    order.refresh_from_db()
    assert order.state == S.REFUND_DUE
    return order


def test_the_refund_goes_requested_sent_confirmed_and_the_order_is_refunded(world):
    order = refund_due(world)
    refund = orders.refund_order(actor=world.hub_accountant, order=order, account=GOOD)
    assert (refund.state, refund.amount_vnd, refund.account_number) == (
        R.SENT, order.total_vnd, "0123456789")
    assert refund.bank_reference == f"SIM{refund.reference}" and refund.sent_at is not None
    assert refund.organization == world.hub.organization
    assert refunds.simulate_results() == [refund.reference]
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == R.CONFIRMED and order.state == S.REFUNDED
    actions = set(AuditEntry.objects.filter(object_id=str(refund.pk), action__startswith=
                                            "payments.refund").values_list("action", flat=True))
    assert actions == {"payments.refund_requested", "payments.refund_sent",
                       "payments.refund_confirmed"}
    # the bank saying it again changes nothing; saying the contrary is refused
    refunds.record_result(adapter="simulator", bank_reference=refund.bank_reference,
                          confirmed=True)
    with pytest.raises(DomainError):
        refunds.record_result(adapter="simulator", bank_reference=refund.bank_reference,
                              confirmed=False, reason="late")
    assert RefundRequest.objects.get(pk=refund.pk).state == R.CONFIRMED


def test_asking_twice_never_pays_twice(world):
    order = refund_due(world)
    first = orders.refund_order(actor=world.hub_accountant, order=order, account=GOOD)
    again = orders.refund_order(actor=world.hub_accountant, order=order, account=GOOD)
    assert first.pk == again.pk and RefundRequest.objects.count() == 1
    assert refunds.send(first).state == R.SENT  # sending again does nothing
    assert AuditEntry.objects.filter(action="payments.refund_sent").count() == 1
    with pytest.raises(IntegrityError):  # the database holds one open refund per order
        RefundRequest.objects.create(
            reference="HOANDUPLICAT", kind="market_order", source_reference=order.code,
            amount_vnd=1, bank_bin="970436", bank_name="x", account_number="123456",
            account_name="x", purpose="x", requested_at=first.requested_at)


def test_a_failed_transfer_leaves_the_order_refund_due_for_a_new_request(world):
    order = refund_due(world)
    failed = orders.refund_order(actor=world.hub_accountant, order=order, account=CLOSED)
    refunds.simulate_results()
    failed.refresh_from_db()
    assert failed.state == R.FAILED and "đã đóng" in failed.failure_reason
    assert Order.objects.get(pk=order.pk).state == S.REFUND_DUE
    retry = orders.refund_order(actor=world.hub_accountant, order=order, account=GOOD)
    assert retry.pk != failed.pk and retry.state == R.SENT
    refunds.simulate_results()
    assert Order.objects.get(pk=order.pk).state == S.REFUNDED


def test_bad_accounts_are_refused_field_by_field_and_nothing_is_written(world):
    order = refund_due(world)
    with pytest.raises(InvalidInput) as refused:
        orders.refund_order(actor=world.hub_accountant, order=order,
                            account=BankAccount("999999", "12ab", " "))
    assert {e.field for e in refused.value.errors} == {"bank_bin", "account_number",
                                                       "account_name"}
    assert not RefundRequest.objects.exists()


def test_only_a_refund_due_order_and_only_its_accountant(world):
    unpaid = order_of(world, (world.hoi, 1), actor=world.buyer)
    with pytest.raises(DomainError):
        orders.refund_order(actor=world.hub_accountant, order=unpaid, account=GOOD)
    order = refund_due(world)
    for someone in (world.buyer, world.seller_h, world.seller_a):
        with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied
            orders.refund_order(actor=someone, order=order, account=GOOD)
    assert not RefundRequest.objects.exists()


def test_pages_and_api_show_the_refund_to_the_buyer_and_the_accountant(world):
    order = refund_due(world)
    accountant, buyer, stranger = Client(), Client(), Client()
    accountant.force_login(world.hub_accountant)
    buyer.force_login(world.buyer)
    stranger.force_login(world.other_buyer)
    page = accountant.get(f"/cho/don-hang/{order.code}/hoan-tien/")
    assert page.status_code == 200 and 'name="account_number"' in page.content.decode()
    assert buyer.get(f"/cho/don-hang/{order.code}/hoan-tien/").status_code == 404
    response = accountant.post(f"/cho/don-hang/{order.code}/hoan-tien/", {
        "confirm": "yes", "bank_bin": "970436", "account_number": "12", "account_name": "Mai"})
    assert response.status_code == 422 and not RefundRequest.objects.exists()
    response = accountant.post(f"/cho/don-hang/{order.code}/hoan-tien/", {
        "confirm": "yes", "bank_bin": "970436", "account_number": "0123456789",
        "account_name": "Lê Thị Mai"})
    assert response.status_code == 302
    refund = RefundRequest.objects.get()
    # while it is on its way, the order page offers no second refund
    assert f"/cho/don-hang/{order.code}/hoan-tien/" not in accountant.get(
        f"/cho/don-hang/{order.code}/").content.decode()
    for client in (accountant, buyer):
        page = client.get(f"/cho/don-hang/{order.code}/").content.decode()
        assert refund.reference in page and "••••6789" in page and "0123456789" not in page
    answer = buyer.get(f"/api/v1/market/orders/{order.code}/refunds").json()
    assert [(r["reference"], r["state"]) for r in answer] == [(refund.reference, "sent")]
    assert stranger.get(f"/api/v1/market/orders/{order.code}/refunds").status_code == 404
    refunds.simulate_results()
    answer = buyer.get(f"/api/v1/market/orders/{order.code}/refunds").json()
    assert answer[0]["state"] == "confirmed"
    assert buyer.get(f"/api/v1/market/orders/{order.code}").json()["state"] == S.REFUNDED


def test_the_api_sends_a_refund_with_field_errors(world):
    order = refund_due(world)
    api = Client()
    api.force_login(world.hub_accountant)
    url = f"/api/v1/market/orders/{order.code}/refund"
    bad = api.post(url, json.dumps({"bank_bin": "1", "account_number": "x",
                                    "account_name": "Mai"}), content_type="application/json")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} >= {"bank_bin", "account_number"}
    good = api.post(url, json.dumps({"bank_bin": "970436", "account_number": "0123456789",
                                     "account_name": "Lê Thị Mai"}),
                    content_type="application/json")
    assert good.status_code == 200 and good.json()["state"] == "sent"


def test_the_banks_signed_callback_refunds_the_order_once(world, settings):
    from tinhso.payments import simulator

    settings.PAYMENTS_WEBHOOK_SECRETS = {"demo": "test-only-refund-secret"}
    order = refund_due(world)
    refund = orders.refund_order(actor=world.hub_accountant, order=order, account=GOOD)
    body = simulator.build_refund_result(bank_reference=refund.bank_reference, confirmed=True)
    headers = simulator.signed_headers(body, "test-only-refund-secret")
    bank = Client()

    def deliver():
        return bank.post("/api/v1/payments/refund-results", data=body,
                         content_type="application/json",
                         HTTP_X_TIMESTAMP=headers["X-Timestamp"],
                         HTTP_X_SIGNATURE=headers["X-Signature"])

    assert deliver().json()["duplicate"] is False
    assert deliver().json()["duplicate"] is True  # the bank's retry changes nothing
    assert Order.objects.get(pk=order.pk).state == S.REFUNDED
    assert AuditEntry.objects.filter(object_id=str(order.pk),
                                     action="order.refunded").count() == 1
