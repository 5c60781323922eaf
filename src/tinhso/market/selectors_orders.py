"""Reads of carts and orders, shaped for the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from tinhso.core.money import format_vnd
from tinhso.core.validators import InvalidValue, normalize_mobile
from tinhso.market import orderflow
from tinhso.market.models import Order, OrderState, PaymentMethod, ShopOrder
from tinhso.market.order_access import shop_order_filter_for
from tinhso.market.order_errors import quantity_text
from tinhso.market.services import orders
from tinhso.market.units import UNITS
from tinhso.payments.vietqr import build_payload

S = OrderState


def order_by_code(code: str, *, guest_only: bool = False) -> Order | None:
    rows = Order.objects.select_related("payee", "commune", "pickup_hub", "hub")
    if guest_only:
        rows = rows.filter(buyer__isnull=True)
    return rows.filter(code=code[:20]).first()


def order_for(user, code: str) -> Order | None:
    """The order if ``user`` may open it (order_access), else None (a 404)."""
    return (Order.objects.visible_to(user)
            .select_related("payee", "commune", "pickup_hub", "hub")
            .filter(code=code[:20]).first())


def find_for_guest(code: str, phone: str) -> Order | None:
    """A guest's order by its code and the mobile number it was placed with (any spelling
    of the number). Orders placed with an account are opened by logging in."""
    try:
        phone = normalize_mobile(phone or "", "phone")
    except InvalidValue:
        return None
    return (Order.objects.filter(code=(code or "").strip().upper()[:20], buyer_phone=phone,
                                 buyer__isnull=True).first())


def orders_of_buyer(user) -> QuerySet[Order]:
    return Order.objects.filter(buyer=user).order_by("-placed_at", "-id")


def shop_orders_visible(user) -> QuerySet[ShopOrder]:
    return (ShopOrder.objects.filter(shop_order_filter_for(user))
            .select_related("order", "shop", "order__commune", "order__pickup_hub"))


def shop_orders_for(user, *, state: str = "") -> QuerySet[ShopOrder] | None:
    """The seller's shop orders to handle (or in ``state``); None for someone who is
    neither seller nor hub staff."""
    rows = shop_orders_visible(user)
    if state in S.values:
        rows = rows.filter(state=state)
    else:
        rows = rows.filter(state__in=orderflow.TO_HANDLE_STATES)
    return rows.order_by("order__placed_at", "id")


def payment_payload(order: Order) -> str | None:
    """The dynamic VietQR of an order still to pay by transfer (None otherwise)."""
    if order.payment_method != PaymentMethod.VIETQR or order.state != S.PLACED \
            or order.payee_id is None:
        return None
    payee = order.payee
    return build_payload(bank_bin=payee.bank_bin, account=payee.account_number,
                         amount=order.total_vnd, purpose=order.transfer_purpose,
                         bill_number=order.code)


def unit_label(code: str) -> str:
    vi, en = UNITS.get(code, (code, code))
    return vi


def line_row(line) -> dict:
    return {"name": line.product_name, "quantity": quantity_text(line.quantity).replace(".", ","),
            "unit": unit_label(line.unit), "unit_price": format_vnd(line.unit_price_vnd),
            "amount": format_vnd(line.line_total_vnd), "product_id": line.product_id}


def next_actions(part: ShopOrder, order: Order) -> list[tuple[str, str]]:
    return [(target, S(target).label) for target in orderflow.TRANSITIONS[part.state]
            if target in orderflow.SELLER_TARGETS and orderflow.can_transition(
                part.state, target, payment_method=order.payment_method,
                fulfilment=order.fulfilment)]


def shop_order_row(part: ShopOrder) -> dict:
    order = part.order
    return {"part": part, "order": order, "state": S(part.state).label,
            "total": format_vnd(part.total_vnd), "items": format_vnd(part.items_total_vnd),
            "fee": format_vnd(part.delivery_fee_vnd),
            "lines": [line_row(line) for line in part.lines.all()],
            "actions": next_actions(part, order),
            "cod": order.payment_method == PaymentMethod.CASH_ON_DELIVERY}


def order_row(order: Order) -> dict:
    return {"order": order, "state": S(order.state).label, "total": format_vnd(order.total_vnd)}


def order_page(order: Order, user, *, guest_link: bool = False) -> dict:
    parts = list(order.shop_orders.select_related("shop").prefetch_related("lines"))
    payload = payment_payload(order)
    return {
        "order": order, "state": S(order.state).label, "payload": payload,
        "total": format_vnd(order.total_vnd), "items_total": format_vnd(order.items_total_vnd),
        "delivery_total": format_vnd(order.delivery_total_vnd),
        "parts": [{"part": p, "state": S(p.state).label, "items": format_vnd(p.items_total_vnd),
                   "fee": format_vnd(p.delivery_fee_vnd),
                   "lines": [line_row(line) for line in p.lines.all()]} for p in parts],
        "events": [{"e": e, "state": S(e.to_state).label}
                   for e in order.events.select_related("shop_order__shop")],
        "can_cancel": orders.can_cancel(user, order, guest_link=guest_link),
        # not while a refund is on its way (asking again would return it anyway)
        "can_refund": order.state == S.REFUND_DUE and orders.can_refund(user, order)
        and not orders.refunds_of(order).exclude(state="failed").exists(),
        "refunds": refund_rows(order),
        "can_confirm": (order.state == S.DELIVERED and user.is_authenticated
                        and order.buyer_id == user.pk),
        "cod": order.payment_method == PaymentMethod.CASH_ON_DELIVERY,
    }


def refund_rows(order: Order) -> list[dict]:
    """The refunds of an order (payments.refunds), for its buyer and the hub's staff: the
    account shown by its last four digits."""
    from tinhso.payments.models import RefundState

    return [{"refund": r, "state": RefundState(r.state).label, "amount": format_vnd(r.amount_vnd),
             "account": f"{r.bank_name} ••••{r.account_number[-4:]}"}
            for r in orders.refunds_of(order)]


def present_groups(summary) -> list[dict]:
    return [{"shop": g.shop, "items": format_vnd(g.items_total_vnd),
             "fee": format_vnd(g.delivery_fee_vnd),
             "lines": [{"product": row["product"], "line": row["line"],
                        "quantity": quantity_text(row["line"].quantity).replace(".", ","),
                        "unit": unit_label(row["product"].unit),
                        "price": format_vnd(row["product"].price_vnd),
                        "amount": format_vnd(row["amount_vnd"])} for row in g.lines]}
            for g in summary.groups]
