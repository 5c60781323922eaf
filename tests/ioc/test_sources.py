"""Each seeded indicator's source against data built in the test; the two systems being
built (schools, innovation) give "no data yet" when absent and their figures when present."""

from __future__ import annotations

import sys
import types
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tests.factories import DeclarationFactory, OrganizationFactory, user_with_role
from tests.market import hub_factories as f
from tests.publicservices import sample
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.ioc import rules, sources
from tinhso.ioc.models import MANUAL
from tinhso.publicservices.models import Channel, Level
from tinhso.publicservices.models import DossierState as S

pytestmark = pytest.mark.django_db


def figures(indicator, period=None):
    period = period or rules.period_of(timezone.localdate(), indicator.frequency)
    return sources.load()[indicator.source](period, timezone.now())


def test_every_computed_indicator_has_a_registered_source(catalogue):
    registry = sources.load()
    computed = [i for i in catalogue.values() if i.source != MANUAL]
    assert len(computed) == 13
    assert all(i.source in registry for i in computed)
    assert {i.code for i in catalogue.values() if i.source == MANUAL} == {
        "digital_economy_share", "grdp"}


def test_households_with_a_shop_and_a_payment_account(catalogue, communes):
    admin = user_with_role(Role.SYSTEM_ADMIN)
    from tinhso.market.services import kpis

    chi_lang, bac_son, trang_dinh = communes
    kpis.set_household_count(actor=admin, commune=chi_lang, year=2025, households=10,
                             source="Niên giám thống kê 2025")
    kpis.set_household_count(actor=admin, commune=bac_son, year=2026, households=4,
                             source="Báo cáo xã")
    for i in range(6):
        f.shop(unit=chi_lang, bank=i < 5)
    f.shop(unit=bac_son, bank=False)
    f.shop(unit=trang_dinh)  # nobody counted Tràng Định's households
    shops = figures(catalogue["households_with_shop"])
    assert shops.province == D("50.0")  # 7 of the 14 counted households
    assert shops.communes == {20001: D("60.0"), 20002: D("25.0")}
    accounts = figures(catalogue["households_with_payment_account"])
    assert accounts.province == D("35.7")
    assert accounts.communes == {20001: D("50.0"), 20002: D("0.0")}
    # Before any shop existed (the year before), the share was nil, not missing.
    last_year = figures(catalogue["households_with_shop"], rules.month(2025, 12))
    assert last_year.communes == {20001: D("0.0")}


def test_online_and_on_time_dossiers_per_commune(catalogue, communes):
    chi_lang = communes[0]
    here = sample.agency("H20.01", Level.COMMUNE, administrative_unit=chi_lang)
    dept = sample.agency("H20.10", Level.PROVINCE, name="Sở Tư pháp")
    d = sample.dossier
    d(agency_obj=here, state=S.RETURNED, outcome="on_time", channel=Channel.PORTAL)
    d(agency_obj=here, state=S.RESOLVED, outcome="late", channel=Channel.ONLINE)
    d(agency_obj=here, state=S.PROCESSING)
    d(agency_obj=dept, state=S.RETURNED, outcome="early", channel=Channel.ONLINE)
    d(agency_obj=here, state=S.RETURNED, outcome="late",
      received_at=timezone.now() - timedelta(days=40))  # last month: not counted
    online = figures(catalogue["online_dossiers"])
    assert online.province == D("75.0")  # 3 of 4 received
    assert online.communes == {20001: D("66.7")}
    on_time = figures(catalogue["on_time_dossiers"])
    assert on_time.province == D("66.7")  # 2 of 3 resolved
    assert on_time.communes == {20001: D("50.0")}


def test_agencies_on_electronic_documents_and_signed_share(catalogue):
    from tinhso.documents.models import Agency, OutgoingDocument, OutgoingState

    writer = user_with_role(Role.SPECIALIST)
    agencies = [Agency.objects.create(
        organization=OrganizationFactory(kind=OrganizationKind.STATE_AGENCY),
        name=f"Sở {n}", abbreviation=f"S{n}", exchange_code=f"000.00.{n}.H20")
        for n in range(4)]
    Agency.objects.create(name="Bộ ngoài nền tảng", abbreviation="BO",
                          exchange_code="000.00.99.G01")  # not on the platform
    now = timezone.now()

    numbers = iter(range(1, 100))

    def issued(agency, signed, when=now):
        OutgoingDocument.objects.create(number=next(numbers), year=when.year,
            agency=agency, doc_type="cong_van", excerpt="V/v thử", drafter=writer,
            signer=writer, signer_title="Giám đốc", state=OutgoingState.ISSUED,
            issued_at=when, signed_file="s/1.pdf" if signed else "")

    issued(agencies[0], True)
    issued(agencies[0], False)
    issued(agencies[1], True)
    issued(agencies[2], True, when=now - timedelta(days=45))  # an earlier month
    assert figures(catalogue["agencies_electronic_documents"]).province == D("50.0")
    assert figures(catalogue["signed_documents"]).province == D("66.7")


