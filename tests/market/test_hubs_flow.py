"""End to end with the order flow: a multi-seller hub order placed through the checkout
service, paid into the hub's account, delivered and completed through the one transition
function; its buyer reviews it; the hub pays each member out, every đồng accounted for.
An independent shop's order goes to the market's account and is paid out at no
commission."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.market.demo_orders import PATHS, _walk
from tinhso.market.models import Fulfilment, OrderState, PaymentMethod, PayoutStatement
from tinhso.market.services import hubs, orders, reviews

pytestmark = pytest.mark.django_db


def _place(buyer, products, *, at):
    contact = orders.Contact(buyer_name="Lương Thị Hạnh", buyer_phone="0987654321",
                             fulfilment=Fulfilment.DELIVERY, commune_code=20001,
                             address="Số 5 Lê Lợi", payment_method=PaymentMethod.VIETQR)
    lines = [orders.LineRequest(p.pk, q) for p, q in products]
    return orders.place_order(actor=buyer, lines=lines, contact=contact, now=at)


def test_a_hub_order_from_checkout_to_payout(settings):
    settings.MARKET_PAYEE_CODE = f.market_payee().code
    h = f.hub(commission_bp=700)
    anise = f.product(f.shop("Nhà An", hub=h), "Hồi khô", 45_001)
    na = f.product(f.shop("Nhà Bình", hub=h), "Na Chi Lăng", 60_010)
    buyer = user_with_role(Role.CITIZEN)
    placed = f.clock_at(2026, 11, 10)
    order = _place(buyer, [(anise, "2.5"), (na, "1.5")], at=placed)
    assert order.hub == h and order.payee == h.payee  # one payment, to the hub
    line = order.shop_orders.get(shop=anise.shop).lines.get()
    with pytest.raises(DomainError):  # not delivered yet
        reviews.write_review(actor=buyer, order_line=line, stars=5)
    _walk(order, PATHS[OrderState.COMPLETED][2][:-1], at=placed + timedelta(days=1))
    reviews.write_review(actor=buyer, order_line=line, stars=5, text="Thơm")
    _walk(order, [OrderState.COMPLETED], at=placed + timedelta(days=3))
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    made = hubs.make_statements(actor=h.accountant, hub=h, period_start=date(2026, 11, 1),
                                period_end=date(2026, 11, 30))
    assert len(made.statements) == 2
    assert sum(s.amount_vnd + s.commission_vnd for s in made.statements) == order.total_vnd
    # 7 % of 112,503 ₫ = 7,875.21 → 7,875; of 90,015 ₫ = 6,301.05 → 6,301.
    assert sorted(s.commission_vnd for s in made.statements) == [6_301, 7_875]
    assert anise.shop.products.get().stock == Decimal("97.5")


def test_an_independent_shop_is_paid_by_the_market_without_commission(settings):
    settings.MARKET_PAYEE_CODE = f.market_payee().code
    alone = f.product(f.shop("Nhà Dung"), "Thạch đen", 33_333)
    buyer = user_with_role(Role.CITIZEN)
    placed = f.clock_at(2026, 11, 20)
    order = _place(buyer, [(alone, "3")], at=placed)
    assert order.hub is None and order.payee.code == settings.MARKET_PAYEE_CODE
    _walk(order, PATHS[OrderState.COMPLETED][2], at=placed + timedelta(days=2))
    admin = user_with_role(Role.SYSTEM_ADMIN)
    (statement,) = hubs.make_statements(actor=admin, hub=None, period_start=date(2026, 11, 1),
                                        period_end=date(2026, 11, 30)).statements
    order.refresh_from_db()
    assert statement.commission_vnd == 0 and statement.amount_vnd == order.total_vnd
    assert PayoutStatement.objects.filter(hub__isnull=False).count() == 0
