"""Paying out under concurrency (PostgreSQL): several people making the same month's
statements at once pay each shop order once; marking a statement paid twice at once
succeeds once."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, Sum

from tests.border.conftest import all_at_once
from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.market.models import PayoutLine, PayoutState, PayoutStatement
from tinhso.market.services import hubs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def _month(hub=None):
    shops = [f.shop(hub=hub) for _ in range(4)]
    products = [f.product(s, price=12_345 + i) for i, s in enumerate(shops)]
    return [f.order([(products[i % 4], "1.5"), (products[(i + 1) % 4], "2")], hub=hub,
                    at=f.clock_at(2026, 11, 3 + i)) for i in range(6)]


@pytest.mark.parametrize("with_hub", [True, False])
def test_making_the_same_month_at_once_pays_each_shop_order_once(with_hub):
    h = f.hub(commission_bp=250) if with_hub else None
    orders = _month(h)
    actors = [h.manager, h.accountant] * 3 if h else \
        [user_with_role(Role.SYSTEM_ADMIN) for _ in range(6)]

    def make(actor):
        try:
            return len(hubs.make_statements(actor=actor, hub=h, period_start=NOV[0],
                                            period_end=NOV[1]).statements)
        except DomainError as error:
            return error.code

    outcomes = all_at_once(make, actors)
    assert sorted(o for o in outcomes if isinstance(o, int)).pop() == 4
    assert all(o in (0, 4, "market.payout_busy") for o in outcomes)
    assert PayoutStatement.objects.count() == 4
    assert not PayoutLine.objects.values("shop_order").annotate(n=Count("id")).filter(n__gt=1)
    sums = PayoutStatement.objects.aggregate(p=Sum("amount_vnd"), c=Sum("commission_vnd"))
    assert sums["p"] + sums["c"] == sum(o.total_vnd for o in orders)


def test_marking_paid_twice_at_once_succeeds_once():
    h = f.hub()
    _month(h)
    statement = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0],
                                     period_end=NOV[1]).statements[0]

    def pay(n):
        try:
            hubs.mark_paid(actor=h.accountant, statement=statement, reference=f"FT{n}")
        except DomainError as error:
            return error.code
        return "paid"

    outcomes = all_at_once(pay, range(6))
    assert outcomes.count("paid") == 1
    assert outcomes.count("market.payout_paid") == 5
    assert PayoutStatement.objects.get(pk=statement.pk).state == PayoutState.PAID