def test_conference_points_ready(catalogue, communes):
    from tinhso.meetings.models import ConferencePoint

    chi_lang, bac_son, _ = communes
    for n, (unit, state) in enumerate([(chi_lang, "ready"), (chi_lang, "ready"),
                                       (chi_lang, "faulty"), (bac_son, "ready"),
                                       (None, "maintenance")]):
        ConferencePoint.objects.create(code=f"p{n}", name=f"Điểm {n}", kind="commune",
                                       unit=unit, state=state)
    ready = figures(catalogue["meeting_points_ready"])
    assert ready.province == D("60.0")
    assert ready.communes == {20001: D("66.7"), 20002: D("100.0")}


def test_border_trucks_backlog_and_mean_wait(catalogue):
    crossed = [DeclarationFactory(crossed=True) for _ in range(3)]
    DeclarationFactory(in_yard=True)
    DeclarationFactory(held=True)
    DeclarationFactory(booked=True)  # on its way: not waiting in a yard
    period = rules.period_of(timezone.localdate(), rules.MONTHLY)
    now = timezone.now()
    start = timezone.make_aware(
        timezone.datetime.combine(period.start, timezone.datetime.min.time()))
    days = D((now - start).total_seconds()) / D(86400)
    trucks = figures(catalogue["border_trucks_per_day"]).province
    assert abs(trucks - D(3) / days) < D("0.01")
    assert figures(catalogue["border_backlog"]).province == D(2)
    waits = [(d.crossed_at - d.checked_in_at).total_seconds() / 3600 for d in crossed]
    assert figures(catalogue["border_mean_wait"]).province == sources.number(
        sum(waits) / len(waits))


def test_fee_revenue_counts_what_was_paid_in_the_period(catalogue):
    from tinhso.payments.models import Invoice, InvoiceStatus, PayeeAccount

    payee = PayeeAccount.objects.create(code="bql", bank_bin="970418", bank_name="BIDV",
                                        account_number="1", account_name="BQL")
    payer = OrganizationFactory(kind=OrganizationKind.ENTERPRISE)
    now = timezone.now()
    for n, (status, paid_at) in enumerate([(InvoiceStatus.PAID, now),
                                           (InvoiceStatus.PAID, now - timedelta(hours=2)),
                                           (InvoiceStatus.UNPAID, None),
                                           (InvoiceStatus.PAID, now - timedelta(days=60))]):
        Invoice.objects.create(reference=f"R{n}", subject="Phí", payer=payer, payee=payee,
                               amount_vnd=100_000 * (n + 1), status=status, paid_at=paid_at,
                               paid_via="bank" if paid_at else "")
    assert figures(catalogue["fee_revenue"]).province == D(300_000)


def test_schools_and_innovation_give_no_data_yet_when_their_system_is_missing(
        catalogue, monkeypatch):
    monkeypatch.setitem(sys.modules, "tinhso.schools.selectors", None)  # import fails
    monkeypatch.setitem(sys.modules, "tinhso.innovation.selectors",
                        types.ModuleType("tinhso.innovation.selectors"))  # no function
    for code in ("schools_gradebook", "startups"):
        with pytest.raises(sources.NoDataYet):
            figures(catalogue[code])


def test_schools_and_innovation_figures_through_their_contracts(catalogue, communes,
                                                               monkeypatch):
    calls = []

    def gradebook_usage(*, on, commune_code=None):
        calls.append((on, commune_code))
        return {None: (540, 675), 20001: (3, 4), 20002: (0, 0)}.get(commune_code, (0, 0))

    def startup_count(*, on, commune_code=None):
        return {None: 12, 20001: 5}.get(commune_code, 0)

    schools = types.ModuleType("tinhso.schools.selectors")
    schools.gradebook_usage = gradebook_usage
    innovation = types.ModuleType("tinhso.innovation.selectors")
    innovation.startup_count = startup_count
    monkeypatch.setitem(sys.modules, "tinhso.schools.selectors", schools)
    monkeypatch.setitem(sys.modules, "tinhso.innovation.selectors", innovation)
    usage = figures(catalogue["schools_gradebook"])
    assert usage.province == D("80.0")
    assert usage.communes == {20001: D("75.0")}  # a commune without schools: no figure
    assert (timezone.localdate(), None) in calls
    startups = figures(catalogue["startups"])
    assert startups.province == D(12)
    assert startups.communes[20001] == D(5) and startups.communes[20002] == D(0)
