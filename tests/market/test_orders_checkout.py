"""Checkout: one order split into shop orders, decimal quantities, per-shop delivery fees,
the stock taken, and every refused checkout leaving nothing behind."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.market.order_world import (
    contact,
    order_of,
    world_fixture,  # noqa: F401
)
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry, OutgoingNotification
from tinhso.market.models import Order, OrderLine, OrderState, Product, ShopOrder
from tinhso.market.services.orders import CODE_RE, LineRequest, place_order

pytestmark = pytest.mark.django_db


def counts():
    return (Order.objects.count(), ShopOrder.objects.count(), OrderLine.objects.count(),
            AuditEntry.objects.filter(action__startswith="order").count(),
            OutgoingNotification.objects.count())


def stocks(world):
    return [Product.objects.get(pk=p.pk).stock for p in (world.na, world.quyt, world.mien)]


def test_two_shops_weighed_goods(world):
    order = order_of(world, (world.na, "2,5"), (world.quyt, "1.5"), (world.mien, 2),
                     actor=world.buyer)
    assert CODE_RE.fullmatch(order.code) and order.code.isascii()
    assert order.state == OrderState.PLACED and order.buyer == world.buyer
    assert order.buyer_phone == "0987654321"
    # 2.5 kg × 45,001 ₫ = 112,502.5 → 112,503 ₫ (half up)
    part_a, part_b = order.shop_orders.order_by("shop__slug")
    assert part_a.shop == world.shop_a and part_a.items_total_vnd == 112_503
    assert part_a.delivery_fee_vnd == 20_000
    assert part_b.items_total_vnd == 45_000 + 100_000 and part_b.delivery_fee_vnd == 15_000
    assert order.items_total_vnd == 112_503 + 145_000
    assert order.delivery_total_vnd == 35_000
    assert order.total_vnd == order.items_total_vnd + order.delivery_total_vnd
    line = part_a.lines.get()
    assert (line.quantity, line.unit, line.unit_price_vnd, line.product_name) == (
        Decimal("2.5"), "kg", 45_001, "Na Chi Lăng")
    assert stocks(world) == [Decimal("7.5"), Decimal("3.5"), Decimal("1")]
    assert order.expires_at == order.placed_at + timedelta(minutes=30)
    assert order.payee == world.market_payee  # no single hub: the market collects
    # each seller is told
    recipients = set(OutgoingNotification.objects.filter(kind="market.new_order")
                     .values_list("recipient", flat=True))
    assert recipients == {"0912345001", "0912345002"}
    assert AuditEntry.objects.filter(action="order.placed", object_id=str(order.pk)).exists()


def test_free_delivery_from_the_shops_amount_and_pickup_has_no_fee(world):
    order = order_of(world, (world.na, 7))  # 315,007 ₫ ≥ 300,000 ₫: free delivery
    assert order.delivery_total_vnd == 0
    order = order_of(world, (world.quyt, 1), fulfilment="pickup", pickup_hub="htx-bac-son",
                     commune_code=None, address="")
    assert order.delivery_total_vnd == 0 and order.pickup_hub == world.hub


def test_hub_order_is_paid_to_the_hub(world):
    order = order_of(world, (world.hoi, "0.7"))
    assert order.hub == world.hub and order.payee == world.hub.payee
    cod = order_of(world, (world.hoi, "0.5"), payment_method="cod")
    assert cod.payee is None and cod.expires_at is None and cod.hub == world.hub


@pytest.mark.parametrize(("quantity", "code"), [
    ("1.2", "market.quantity_step"),   # not on the 0.5 kg step
    ("0.5", "market.quantity_step"),   # under the 1 kg minimum
    ("-1", "market.quantity"),
    ("0", "market.quantity"),
    ("abc", "market.quantity"),
    ("1.0001", "market.quantity"),
    ("NaN", "market.quantity"),
    ("11", "market.over_stock"),       # 10 kg in stock
])
def test_bad_quantity_refuses_the_whole_checkout(world, quantity, code):
    before, stock_before = counts(), stocks(world)
    with pytest.raises(InvalidInput) as caught:
        order_of(world, (world.quyt, 1), (world.na, quantity))
    [error] = caught.value.errors
    assert error.field == "lines[1].quantity" and error.code == code
    assert "Na Chi Lăng" in error.message_vi and "Na Chi Lăng" in error.message_en
    assert counts() == before and stocks(world) == stock_before


def test_off_step_message_names_the_rule_in_both_languages(world):
    with pytest.raises(InvalidInput) as caught:
        order_of(world, (world.na, "1.2"))
    error = caught.value.errors[0]
    assert error.message_vi == ("“Na Chi Lăng”: số lượng phải từ 1 kg trở lên, theo bước "
                                "0,5 kg.")
    assert error.message_en == ("“Na Chi Lăng”: the quantity must be at least 1 kg, in steps "
                                "of 0.5 kg.")


def test_inactive_and_out_of_season_products_are_refused(world):
    Product.objects.filter(pk=world.mien.pk).update(is_active=False)
    Product.objects.filter(pk=world.quyt.pk).update(season_start_month=1, season_end_month=3)
    with pytest.raises(InvalidInput) as caught:
        order_of(world, (world.mien, 1), (world.quyt, 1))
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("lines[0].product_id", "market.product_unavailable"),
        ("lines[1].product_id", "market.out_of_season")]
    assert not Order.objects.exists()


def test_bad_contact_names_every_field(world):
    with pytest.raises(InvalidInput) as caught:
        order_of(world, (world.na, 1), buyer_name="", buyer_phone="024 3826 1234",
                 commune_code=999999, address="", payment_method="bitcoin")
    fields = {e.field: e.code for e in caught.value.errors}
    assert fields == {"buyer_name": "market.required", "buyer_phone": "phone.not_mobile",
                      "payment_method": "market.choice", "commune": "market.commune",
                      "address": "market.required"}
    assert not Order.objects.exists()


def test_empty_order_and_unknown_product(world):
    with pytest.raises(InvalidInput) as caught:
        place_order(actor=None, contact=contact(world), lines=[])
    assert caught.value.errors[0].code == "market.cart_empty"
    with pytest.raises(InvalidInput) as caught:
        place_order(actor=None, contact=contact(world), lines=[LineRequest(10**9, 1)])
    assert caught.value.errors[0].field == "lines[0].product_id"


def test_sold_out_at_the_last_moment_rolls_everything_back(world, monkeypatch):
    """The stock is taken by a conditional UPDATE: if another buyer took the last units
    between the check and the update, the whole checkout rolls back with a clear error."""
    from tinhso.market.services import orders

    real_check = orders.check_lines

    def check_then_someone_buys(lines, *, today):
        checked = real_check(lines, today=today)
        Product.objects.filter(pk=world.mien.pk).update(stock=Decimal(1))
        return checked

    monkeypatch.setattr(orders, "check_lines", check_then_someone_buys)
    before = counts()
    with pytest.raises(DomainError) as caught:
        order_of(world, (world.na, 2), (world.mien, 2))
    assert caught.value.code == "market.sold_out" and caught.value.status == 409
    assert "Miến dong Bình Gia" in caught.value.message_vi
    assert "only 1 pack left" in caught.value.message_en
    assert counts() == before
    assert Product.objects.get(pk=world.na.pk).stock == Decimal(10)


def test_guest_checkout_without_market_account_for_transfer_is_refused(world):
    world.market_payee.delete()
    with pytest.raises(InvalidInput) as caught:
        order_of(world, (world.na, 1))
    assert caught.value.errors[0].field == "payment_method"
    assert order_of(world, (world.na, 1), payment_method="cod").payee is None
