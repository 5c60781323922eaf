"""Documents, border and fee figures per commune: a document counts in the commune whose
People's Committee issued it (`market.CommuneOffice`), a truck and its fee in the commune
of its gate. A commune without a gate or a committee on the platform has no such tile,
and its page says why; a province-only indicator says why on its page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tests.factories import (
    DeclarationFactory,
    GateFactory,
    OrganizationFactory,
    user_with_role,
)
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.documents.models import Agency, OutgoingDocument, OutgoingState
from tinhso.ioc import services
from tinhso.ioc.models import Snapshot
from tinhso.market.models import CommuneOffice
from tinhso.payments.models import Invoice, InvoiceStatus, PayeeAccount

pytestmark = pytest.mark.django_db


def figure(code, commune=None):
    rows = Snapshot.objects.filter(indicator__code=code, period="2026-12")
    rows = rows.filter(commune__code=commune) if commune else rows.filter(commune__isnull=True)
    return rows.first()


@pytest.fixture
def world(catalogue, communes, clock):
    chi_lang, bac_son, _ = communes
    now = timezone.now()
    # Documents: Chi Lăng's committee issues a signed and an unsigned document; a province
    # department issues two signed ones; Bắc Sơn's committee is on the platform, silent.
    leader = user_with_role(Role.PROVINCE_LEADER)
    committees = {}
    for unit in (chi_lang, bac_son):
        org = OrganizationFactory(kind=OrganizationKind.STATE_AGENCY, name=f"UBND {unit.name}")
        CommuneOffice.objects.create(organization=org, commune=unit)
        committees[unit.code] = Agency.objects.create(
            organization=org, name=org.name, abbreviation="UBND",
            exchange_code=f"000.{unit.code}.H20")
    department = Agency.objects.create(
        organization=OrganizationFactory(kind=OrganizationKind.STATE_AGENCY), name="Sở",
        abbreviation="SNV", exchange_code="000.00.H20")
    for n, (agency, signed) in enumerate([(committees[20001], True), (committees[20001], False),
                                          (department, True), (department, True)]):
        OutgoingDocument.objects.create(
            agency=agency, doc_type="cong_van", excerpt="V/v", drafter=leader, signer=leader,
            signer_title="Chủ tịch", state=OutgoingState.ISSUED,
            issued_at=now - timedelta(hours=1), year=2026, number=n + 1,
            signed_file="s.pdf" if signed else "")
    # Border: Hữu Nghị in Chi Lăng (2 crossings, 2 h and 4 h in the yard, fees paid), a
    # gate with no commune set (1 crossing), one truck waiting at Hữu Nghị.
    huu_nghi = GateFactory()
    huu_nghi.commune = chi_lang
    huu_nghi.save(update_fields=["commune"])
    elsewhere = GateFactory(code="coc-nam", name="Cốc Nam")
    payee = PayeeAccount.objects.create(code="bql", bank_bin="970418", bank_name="BIDV",
                                        account_number="1", account_name="BQL")
    for n, (gate, hours) in enumerate([(huu_nghi, 2), (huu_nghi, 4), (elsewhere, 6)]):
        crossed = now - timedelta(hours=1)
        declaration = DeclarationFactory(crossed=True, gate=gate, crossed_at=crossed,
                                         checked_in_at=crossed - timedelta(hours=hours))
        Invoice.objects.create(reference=f"T{n}", subject="Phí", payer=declaration.enterprise,
                               payee=payee, declaration=declaration, amount_vnd=1_000_000,
                               status=InvoiceStatus.PAID, paid_at=crossed, paid_via="bank",
                               verify_token=f"t{n}")
    DeclarationFactory(in_yard=True, gate=huu_nghi)
    services.refresh()
    return {"chi_lang": chi_lang, "bac_son": bac_son, "committees": committees}


def test_documents_count_in_the_issuing_committee_s_commune(world):
    assert figure("signed_documents").value == D(75)  # 3 of 4
    assert figure("signed_documents", 20001).value == D(50)  # Chi Lăng: 1 of 2
    assert figure("signed_documents", 20002).value is None  # Bắc Sơn issued nothing
    assert figure("signed_documents", 20003) is None  # no committee on the platform
    # Agencies on electronic documents: 2 of 3 issued; Chi Lăng's did, Bắc Sơn's did not.
    assert figure("agencies_electronic_documents").value == D("66.7")
    assert figure("agencies_electronic_documents", 20001).value == D(100)
    assert figure("agencies_electronic_documents", 20002).value == D(0)
    assert figure("agencies_electronic_documents", 20003) is None  # no committee on it


def test_border_figures_count_in_the_gate_s_commune(world):
    assert figure("border_backlog", 20001).value == D(1)
    assert figure("border_mean_wait").value == D(4)  # (2 + 4 + 6) / 3
    assert figure("border_mean_wait", 20001).value == D(3)  # Hữu Nghị only
    assert figure("fee_revenue").value == D(3_000_000)
    assert figure("fee_revenue", 20001).value == D(2_000_000)
    assert figure("border_trucks_per_day", 20001).value > 0
    for code in ("border_backlog", "border_mean_wait", "fee_revenue", "border_trucks_per_day"):
        assert figure(code, 20002) is None, code  # Bắc Sơn has no gate


def test_the_commune_pages_show_what_they_have_and_say_why_not_the_rest(client, world):
    client.force_login(user_with_role(Role.PROVINCE_LEADER))
    chi_lang = client.get("/ioc/xa/20001/")
    shown = {t.indicator.code for t in chi_lang.context["tiles"]}
    assert {"border_backlog", "signed_documents", "fee_revenue"} <= shown
    assert "grdp" not in shown
    bac_son = client.get("/ioc/xa/20002/")
    shown = {t.indicator.code for t in bac_son.context["tiles"]}
    assert "border_backlog" not in shown and "fee_revenue" not in shown
    assert "agencies_electronic_documents" in shown
    missing = {i.code for i in bac_son.context["not_here"]}
    assert {"border_backlog", "grdp", "digital_economy_share"} <= missing
    assert "cửa khẩu" in bac_son.text  # why: no border gate here
    assert "Thống kê tỉnh công bố" in bac_son.text or "statistics office" in bac_son.text


def test_a_commune_officer_sees_their_commune_s_public_figures_only(client, world):
    officer = user_with_role(Role.COMMUNE_OFFICER,
                             world["committees"][20002].organization)
    client.force_login(officer)
    assert client.get("/ioc/xa/20001/").status_code == 404
    page = client.get("/ioc/xa/20002/")
    assert page.status_code == 200
    tiles = {t.indicator.code: t for t in page.context["tiles"]}
    assert tiles["agencies_electronic_documents"].value == D(0)
    # Private indicators stay with their owner agency and the centre, even per commune.
    assert "signed_documents" not in tiles and "fee_revenue" not in tiles
    assert client.get("/ioc/chi-tieu/signed_documents/").status_code == 404


def test_the_indicator_page_says_why_a_figure_is_province_only(client, world):
    client.force_login(user_with_role(Role.PROVINCE_LEADER))
    grdp = client.get("/ioc/chi-tieu/grdp/")
    assert grdp.status_code == 200
    assert grdp.context["item"].communes_note in grdp.text
    assert grdp.context["item"].communes_note
    backlog = client.get("/ioc/chi-tieu/border_backlog/")
    assert backlog.context["item"].communes_note in backlog.text
    assert [s.commune.code for s in backlog.context["rows"]] == [20001]
