"""Payout statements: every đồng of every completed order is a member's payout or the
hub's commission; a shop order is paid out once; only the hub's staff make them and only
its accountant marks them paid; the accountant's VietQR pays the member's own account."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from openpyxl import load_workbook

from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.market.models import (
    OrderState,
    PaymentMethod,
    PayoutLine,
    PayoutState,
    PayoutStatement,
    ShopOrder,
)
from tinhso.market.services import hubs
from tinhso.payments.vietqr import parse_payload

pytestmark = pytest.mark.django_db
NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def coop():
    """A hub taking 5 % with three members; November's completed orders."""
    h = f.hub(commission_bp=500)
    a, b, c = (f.shop(f"Nhà {x}", hub=h) for x in ("An", "Bình", "Cúc"))
    anise, na, jelly = f.product(a, "Hồi khô", 45_001), f.product(b, "Na Chi Lăng", 60_010), \
        f.product(c, "Thạch đen", 33_333)
    when = f.clock_at(2026, 11, 20)
    orders = [
        f.order([(anise, "2.5"), (na, "1")], hub=h, at=when),
        f.order([(na, "1.5"), (jelly, "3")], hub=h, at=when, pickup=True),
        f.order([(jelly, "1")], hub=h, at=when),
        f.order([(anise, "1")], hub=h, at=when, state=OrderState.DELIVERED),  # not yet due
        f.order([(anise, "1")], hub=h, at=when, method=PaymentMethod.CASH_ON_DELIVERY),
        f.order([(anise, "1")], hub=h, at=f.clock_at(2026, 10, 31, 23)),  # October
    ]
    return {"hub": h, "shops": (a, b, c), "orders": orders}


def test_a_concrete_month_every_dong_accounted_for(coop):
    h = coop["hub"]
    made = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    assert made.shop_orders == 5  # the three completed transfer orders' shop orders
    paid_total = sum(o.total_vnd for o in coop["orders"][:3])
    sums = PayoutStatement.objects.aggregate(p=Sum("amount_vnd"), c=Sum("commission_vnd"))
    assert sums["p"] + sums["c"] == paid_total
    a, b, c = coop["shops"]
    by_shop = {s.shop_id: s for s in made.statements}
    # Nhà An: 2.5 kg × 45,001 = 112,503 ₫ goods + 15,000 ₫ delivery; 5 % = 5,625.15 → 5,625.
    assert (by_shop[a.pk].items_total_vnd, by_shop[a.pk].commission_vnd,
            by_shop[a.pk].amount_vnd) == (112_503, 5_625, 121_878)
    # Nhà Bình: 60,010 (+15,000 delivery) and 90,015 (pickup): 3,000.5 → 3,001 and
    # 4,500.75 → 4,501.
    assert by_shop[b.pk].commission_vnd == 3_001 + 4_501
    assert by_shop[b.pk].amount_vnd == 60_010 + 15_000 + 90_015 - 7_502
    # The shop orders carry their split too.
    for line in PayoutLine.objects.select_related("shop_order"):
        assert line.shop_order.payout_vnd == line.payout_vnd
        assert line.shop_order.commission_vnd + line.shop_order.payout_vnd == \
            line.shop_order.total_vnd
    assert AuditEntry.objects.filter(action="market.payout_statement.create").count() == 3


def test_running_the_month_again_pays_nothing_twice(coop):
    h = coop["hub"]
    hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    again = hubs.make_statements(actor=h.accountant, hub=h, period_start=NOV[0],
                                 period_end=NOV[1])
    assert again.statements == [] and PayoutStatement.objects.count() == 3
    # An overlapping period finds only the October order.
    october = hubs.make_statements(actor=h.manager, hub=h, period_start=date(2026, 10, 1),
                                   period_end=date(2026, 11, 30))
    assert october.shop_orders == 1


def test_independent_shops_are_paid_by_the_market_without_commission():
    alone = f.shop("Nhà Dung")
    order = f.order([(f.product(alone, price=50_000), "2")], at=f.clock_at(2026, 11, 5))
    admin = user_with_role(Role.SYSTEM_ADMIN)
    made = hubs.make_statements(actor=admin, hub=None, period_start=NOV[0], period_end=NOV[1])
    (statement,) = made.statements
    assert statement.hub is None and statement.commission_vnd == 0
    assert statement.amount_vnd == order.total_vnd == 115_000


