"""The order state machine, the bank paying orders, expiry, cancellation and refunds,
and who may see and move what."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry, OutgoingNotification
from tinhso.market import orderflow
from tinhso.market.models import Order, OrderEvent, OrderState, Product, ShopOrder
from tinhso.market.services import orders
from tinhso.payments import refunds
from tinhso.payments.models import BankTransaction, RefundState
from tinhso.payments.providers import BankCredit
from tinhso.payments.refunds import BankAccount
from tinhso.payments.services import record_bank_credit

pytestmark = pytest.mark.django_db
S = OrderState


def pay(order, *, amount=None, tx="FT1", description=None, account=None):
    credit = BankCredit(transaction_id=tx, amount_vnd=order.total_vnd if amount is None else amount,
                        description=description or f"{order.code} MUA HANG",
                        account=account if account is not None else order.payee.account_number)
    return record_bank_credit(provider="demo", credit=credit)


def parts(order):
    return {p.shop.slug: p for p in ShopOrder.objects.filter(order=order).select_related("shop")}


def stock(product):
    return Product.objects.get(pk=product.pk).stock


# ---------------------------------------------------------------- the table


def test_every_edge_is_explained_and_final_states_are_final():
    for source, targets in orderflow.TRANSITIONS.items():
        for target, reason in targets.items():
            assert reason, (source, target)
    for state in orderflow.FINAL_STATES:
        assert orderflow.TRANSITIONS[state] == {}
    assert set(orderflow.TRANSITIONS) == set(S.values)


@pytest.mark.parametrize(("current", "target", "method", "fulfilment", "allowed"), [
    ("placed", "paid", "vietqr", "delivery", True),
    ("placed", "packed", "vietqr", "delivery", False),   # transfer orders pack once paid
    ("placed", "packed", "cod", "delivery", True),
    ("paid", "shipped", "vietqr", "delivery", False),
    ("packed", "shipped", "vietqr", "delivery", True),
    ("packed", "shipped", "vietqr", "pickup", False),
    ("packed", "ready_for_pickup", "vietqr", "pickup", True),
    ("packed", "refund_due", "cod", "delivery", False),  # nothing was paid
    ("packed", "cancelled", "vietqr", "delivery", False),  # paid: a refund is due
    ("shipped", "cancelled", "vietqr", "delivery", False),
    ("delivered", "paid", "vietqr", "delivery", False),
    ("expired", "paid", "vietqr", "delivery", False),
    ("refund_due", "refunded", "vietqr", "delivery", True),
])
def test_edges(current, target, method, fulfilment, allowed):
    assert orderflow.can_transition(current, target, payment_method=method,
                                    fulfilment=fulfilment) is allowed


# ---------------------------------------------------------------- bank payment


def test_exact_transfer_pays_the_order_once(world):
    order = order_of(world, (world.na, 2), (world.quyt, 1))
    bank_tx, created = pay(order)
    assert created and bank_tx.outcome == "matched" and bank_tx.invoice is None
    assert bank_tx.reference == order.code
    order.refresh_from_db()
    assert order.state == S.PAID and order.paid_at and order.bank_transaction == bank_tx
    assert {p.state for p in parts(order).values()} == {S.PAID}
    assert AuditEntry.objects.filter(action="order.paid", object_id=str(order.pk)).count() == 1
    assert OutgoingNotification.objects.filter(kind="market.order_paid").count() == 2
    # the bank repeats itself: nothing changes
    again, created = pay(order)
    assert not created and again == bank_tx
    assert BankTransaction.objects.count() == 1
    assert AuditEntry.objects.filter(action="order.paid").count() == 1


def test_bank_description_may_be_mangled(world):
    order = order_of(world, (world.na, 1))
    pay(order, description=f"MBVCB.123 {order.code.lower()[:6]} {order.code.lower()[6:]} chuyen")
    order.refresh_from_db()
    assert order.state == S.PAID


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"amount": 1000}, "wrong_amount"),
    ({"description": "DH261202ZZZZZZ MUA HANG"}, "unknown_reference"),
    ({"description": "tien na"}, "no_reference"),
    ({"account": "123"}, "wrong_account"),
])
def test_anything_but_the_exact_transfer_goes_to_reconciliation(world, kwargs, reason):
    order = order_of(world, (world.na, 1))
    bank_tx, _created = pay(order, **kwargs)
    assert (bank_tx.outcome, bank_tx.reason) == ("mismatched", reason)
    order.refresh_from_db()
    assert order.state == S.PLACED and order.paid_at is None


def test_a_transfer_for_an_expired_order_is_not_accepted(world):
    order = order_of(world, (world.na, 1))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert orders.expire_unpaid() == [order.code]
        bank_tx, _ = pay(order)
    assert (bank_tx.outcome, bank_tx.reason) == ("mismatched", "not_payable")
    order.refresh_from_db()
    assert order.state == S.EXPIRED


def test_cash_on_delivery_orders_are_not_payable_by_transfer(world):
    order = order_of(world, (world.hoi, 1), payment_method="cod")
    order.payee = world.market_payee  # even if someone copies the code into a transfer
    bank_tx, _ = pay(order)
    assert bank_tx.outcome == "mismatched"


# ---------------------------------------------------------------- expiry


def test_expiry_releases_the_stock_once(world):
    order = order_of(world, (world.na, "2.5"), (world.mien, 3))
    cod = order_of(world, (world.quyt, 1), payment_method="cod")
    assert stock(world.na) == Decimal("7.5") and stock(world.mien) == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert orders.expire_unpaid() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert orders.expire_unpaid() == [order.code]
        assert orders.expire_unpaid() == []  # run twice: nothing more
    order.refresh_from_db()
    assert order.state == S.EXPIRED
    assert {p.state for p in parts(order).values()} == {S.EXPIRED}
    assert stock(world.na) == Decimal(10) and stock(world.mien) == 3
    assert Order.objects.get(pk=cod.pk).state == S.PLACED  # cash orders do not expire


def test_expiry_task_is_scheduled(settings):
    from tinhso.market.tasks import expire_unpaid_orders

    spec = settings.PERIODIC_TASKS["market.expire_unpaid_orders"]
    assert spec["task"] == "tinhso.market.tasks.expire_unpaid_orders"
    assert expire_unpaid_orders.call() == []


def test_ttl_is_configurable(world, settings):
    settings.MARKET_QR_ORDER_TTL_MINUTES = 5
    order = order_of(world, (world.na, 1))
    assert order.expires_at - order.placed_at == timedelta(minutes=5)


# ---------------------------------------------------------------- fulfilment


def test_sellers_move_their_parts_and_the_order_follows(world):
    order = order_of(world, (world.na, 2), (world.quyt, 1), actor=world.buyer)
    pay(order)
    a, b = parts(order)["na-chi-lang"], parts(order)["quyt-bac-son"]
    orders.advance_shop_order(actor=world.seller_a, shop_order=a, target=S.PACKED)
    assert Order.objects.get(pk=order.pk).state == S.PAID  # b not packed yet
    orders.advance_shop_order(actor=world.seller_b, shop_order=b, target=S.PACKED)
    assert Order.objects.get(pk=order.pk).state == S.PACKED
    for part, seller in ((a, world.seller_a), (b, world.seller_b)):
        orders.advance_shop_order(actor=seller, shop_order=part, target=S.SHIPPED)
        orders.advance_shop_order(actor=seller, shop_order=part, target=S.DELIVERED)
    order.refresh_from_db()
    assert order.state == S.DELIVERED
    with pytest.raises(DomainError):  # not the buyer
        orders.confirm_received(actor=world.other_buyer, order=order)
    orders.confirm_received(actor=world.buyer, order=order)
    order.refresh_from_db()
    assert order.state == S.COMPLETED and order.completed_at
    assert {p.state for p in parts(order).values()} == {S.COMPLETED}
    states = list(OrderEvent.objects.filter(order=order, shop_order=None)
                  .values_list("to_state", flat=True))
    assert states == ["placed", "paid", "packed", "shipped", "delivered", "completed"]


def test_refused_moves(world):
    order = order_of(world, (world.na, 2))
    a = parts(order)["na-chi-lang"]
    with pytest.raises(DomainError) as caught:  # not paid yet
        orders.advance_shop_order(actor=world.seller_a, shop_order=a, target=S.PACKED)
    assert caught.value.code == "market.order_state" and caught.value.status == 409
    with pytest.raises(DomainError):  # someone else's shop: as if it did not exist
        orders.advance_shop_order(actor=world.seller_b, shop_order=a, target=S.PACKED)
    with pytest.raises(DomainError):
        orders.advance_shop_order(actor=world.seller_a, shop_order=a, target=S.PAID)
    assert Order.objects.get(pk=order.pk).state == S.PLACED


def test_cash_on_delivery_is_paid_at_the_door_and_completes_later(world):
    order = order_of(world, (world.hoi, 1), payment_method="cod", fulfilment="pickup",
                     pickup_hub="htx-bac-son", commune_code=None, address="")
    part = parts(order)["hoi-van-quan"]
    for target in (S.PACKED, S.READY_FOR_PICKUP, S.DELIVERED):
        orders.advance_shop_order(actor=world.seller_h, shop_order=part, target=target)
    order.refresh_from_db()
    assert order.state == S.DELIVERED and order.paid_at is not None
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert orders.complete_delivered() == [order.code]
        assert orders.complete_delivered() == []
    assert Order.objects.get(pk=order.pk).state == S.COMPLETED


# ---------------------------------------------------------------- cancel and refund


def test_buyer_cancels_an_unpaid_order_and_gets_the_stock_back(world):
    order = order_of(world, (world.na, 3), actor=world.buyer)
    with pytest.raises(PermissionDenied):
        orders.cancel_order(actor=world.other_buyer, order=order, reason="buyer_request")
    with pytest.raises(DomainError) as caught:
        orders.cancel_order(actor=world.buyer, order=order, reason="other")
    assert caught.value.field == "note"
    orders.cancel_order(actor=world.buyer, order=order, reason="buyer_request")
    order.refresh_from_db()
    assert order.state == S.CANCELLED and order.cancel_reason == "buyer_request"
    assert stock(world.na) == 10


def test_paid_order_cancelled_owes_a_refund_recorded_by_the_hub_accountant(world):
    order = order_of(world, (world.hoi, 2), actor=world.buyer)
    pay(order)
    order.refresh_from_db()
    assert not orders.can_cancel(world.buyer, order)  # paid: the hub decides
    orders.cancel_order(actor=world.hub_accountant, order=order, reason="out_of_stock")
    order.refresh_from_db()
    assert order.state == S.REFUND_DUE and stock(world.hoi) == 20
    account = BankAccount("970436", "0123 456 789", "Lê Thị Mai")
    with pytest.raises(PermissionDenied):
        orders.refund_order(actor=world.seller_h, order=order, account=account)
    refund = orders.refund_order(actor=world.hub_accountant, order=order, account=account)
    assert refund.state == RefundState.SENT
    assert Order.objects.get(pk=order.pk).state == S.REFUND_DUE  # until the bank confirms
    refunds.simulate_results()
    order.refresh_from_db()
    assert order.state == S.REFUNDED
    entry = AuditEntry.objects.get(action="order.refunded", object_id=str(order.pk))
    assert entry.actor is None and entry.after["refund"] == refund.reference


def test_shipped_orders_cannot_be_cancelled(world):
    order = order_of(world, (world.hoi, 1), payment_method="cod")
    part = parts(order)["hoi-van-quan"]
    orders.advance_shop_order(actor=world.seller_h, shop_order=part, target=S.PACKED)
    orders.advance_shop_order(actor=world.seller_h, shop_order=part, target=S.SHIPPED)
    order.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        orders.cancel_order(actor=world.hub_accountant, order=order, reason="buyer_request")
    assert caught.value.status == 409


# ---------------------------------------------------------------- who sees what


def test_a_seller_sees_only_its_shop_orders(world):
    from tinhso.market.selectors_orders import order_for, shop_orders_for

    order = order_of(world, (world.na, 2), (world.quyt, 1), actor=world.buyer)
    assert [p.shop for p in shop_orders_for(world.seller_a)] == [world.shop_a]
    assert [p.shop for p in shop_orders_for(world.seller_b)] == [world.shop_b]
    assert list(shop_orders_for(world.buyer)) == []
    assert order_for(world.buyer, order.code) == order
    assert order_for(world.other_buyer, order.code) is None
    assert order_for(world.seller_a, order.code) is None  # the seller sees its part only


def test_an_order_whose_goods_partly_left_cannot_be_cancelled(world):
    """Cash on delivery: the order stays "placed" until every seller packed, but once one
    part left, cancelling would give back goods that are on the road."""
    order = order_of(world, (world.na, 2), (world.quyt, 1), payment_method="cod",
                     actor=world.buyer)
    a = parts(order)["na-chi-lang"]
    orders.advance_shop_order(actor=world.seller_a, shop_order=a, target=S.PACKED)
    orders.advance_shop_order(actor=world.seller_a, shop_order=a, target=S.SHIPPED)
    order.refresh_from_db()
    assert order.state == S.PLACED and not orders.can_cancel(world.buyer, order)
    with pytest.raises(DomainError) as caught:
        orders.cancel_order(actor=world.buyer, order=order, reason="buyer_request")
    assert caught.value.status == 409
    assert stock(world.na) == 8
