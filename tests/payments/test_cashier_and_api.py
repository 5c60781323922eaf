import json

import pytest

from tests.border.conftest import declare
from tinhso.core.models import AuditEntry
from tinhso.payments.models import Invoice, InvoiceStatus
from tinhso.payments.services import confirm_cash_payment, issue_crossing_invoice

API = "/api/v1/payments"


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def state(invoice) -> tuple:
    invoice.refresh_from_db()
    return invoice.status, invoice.paid_at, invoice.paid_via


def test_cashier_confirms_with_audit(cashier, invoice):
    confirm_cash_payment(actor=cashier, invoice=invoice, amount_vnd=invoice.amount_vnd,
                         note="Biên lai giấy số 12")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_via == "cashier"
    assert invoice.confirmed_by == cashier
    entry = AuditEntry.objects.get(action="invoice.paid", object_id=str(invoice.pk))
    assert entry.actor == cashier and entry.note == "Biên lai giấy số 12"
    assert entry.before["status"] == "unpaid" and entry.after["status"] == "paid"


def test_cashier_page_lists_unpaid_and_confirms(client, cashier, invoice):
    client.force_login(cashier)
    page = client.get("/payments/cashier/")
    assert page.status_code == 200
    assert invoice.reference in page.content.decode()
    response = client.post(f"/payments/cashier/{invoice.reference}/confirm/",
                           {"amount_vnd": "4.000.000 ₫", "note": "tiền mặt"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert f"Đã xác nhận thu 4.000.000 ₫ — {invoice.reference}." in response.content.decode()
    assert state(invoice)[0] == InvoiceStatus.PAID
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    wrong = client.post(f"/payments/cashier/{invoice.reference}/confirm/",
                        {"amount_vnd": "bốn triệu"}, follow=True)
    assert "Not a valid amount in VND" in wrong.content.decode()


def test_model_names_read_correctly_in_vietnamese():
    from django.utils import translation

    from tinhso.border.models import GateNotice

    with translation.override("vi"):
        assert str(GateNotice._meta.verbose_name) == "thông báo cửa khẩu"


@pytest.mark.parametrize("who", ["anonymous", "enterprise", "other_enterprise"])
def test_only_the_fee_cashier_may_confirm(client, request, invoice, who):
    before = state(invoice)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(
            {"enterprise": "enterprise_user", "other_enterprise": "other_enterprise_user"}[who]))
    page = client.post(f"/payments/cashier/{invoice.reference}/confirm/",
                       {"amount_vnd": str(invoice.amount_vnd)})
    api = post_json(client, f"{API}/invoices/{invoice.reference}/confirm",
                    {"amount_vnd": invoice.amount_vnd})
    if who == "anonymous":
        assert page.status_code == 302 and api.status_code == 401
    else:
        assert page.status_code == 403
        # the payer's own staff: 403; another enterprise does not even see it: 404
        assert api.status_code == (403 if who == "enterprise" else 404)
        assert client.get("/payments/cashier/").status_code == 403
    assert state(invoice) == before
    assert not AuditEntry.objects.filter(action="invoice.paid").exists()


def test_cashier_api_wrong_amount_and_double_confirm(client, cashier, invoice):
    client.force_login(cashier)
    url = f"{API}/invoices/{invoice.reference}/confirm"
    wrong = post_json(client, url, {"amount_vnd": 1})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["code"] == "payments.wrong_amount"
    assert state(invoice)[0] == InvoiceStatus.UNPAID
    ok = post_json(client, url, {"amount_vnd": invoice.amount_vnd, "note": "quầy 1"})
    assert ok.status_code == 200 and ok.json()["status"] == "paid"
    assert ok.json()["receipt_url"].endswith(f"/payments/invoices/{invoice.reference}/receipt.pdf")
    again = post_json(client, url, {"amount_vnd": invoice.amount_vnd})
    assert again.status_code == 409
    assert AuditEntry.objects.filter(action="invoice.paid").count() == 1


def test_enterprise_sees_only_its_invoices(client, enterprise_user, other_enterprise_user,
                                           invoice):
    theirs = issue_crossing_invoice(declaration=declare(other_enterprise_user,
                                                                 plate="12C-999.99"))
    client.force_login(enterprise_user)
    listed = client.get(f"{API}/invoices").json()["items"]
    assert [i["reference"] for i in listed] == [invoice.reference]
    assert client.get(f"{API}/invoices/{theirs.reference}").status_code == 404
    assert client.get(f"/payments/invoices/{theirs.reference}/").status_code == 404
    detail = client.get(f"{API}/invoices/{invoice.reference}").json()
    assert detail["amount_display"] == "4.000.000 ₫"
    assert detail["vietqr_payload"].startswith("000201010212")
    assert detail["payee"]["bank_bin"] == "970436" and detail["payee"]["is_placeholder"]


def test_invoice_page_shows_qr_amount_and_placeholder(client, enterprise_user, invoice):
    client.force_login(enterprise_user)
    html = client.get(f"/payments/invoices/{invoice.reference}/").content.decode()
    assert "<svg" in html
    assert "4.000.000 ₫" in html
    assert "tạm tính / placeholder" in html
    assert invoice.transfer_purpose in html
    listing = client.get("/payments/invoices/").content.decode()
    assert invoice.reference in listing and "4.000.000 ₫" in listing


def test_cashier_sees_all_invoices(client, cashier, invoice):
    client.force_login(cashier)
    assert [i["reference"] for i in client.get(f"{API}/invoices").json()["items"]] == [
        invoice.reference]
    assert Invoice.objects.count() == 1