@pytest.mark.parametrize("who", ["seller", "other_hub", "anonymous_citizen", "province"])
def test_who_must_not_make_or_mark_statements(coop, who):
    h = coop["hub"]
    actor = {"seller": lambda: coop["shops"][0].owner,
             "other_hub": lambda: f.hub().manager,
             "anonymous_citizen": lambda: user_with_role(Role.CITIZEN),
             "province": lambda: user_with_role(Role.PROVINCE_LEADER)}[who]()
    with pytest.raises(PermissionDenied):
        hubs.make_statements(actor=actor, hub=h, period_start=NOV[0], period_end=NOV[1])
    with pytest.raises(PermissionDenied):
        hubs.make_statements(actor=actor, hub=None, period_start=NOV[0], period_end=NOV[1])
    made = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    with pytest.raises(PermissionDenied):
        hubs.mark_paid(actor=actor, statement=made.statements[0])
    assert not hubs.statements_visible_to(actor).filter(hub=h).exists() or who == "seller"


def test_the_manager_makes_them_the_accountant_pays_once(coop):
    h = coop["hub"]
    statement = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0],
                                     period_end=NOV[1]).statements[0]
    with pytest.raises(PermissionDenied):
        hubs.mark_paid(actor=h.manager, statement=statement)
    hubs.mark_paid(actor=h.accountant, statement=statement, reference="FT26334123")
    statement.refresh_from_db()
    assert statement.state == PayoutState.PAID and statement.paid_by == h.accountant
    with pytest.raises(DomainError) as refused:
        hubs.mark_paid(actor=h.accountant, statement=statement)
    assert refused.value.code == "market.payout_paid"
    entry = AuditEntry.objects.get(action="market.payout_statement.paid")
    assert entry.after["reference"] == "FT26334123"


def test_a_seller_sees_only_its_own_statements(coop):
    h = coop["hub"]
    hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    a = coop["shops"][0]
    assert set(hubs.statements_visible_to(a.owner).values_list("shop", flat=True)) == {a.pk}
    assert hubs.statements_visible_to(h.accountant).count() == 3


@pytest.mark.parametrize(("start", "end", "code"), [
    (date(2026, 11, 30), date(2026, 11, 1), "market.period_order"),
    (date(2026, 11, 1), date(2026, 12, 2), "market.period_open"),
    (date(2024, 1, 1), date(2026, 11, 30), "market.period_too_long"),
])
def test_bad_periods_are_refused_by_name(coop, start, end, code):
    with pytest.raises(DomainError) as refused:
        hubs.make_statements(actor=coop["hub"].manager, hub=coop["hub"], period_start=start,
                             period_end=end)
    assert refused.value.code == code and refused.value.field == "period_end"
    assert not PayoutStatement.objects.exists()


def test_the_accountant_s_qr_pays_the_member_s_own_account(coop):
    h = coop["hub"]
    statement = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0],
                                     period_end=NOV[1]).statements[0]
    qr = parse_payload(hubs.payout_vietqr(statement))
    assert (qr.bank_bin, qr.account) == (statement.shop.bank_bin, statement.shop.account_number)
    assert qr.amount == statement.amount_vnd and statement.code in qr.purpose
    statement.shop.account_number = ""
    assert hubs.payout_vietqr(statement) is None


def test_the_excel_statement_has_a_header_one_row_per_member_and_totals(coop):
    h = coop["hub"]
    made = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    sheet = load_workbook(io.BytesIO(hubs.statements_xlsx("HTX — 11/2026", made.statements))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "HTX — 11/2026"
    assert rows[1][0].startswith("Mã bảng kê") and rows[1][10].startswith("Chi trả")
    assert len(rows) == 2 + 3 + 1
    assert rows[-1][0].startswith("Tổng cộng")
    assert rows[-1][10] == sum(s.amount_vnd for s in made.statements)
    assert rows[-1][9] + rows[-1][10] == sum(o.total_vnd for o in coop["orders"][:3])


def test_not_completed_or_cash_orders_are_left_out(coop):
    h = coop["hub"]
    hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    left = ShopOrder.objects.filter(payout_line__isnull=True)
    assert {(p.order.state, p.order.payment_method) for p in left} == {
        (OrderState.DELIVERED, PaymentMethod.VIETQR), (OrderState.COMPLETED, "cod"),
        (OrderState.COMPLETED, PaymentMethod.VIETQR)}  # the October one
    assert timedelta(0) < f.clock_at(2026, 11, 20) - left.last().order.placed_at
