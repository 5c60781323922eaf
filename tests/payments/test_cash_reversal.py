"""The cashier confirms a cash payment in two steps; the supervisor (the gate management
board, permission ``payments.reverse_cash``) reverses one made in error, with a reason.
Nothing is deleted: the reversal is its own record with its audit entry, the invoice is
unpaid again, and the receipt it issued reads as void on its verification page."""

from __future__ import annotations

import pytest

from tests.border.conftest import user
from tests.payments.test_cashier_and_api import API, post_json, state
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.payments.models import CashReversal, InvoiceStatus
from tinhso.payments.presenters import verify_path
from tinhso.payments.services import confirm_cash_payment, reverse_cash_payment


@pytest.fixture
def supervisor(payments):
    return user("bql")


@pytest.fixture
def paid(cashier, invoice):
    confirm_cash_payment(actor=cashier, invoice=invoice, amount_vnd=invoice.amount_vnd)
    invoice.refresh_from_db()
    return invoice


def world(invoice) -> tuple:
    invoice.refresh_from_db()
    return (invoice.status, invoice.paid_at, invoice.paid_via, invoice.confirmed_by_id,
            invoice.verify_token, CashReversal.objects.count(), AuditEntry.objects.count())


# ---------------------------------------------------------------- the cashier's two steps


def test_the_cashier_page_opens_a_confirmation_that_changes_nothing(client, cashier, invoice):
    client.force_login(cashier)
    cashier_page = client.get("/payments/cashier/").content.decode()
    assert f'method="get" action="/payments/cashier/{invoice.reference}/confirm/"' in cashier_page
    before = state(invoice)
    page = client.get(f"/payments/cashier/{invoice.reference}/confirm/",
                      {"amount_vnd": str(invoice.amount_vnd), "note": "tiền mặt"})
    assert page.status_code == 200
    body = page.content.decode()
    assert invoice.reference in body and invoice.declaration.plate in body
    assert "4.000.000 ₫" in body and 'name="confirm" value="yes"' in body
    assert state(invoice) == before


def test_a_single_post_without_the_confirmation_step_records_nothing(client, cashier, invoice):
    client.force_login(cashier)
    before = state(invoice)
    response = client.post(f"/payments/cashier/{invoice.reference}/confirm/",
                           {"amount_vnd": str(invoice.amount_vnd)})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/payments/cashier/{invoice.reference}/confirm/?")
    assert state(invoice) == before
    done = client.post(f"/payments/cashier/{invoice.reference}/confirm/",
                       {"amount_vnd": str(invoice.amount_vnd), "confirm": "yes"})
    assert done.status_code == 302 and state(invoice)[0] == InvoiceStatus.PAID


# ---------------------------------------------------------------- the supervisor's reversal


def test_the_supervisor_reverses_with_a_reason_and_nothing_is_deleted(client, supervisor, paid,
                                                                      cashier):
    old_token, paid_at = paid.verify_token, paid.paid_at
    receipt_page = verify_path(paid)
    client.force_login(supervisor)
    detail = client.get(f"/payments/invoices/{paid.reference}/").content.decode()
    assert f"/payments/invoices/{paid.reference}/reverse-cash/" in detail

    before = world(paid)
    form = client.get(f"/payments/invoices/{paid.reference}/reverse-cash/")
    assert form.status_code == 200 and 'value="wrong_invoice"' in form.content.decode()
    assert client.post(f"/payments/invoices/{paid.reference}/reverse-cash/",
                       {"reason": "wrong_invoice"}).status_code == 302  # no confirm step
    assert world(paid) == before
    missing = client.post(f"/payments/invoices/{paid.reference}/reverse-cash/",
                          {"confirm": "yes", "reason": "other"})
    assert missing.status_code == 422 and "ghi rõ lý do" in missing.content.decode()
    assert world(paid) == before

    done = client.post(f"/payments/invoices/{paid.reference}/reverse-cash/",
                       {"confirm": "yes", "reason": "wrong_invoice", "note": "Nhầm xe"})
    assert done.status_code == 302
    paid.refresh_from_db()
    assert (paid.status, paid.paid_at, paid.paid_via, paid.confirmed_by) == (
        InvoiceStatus.UNPAID, None, "", None)
    assert paid.verify_token != old_token
    reversal = CashReversal.objects.get()
    assert (reversal.invoice, reversal.amount_vnd, reversal.paid_at, reversal.confirmed_by,
            reversal.verify_token, reversal.reason, reversal.note, reversal.reversed_by) == (
        paid, paid.amount_vnd, paid_at, cashier, old_token, "wrong_invoice", "Nhầm xe",
        supervisor)
    entry = AuditEntry.objects.get(action="invoice.cash_reversed")
    assert entry.before["status"] == "paid" and entry.after["status"] == "unpaid"
    assert entry.after["reason"] == "wrong_invoice" and "Nhầm xe" in entry.note
    assert AuditEntry.objects.filter(action="invoice.paid").exists()  # still there

    # The reversed payment stays visible, the old receipt is void, a new payment works.
    detail = client.get(f"/payments/invoices/{paid.reference}/").content.decode()
    assert "Xác nhận nhầm hóa đơn" in detail and "Nhầm xe" in detail
    void = client.get(receipt_page)
    assert void.status_code == 200 and 'data-field="void"' in void.content.decode()
    confirm_cash_payment(actor=cashier, invoice=paid, amount_vnd=paid.amount_vnd)
    paid.refresh_from_db()
    assert 'data-field="void"' not in client.get(verify_path(paid)).content.decode()
    assert 'data-field="void"' in client.get(receipt_page).content.decode()


def test_the_supervisor_reverses_through_the_api(client, supervisor, paid):
    client.force_login(supervisor)
    url = f"{API}/invoices/{paid.reference}/reverse-cash"
    before = world(paid)
    for body, field in (({}, "reason"), ({"reason": "lost"}, "reason"),
                        ({"reason": "other"}, "note")):
        refused = post_json(client, url, body)
        assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == field
    assert world(paid) == before
    done = post_json(client, url, {"reason": "cash_not_received"})
    assert done.status_code == 200 and done.json()["status"] == "unpaid"
    again = post_json(client, url, {"reason": "cash_not_received"})
    assert again.status_code == 409
    assert CashReversal.objects.count() == 1


@pytest.mark.parametrize("who", ["cashier", "enterprise_user", "other_enterprise_user"])
def test_the_cashier_and_the_enterprise_cannot_reverse(client, request, paid, who):
    client.force_login(request.getfixturevalue(who))
    before = world(paid)
    page = client.post(f"/payments/invoices/{paid.reference}/reverse-cash/",
                       {"confirm": "yes", "reason": "wrong_invoice"})
    api = post_json(client, f"{API}/invoices/{paid.reference}/reverse-cash",
                    {"reason": "wrong_invoice"})
    assert page.status_code == 403
    assert api.status_code == (404 if who == "other_enterprise_user" else 403)
    assert world(paid) == before
    detail = client.get(f"/payments/invoices/{paid.reference}/")
    assert "reverse-cash" not in detail.content.decode()


def test_a_bank_payment_cannot_be_reversed_as_cash(supervisor, invoice):
    with pytest.raises(DomainError) as refused:
        reverse_cash_payment(actor=supervisor, invoice=invoice, reason="wrong_invoice")
    assert (refused.value.code, refused.value.status) == ("payments.not_reversible", 409)
    assert "chưa" not in refused.value.message_en and invoice.reference in refused.value.message_vi
