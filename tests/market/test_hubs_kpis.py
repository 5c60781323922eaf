"""Commune KPIs: the shares of households with a shop and with a payment account against
the targets, active shops, orders and sales; a commune officer reads only their commune;
the computation is a fixed handful of queries whatever the number of communes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import OrganizationFactory, user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import ApiKey, OrganizationKind, Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.market.models import (
    CommuneOffice,
    HouseholdCount,
    KpiTarget,
    OrderState,
    Product,
    Shop,
)
from tinhso.market.services import kpis

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    chi_lang, bac_son, trang_dinh = f.commune(20001), f.commune(20002), f.commune(20003)
    admin = user_with_role(Role.SYSTEM_ADMIN)
    kpis.set_household_count(actor=admin, commune=chi_lang, year=2025, households=10,
                             source="Niên giám thống kê Lạng Sơn 2025")
    kpis.set_household_count(actor=admin, commune=bac_son, year=2024, households=4,
                             source="Báo cáo UBND xã Bắc Sơn")
    kpis.set_target(actor=admin, year=2025, shop_pct=50, payment_account_pct=50)
    kpis.set_target(actor=admin, year=2030, shop_pct=80, payment_account_pct=80)
    # Chi Lăng: 6 shops, 5 with a bank account; Bắc Sơn: 1 shop without; Tràng Định: 1 shop
    # but nobody counted its households.
    shops = [f.shop(unit=chi_lang, bank=i < 5) for i in range(6)]
    shops += [f.shop(unit=bac_son, bank=False), f.shop(unit=trang_dinh)]
    # Old products: only an order or a product change in 30 days makes a shop active.
    with time_machine.travel(timezone.now() - timedelta(days=90), tick=False):
        products = [f.product(s, price=10_000) for s in shops]
    f.order([(products[0], "2"), (products[6], "1")], state=OrderState.COMPLETED)
    f.order([(products[1], "1")], state=OrderState.PAID)
    f.order([(products[1], "1")], state=OrderState.CANCELLED)  # not a sale
    Product.objects.filter(pk=products[2].pk).update(updated_at=timezone.now())
    return {"admin": admin, "communes": (chi_lang, bac_son, trang_dinh), "shops": shops}


def test_the_province_and_its_communes_against_the_2026_milestone(province):
    report = kpis.commune_kpis(year=2026)
    rows = {r.code: r for r in report.communes}
    chi_lang = rows[20001]
    assert (chi_lang.households, chi_lang.shops, chi_lang.with_payment_account) == (10, 6, 5)
    assert (chi_lang.shop_pct, chi_lang.payment_account_pct) == (60.0, 50.0)
    assert chi_lang.active_shops_30d == 3  # two with orders, one product changed
    assert (chi_lang.orders, chi_lang.sales_vnd) == (2, 30_000)
    assert report.target.year == 2030 and chi_lang.target_shop_pct == 80
    assert chi_lang.shop_on_track is False
    bac_son = rows[20002]
    assert (bac_son.households, bac_son.households_year) == (4, 2024)  # the latest figure
    assert bac_son.households_source == "Báo cáo UBND xã Bắc Sơn"
    assert (bac_son.shop_pct, bac_son.payment_account_pct) == (25.0, 0.0)
    assert rows[20003].households is None and rows[20003].shop_pct is None
    # The province counts the uncounted commune's shop, not in its shares.
    p = report.province
    # Orders are counted in the seller's commune: one order of two communes counts in both.
    assert (p.households, p.shops, p.orders, p.sales_vnd) == (14, 8, 3, 40_000)
    assert p.shop_pct == round(100 * 7 / 14, 1)


def test_in_2025_the_2025_target_applies_and_is_met(province):
    # Shops opened in 2026 do not count in 2025: five of Chi Lăng's opened in 2025.
    Shop.objects.filter(pk__in=[s.pk for s in province["shops"][:5]]).update(
        created_at=f.clock_at(2025, 6, 1))
    report = kpis.commune_kpis(year=2025)
    chi_lang = next(r for r in report.communes if r.code == 20001)
    assert report.target.year == 2025 and chi_lang.shops == 5
    assert chi_lang.shop_pct == 50.0 and chi_lang.shop_on_track is True
    assert chi_lang.orders == 0  # the orders are of 2026
    assert next(r for r in report.communes if r.code == 20002).households_year == 2024


def test_a_commune_officer_reads_only_their_commune(province):
    office = OrganizationFactory(code="xa-chi-lang", name="UBND xã Chi Lăng",
                                 kind=OrganizationKind.STATE_AGENCY)
    CommuneOffice.objects.create(organization=office, commune=province["communes"][0])
    officer = user_with_role(Role.COMMUNE_OFFICER, office)
    report = kpis.kpis_for(officer, year=2026)
    assert [r.code for r in report.communes] == [20001] and report.province is None
    assert kpis.kpis_for(user_with_role(Role.PROVINCE_LEADER), year=2026).province is not None
    # An officer of no commune office reads nothing, a seller or a citizen is refused.
    assert kpis.kpis_for(user_with_role(Role.COMMUNE_OFFICER), year=2026).communes == []
    for refused in (province["shops"][0].owner, user_with_role(Role.CITIZEN),
                    f.hub().manager):
        with pytest.raises(PermissionDenied):
            kpis.kpis_for(refused, year=2026)


def test_an_api_key_needs_the_kpi_scope(province):
    org = OrganizationFactory()
    assert kpis.scope_for(ApiKey(organization=org, scopes=["market:kpis"])) is None
    with pytest.raises(PermissionDenied):
        kpis.scope_for(ApiKey(organization=org, scopes=["border.cameras"]))


@pytest.mark.parametrize(("communes", "extra_shops"), [(3, 0), (12, 40)])
def test_a_fixed_number_of_queries_whatever_the_size(province, django_assert_max_num_queries,
                                                     communes, extra_shops):
    for i in range(communes):
        unit = f.commune(21000 + i)
        HouseholdCount.objects.create(commune=unit, year=2026, households=100, source="x",
                                      entered_at=timezone.now())
    for i in range(extra_shops):
        s = f.shop(unit=f.commune(21000 + i % max(communes, 1)))
        f.order([(f.product(s), "1")])
    with django_assert_max_num_queries(5):
        report = kpis.commune_kpis(year=2026)
    assert len(report.communes) == 3 + communes


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"year": 1999}, "year"), ({"year": 2100}, "year"), ({"households": 0}, "households"),
    ({"households": 10**9}, "households"), ({"households": True}, "households"),
    ({"source": "  "}, "source"), ({"source": "x" * 256}, "source")])
def test_bad_household_counts_are_refused_by_name(province, kwargs, field):
    args = {"year": 2026, "households": 12, "source": "Niên giám"} | kwargs
    with pytest.raises(DomainError) as refused:
        kpis.set_household_count(actor=province["admin"], commune=province["communes"][2],
                                 **args)
    assert refused.value.field == field
    assert not HouseholdCount.objects.filter(commune=province["communes"][2]).exists()


def test_only_the_administrator_enters_counts_and_targets_and_it_is_audited(province):
    for who in (Role.PROVINCE_LEADER, Role.COMMUNE_OFFICER, Role.SHOP_OWNER):
        with pytest.raises(PermissionDenied):
            kpis.set_household_count(actor=user_with_role(who), commune=province["communes"][2],
                                     year=2026, households=3, source="x")
        with pytest.raises(PermissionDenied):
            kpis.set_target(actor=user_with_role(who), year=2027, shop_pct=60,
                            payment_account_pct=60)
    kpis.set_household_count(actor=province["admin"], commune=province["communes"][0],
                             year=2025, households=12, source="Điều tra lại 2025")
    entry = AuditEntry.objects.filter(action="market.household_count.set").order_by("pk").last()
    assert entry.before == {"households": 10, "source": "Niên giám thống kê Lạng Sơn 2025"}
    with pytest.raises(DomainError):
        kpis.set_target(actor=province["admin"], year=2027, shop_pct=101,
                        payment_account_pct=60)
    assert not KpiTarget.objects.filter(year=2027).exists()


def test_the_excel_export_lists_every_commune_and_the_province(province):
    report = kpis.commune_kpis(year=2026)
    sheet = load_workbook(io.BytesIO(kpis.kpis_xlsx(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0].startswith("Xã")
    assert len(rows) == 2 + 3 + 1 and rows[-1][0] == "Tỉnh Lạng Sơn"
    assert rows[-1][11] == 40_000
