import csv
import io

from django.utils import timezone

from tinhso.core.money import format_vnd
from tinhso.payments.models import BankTransaction
from tinhso.payments.providers import BankCredit
from tinhso.payments.receipt import receipt_pdf
from tinhso.payments.services import confirm_cash_payment, issue_invoice, record_bank_credit


def test_receipt_pdf_has_reference(cashier, invoice):
    confirm_cash_payment(actor=cashier, invoice=invoice, amount_vnd=invoice.amount_vnd)
    invoice.refresh_from_db()
    pdf = receipt_pdf(invoice, "https://example.vn/payments/verify/x/y/", compress=False)
    assert pdf.startswith(b"%PDF")
    assert invoice.reference.encode() in pdf
    assert b"DejaVuSans" in pdf  # Vietnamese text set in a font that has the glyphs
    assert receipt_pdf(invoice, "https://example.vn/v/").startswith(b"%PDF")


def test_receipt_download_and_public_verification(client, cashier, enterprise_user, invoice):
    client.force_login(enterprise_user)
    url = f"/payments/invoices/{invoice.reference}/receipt.pdf"
    assert client.get(url).status_code == 404  # not paid yet: no receipt
    confirm_cash_payment(actor=cashier, invoice=invoice, amount_vnd=invoice.amount_vnd)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    client.logout()
    page = client.get(f"/payments/verify/{invoice.reference}/{invoice.verify_token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Biên lai hợp lệ" in html and "Đã nộp" in html and format_vnd(4_000_000) in html
    assert client.get(f"/payments/verify/{invoice.reference}/guess/").status_code == 404


def test_reconciliation_report_and_csv(client, cashier, enterprise_user, invoice):
    paid = issue_invoice(actor=None, payer=invoice.payer, subject="Phí",
                         lines=[{"code": "x", "label": "Phí", "amount_vnd": 100_000}])
    record_bank_credit(provider="demo", credit=BankCredit(
        transaction_id="FT1", amount_vnd=100_000, description=paid.reference))
    record_bank_credit(provider="demo", credit=BankCredit(
        transaction_id="FT2", amount_vnd=1, description=invoice.reference))
    record_bank_credit(provider="demo", credit=BankCredit(
        transaction_id="FT3", amount_vnd=7, description="HT99999999999"))
    assert BankTransaction.objects.filter(outcome="mismatched").count() == 2

    client.force_login(cashier)
    today = timezone.localdate().isoformat()
    page = client.get(f"/payments/reconciliation/?start={today}&end={today}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "100.000 ₫" in html and "4.000.000 ₫" in html and "FT3" in html
    export = client.get(f"/payments/reconciliation/?start={today}&end={today}&format=csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    sections = sorted((r["section"], r["amount_vnd"]) for r in rows)
    assert sections == [("mismatched", "1"), ("mismatched", "7"), ("paid", "100000"),
                        ("unpaid", "4000000")]

    client.force_login(enterprise_user)
    assert client.get("/payments/reconciliation/").status_code == 403
