"""The payout rule alone (market/payouts.py, no database): every đồng of a paid order is a
member's payout or the hub's commission, whatever the amounts and the rate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.market.payouts import (
    Part,
    PayoutInputError,
    check_accounted,
    commission,
    member_payouts,
    split,
)


def test_a_concrete_cooperative_order():
    # An order of three households through a hub taking 5 %: 112,503 ₫ of star anise
    # (2.5 kg × 45,001 ₫) with a 15,000 ₫ delivery, 60,010 ₫ of custard apples picked up
    # at the hub, 9 ₫ of something tiny. Paid total: 187,522 ₫.
    parts = [Part(1, 112_503, 15_000), Part(2, 60_010, 0), Part(3, 9, 0)]
    members = member_payouts(parts, 500)
    # 112,503 × 5 % = 5,625.15 → 5,625; 60,010 × 5 % = 3,000.5 → 3,001 (half-up);
    # 9 × 5 % = 0.45 → 0.
    assert [members[s].commission_vnd for s in (1, 2, 3)] == [5_625, 3_001, 0]
    # The delivery fee is the seller's, whole.
    assert [members[s].payout_vnd for s in (1, 2, 3)] == [121_878, 57_009, 9]
    check_accounted(187_522, members.values())
    with pytest.raises(PayoutInputError):
        check_accounted(187_523, members.values())


def test_half_a_dong_goes_to_the_hub_and_no_commission_means_everything_to_the_seller():
    assert commission(10, 500) == 1  # 0.5 → 1
    assert commission(9, 500) == 0
    assert commission(123_456, 0) == 0
    assert commission(123_456, 10_000) == 123_456
    one = split(Part(7, 100_000, 20_000), 0)
    assert (one.commission_vnd, one.payout_vnd) == (0, 120_000)


@pytest.mark.parametrize("bad", [(-1, 500), (10, -1), (10, 10_001), (1.5, 500), (True, 500)])
def test_odd_amounts_or_rates_are_refused(bad):
    with pytest.raises(PayoutInputError):
        commission(*bad)
    with pytest.raises(PayoutInputError):
        split(Part(1, 10, -5), 100)


def test_several_orders_of_one_member_add_up_without_rounding_twice():
    members = member_payouts([Part(1, 10, 0), Part(1, 10, 0), Part(2, 30, 5)], 500)
    # Each 10 ₫ shop order rounds 0.5 → 1 on its own: 2 ₫ for member 1.
    assert members[1].commission_vnd == 2 and members[1].payout_vnd == 18
    assert len(members[1].splits) == 2


orders = st.lists(  # one order = several shop orders of distinct shops
    st.lists(st.tuples(st.integers(1, 10**10), st.integers(0, 10**6)), min_size=1, max_size=6),
    min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(orders, st.integers(0, 10_000))
def test_payouts_plus_commission_equal_the_paid_total_over_many_random_orders(orders, bp):
    parts, paid_total = [], 0
    for order in orders:
        paid_total += sum(items + fee for items, fee in order)
        parts += [Part(shop, items, fee) for shop, (items, fee) in enumerate(order, start=1)]
    members = member_payouts(parts, bp)
    check_accounted(paid_total, members.values())
    for member in members.values():
        assert 0 <= member.commission_vnd <= member.items_total_vnd
        assert member.payout_vnd >= member.delivery_total_vnd
        # Never more than half a đồng per shop order away from the exact rate.
        exact = sum(s.part.items_total_vnd for s in member.splits) * bp / 10_000
        assert abs(member.commission_vnd - exact) <= 0.5 * len(member.splits) + 1e-6
