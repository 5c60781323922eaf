"""seed_demo_hubs() on top of demo-like shops and orders: targets, household counts with
their source, reviews with replies and one hidden, a payout statement (one paid); running
it again changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory, user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.market.demo_hubs import seed_demo_hubs
from tinhso.market.models import (
    CommuneOffice,
    HouseholdCount,
    Order,
    OrderState,
    PayoutState,
    PayoutStatement,
    Review,
)

pytestmark = pytest.mark.django_db


def test_the_demo_is_seeded_once():
    user_with_role(Role.SYSTEM_ADMIN)
    f.commune(20010)
    AdministrativeUnit.objects.filter(code=20010).update(name="Xã Đồng Đăng")
    OrganizationFactory(code="xa-dong-dang", name="UBND xã Đồng Đăng",
                        kind=OrganizationKind.STATE_AGENCY)
    h = f.hub(commission_bp=500)
    shops = [f.shop(hub=h) for _ in range(3)]
    products = [f.product(s, price=35_000 + 1_001 * i) for i, s in enumerate(shops)]
    buyers = [user_with_role(Role.CITIZEN) for _ in range(3)]
    orders = [f.order([(products[i], "2"), (products[(i + 1) % 3], "1.5")], hub=h,
                      buyer=buyers[i], at=f.clock_at(2026, 10, 5 + i)) for i in range(3)]
    f.order([(products[0], "1")], hub=h, buyer=buyers[0], state=OrderState.DELIVERED)
    first = seed_demo_hubs()
    assert first == seed_demo_hubs()  # idempotent
    assert first["targets"] == 2 and first["household_counts"] == 1
    assert HouseholdCount.objects.get().source.startswith("Số liệu minh họa")
    assert CommuneOffice.objects.get().commune.name == "Xã Đồng Đăng"
    assert first["reviews"] == 5 and first["hidden_reviews"] == 1
    assert Review.objects.exclude(reply="").count() == 3
    assert first["payout_statements"] == 3
    assert PayoutStatement.objects.filter(state=PayoutState.PAID).count() == 1
    # Every đồng of the three completed orders is accounted for.
    total = sum(o.total_vnd for o in orders)
    statements = list(PayoutStatement.objects.all())
    assert sum(s.amount_vnd + s.commission_vnd for s in statements) == total


def test_without_finished_months_the_demo_places_last_month_s_hub_orders():
    user_with_role(Role.SYSTEM_ADMIN)
    buyer = user_with_role(Role.CITIZEN, full_name="Hoàng Thị Mai")
    h = f.hub(commission_bp=500)
    for n in range(3):
        f.product(f.shop(hub=h), price=40_000 + n * 1_001)
    seeded = seed_demo_hubs(buyer=buyer)
    assert seed_demo_hubs(buyer=buyer) == seeded
    completed = Order.objects.filter(hub=h, state=OrderState.COMPLETED)
    assert completed.count() == 3
    assert all(o.completed_at.month == 11 and o.buyer == buyer for o in completed)
    assert seeded["payout_statements"] >= 2 and seeded["reviews"] == 5
    statements = PayoutStatement.objects.filter(hub=h)
    assert sum(s.amount_vnd + s.commission_vnd for s in statements) == \
        sum(o.total_vnd for o in completed)
