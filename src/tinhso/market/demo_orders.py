"""Demo orders (idempotent), called by the market's ``seed_demo`` after the demo shops and
products exist: the market's collection account, and one order in every state, placed by
a demo buyer through the real services (stock taken, audit entries, history) and moved
along the order flow the way the bank, the sellers and the back office would."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tinhso.market.models import (
    Fulfilment,
    Hub,
    Order,
    OrderState,
    PaymentMethod,
    Product,
    ShopOrder,
)
from tinhso.market.services import orders
from tinhso.payments.models import PayeeAccount

S = OrderState
DEMO_PHONE = "0978000111"
DEMO_NAME = "Nông Thị Lan (khách mẫu)"

MARKET_PAYEE = {
    "code": "cho-tinh-so",
    "bank_bin": "970405",
    "bank_name": "Agribank",
    "account_number": "8000000000000",  # placeholder: set the real one in the admin
    "account_name": "CHO TINH SO LANG SON",
    "display_name": "Chợ Tỉnh Số Lạng Sơn — tài khoản thu hộ",
    "is_default": False,
    "is_placeholder": True,
}

# state: (payment method, pickup at a hub?, the path after placement)
PATHS: dict[str, tuple[str, bool, list[str]]] = {
    S.PLACED: (PaymentMethod.VIETQR, False, []),
    S.PAID: (PaymentMethod.VIETQR, False, [S.PAID]),
    S.PACKED: (PaymentMethod.VIETQR, False, [S.PAID, S.PACKED]),
    S.SHIPPED: (PaymentMethod.CASH_ON_DELIVERY, False, [S.PACKED, S.SHIPPED]),
    S.READY_FOR_PICKUP: (PaymentMethod.VIETQR, True, [S.PAID, S.PACKED, S.READY_FOR_PICKUP]),
    S.DELIVERED: (PaymentMethod.CASH_ON_DELIVERY, False, [S.PACKED, S.SHIPPED, S.DELIVERED]),
    S.COMPLETED: (PaymentMethod.VIETQR, False,
                  [S.PAID, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED]),
    S.CANCELLED: (PaymentMethod.CASH_ON_DELIVERY, False, [S.CANCELLED]),
    S.EXPIRED: (PaymentMethod.VIETQR, False, [S.EXPIRED]),
    S.REFUND_DUE: (PaymentMethod.VIETQR, False, [S.PAID, S.REFUND_DUE]),
    S.REFUNDED: (PaymentMethod.VIETQR, False, [S.PAID, S.REFUND_DUE, S.REFUNDED]),
}


def seed_market_payee() -> PayeeAccount:
    """The market's collection account (``settings.MARKET_PAYEE_CODE``), a placeholder
    until an administrator enters the real one; edits survive a re-seed."""
    from django.conf import settings

    code = getattr(settings, "MARKET_PAYEE_CODE", MARKET_PAYEE["code"])
    payee, _ = PayeeAccount.objects.get_or_create(code=code, defaults={**MARKET_PAYEE,
                                                                       "code": code})
    return payee


def _products(count: int) -> list[Product]:
    """Products that can be bought now, of different shops, with room in their stock."""
    month = timezone.localdate().month
    chosen, shops = [], set()
    for product in (Product.objects.filter(is_active=True, shop__is_active=True,
                                           stock__gte=F("min_quantity") * 20)
                    .select_related("shop").order_by("id")):
        if product.shop_id in shops or not product.in_season(month):
            continue
        chosen.append(product)
        shops.add(product.shop_id)
        if len(chosen) == count:
            break
    return chosen


def _refund(order: Order, *, at) -> None:
    """The refunded demo order goes the real way: a transfer order to the buyer's account,
    sent to the simulated bank, which confirms it (payments.refunds)."""
    from tinhso.payments import refunds

    refund = refunds.request_refund(
        actor=None, kind=orders.REFUND_KIND, source_reference=order.code,
        amount_vnd=order.total_vnd, account=refunds.BankAccount("970436", "0123456789",
                                                                 DEMO_NAME),
        purpose=f"HOAN TIEN {order.code}", now=at)
    refund = refunds.send(refund, now=at)
    refunds.record_result(adapter=refund.adapter, bank_reference=refund.bank_reference,
                          confirmed=True, now=at)


def _walk(order: Order, path: list[str], *, at) -> None:
    for target in path:
        if target == S.REFUNDED:
            _refund(order, at=at)
            continue
        with transaction.atomic():
            order = orders.locked(order)
            if target in (S.PACKED, S.SHIPPED, S.READY_FOR_PICKUP, S.DELIVERED):
                for part in ShopOrder.objects.filter(order=order).select_related(
                        "shop__organization"):
                    orders.transition(order, target, actor=None, shop_order=part, at=at,
                                      note="demo")
            else:
                if target in (S.CANCELLED, S.REFUND_DUE):
                    order.cancel_reason = "buyer_request"
                orders.transition(order, target, actor=None, at=at, note="demo",
                                  also=("cancel_reason",) if order.cancel_reason else ())
        order.refresh_from_db()


def seed_demo_orders(*, buyer=None) -> int:
    """One demo order in each state that has none yet; returns how many were created.
    Needs demo products (at least two shops); does nothing without them."""
    seed_market_payee()
    products = _products(2)
    if len(products) < 2:
        return 0
    hub = Hub.objects.filter(is_active=True).order_by("id").first()
    created = 0
    now = timezone.now()
    for state, (method, pickup, path) in PATHS.items():
        if Order.objects.filter(buyer_phone=DEMO_PHONE, state=state).exists():
            continue
        if pickup and hub is None:
            continue
        placed = now - timedelta(hours=2) if state == S.EXPIRED else now
        contact = orders.Contact(
            buyer_name=DEMO_NAME, buyer_phone=DEMO_PHONE,
            fulfilment=Fulfilment.PICKUP if pickup else Fulfilment.DELIVERY,
            commune_code=None if pickup else products[0].shop.commune.code,
            address="" if pickup else "Số 5, đường Bà Triệu",
            pickup_hub=hub.slug if pickup else "", payment_method=method)
        lines = [orders.LineRequest(p.pk, p.min_quantity) for p in products]
        order = orders.place_order(actor=buyer, lines=lines, contact=contact, now=placed)
        _walk(order, path, at=now)
        created += 1
    return created
