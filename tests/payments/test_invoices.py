import re

import pytest

from tests.border.conftest import declare
from tinhso.core.models import AuditEntry
from tinhso.payments.models import FeeRate, Invoice, InvoiceStatus
from tinhso.payments.selectors import vietqr_payload
from tinhso.payments.services import find_reference, issue_crossing_invoice, issue_invoice
from tinhso.payments.vietqr import parse_payload


def test_crossing_invoice_amount_lines_and_reference(invoice):
    assert re.fullmatch(r"HT[0-9]{11}", invoice.reference)
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.amount_vnd == 4_000_000  # 40-ft container of fresh fruit
    assert invoice.payer.code == "dn-nong-san-xu-lang"
    (line,) = invoice.lines
    assert line["vehicle_class"] == "container_40" and line["amount_vnd"] == 4_000_000
    # export adjustment is not confirmed: the invoice says so
    assert invoice.is_placeholder and line["is_placeholder"]
    assert AuditEntry.objects.filter(action="invoice.issue", object_id=str(invoice.pk)).count() == 1


def test_crossing_invoice_is_idempotent(invoice):
    again = issue_crossing_invoice(declaration=invoice.declaration)
    assert again.pk == invoice.pk
    assert Invoice.objects.filter(declaration=invoice.declaration).count() == 1


@pytest.mark.parametrize(("overrides", "amount", "placeholder"), [
    ({"goods": "vegetables", "weight_kg": 1500, "containers": 0, "direction": "export"},
     100_000, True),
    ({"weight_kg": 28000, "containers": 1, "direction": "import"}, 5_200_000, False),
])
def test_crossing_invoice_by_declaration(enterprise_user, overrides, amount, placeholder):
    invoice = issue_crossing_invoice(declaration=declare(enterprise_user, **overrides))
    assert invoice.amount_vnd == amount
    assert invoice.is_placeholder is placeholder


def test_wharf_only_transfer(enterprise_user):
    declaration = declare(enterprise_user, direction="import")
    assert issue_crossing_invoice(declaration=declaration,
                                  wharf_only=True).amount_vnd == 1_200_000


def test_no_rate_does_not_block_the_crossing(enterprise_user):
    FeeRate.objects.all().delete()
    assert issue_crossing_invoice(declaration=declare(enterprise_user)) is None
    assert not Invoice.objects.exists()


def test_a_missing_rate_is_explained_in_words_not_codes(enterprise_user):
    from tinhso.core.errors import DomainError
    from tinhso.payments.services import quote_crossing_fee

    FeeRate.objects.all().delete()
    with pytest.raises(DomainError) as error:
        quote_crossing_fee(declare(enterprise_user, weight_kg=28000, containers=1,
                                   direction="import"))
    assert error.value.message_vi == ("Chưa có mức phí áp dụng cho xe container 40 feet chở "
                                      "hàng tươi sống, dễ hỏng (nhập khẩu vào nội địa).")
    assert error.value.message_en == ("No fee rate applies to a 40-foot container truck "
                                      "carrying perishable goods (import for inland delivery).")


def test_references_follow_each_other(invoice):
    second = issue_invoice(actor=None, payer=invoice.payer, subject="Phí chợ",
                           lines=[{"code": "x", "label": "Phí", "amount_vnd": 5_000}])
    assert int(second.reference[-5:]) == int(invoice.reference[-5:]) + 1
    assert second.declaration is None


def test_vietqr_payload_carries_amount_account_and_reference(invoice):
    qr = parse_payload(vietqr_payload(invoice))
    assert qr.bank_bin == "970436"
    assert qr.amount == invoice.amount_vnd
    assert qr.is_dynamic
    assert invoice.reference in qr.purpose
    assert qr.bill_number == invoice.reference
    assert find_reference(qr.purpose) == invoice.reference


@pytest.mark.parametrize(("description", "expected"), [
    ("HT26011500001 PHI HA TANG", "HT26011500001"),
    ("MBVCB.123.ht26011500001phihatang.CT tu 0123", "HT26011500001"),
    ("Thanh toan HT 2601 1500 001", "HT26011500001"),
    ("HT2601150000123", ""),
    ("chuyen tien", ""),
])
def test_reference_found_in_bank_descriptions(description, expected):
    assert find_reference(description) == expected
