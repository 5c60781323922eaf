"""Market API, order side (mounted under /api/v1/market/): the cart, checkout, orders and
their VietQR payment, and the sellers' actions. Same services as the pages.

Browsers use their session (CSRF on every write); a guest has a session too: its cart and
the orders it placed are kept there, and a guest's order is also found with the mobile
number it was placed with (``?phone=``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from tinhso.accounts.auth import ActiveSessionAuth
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Id, text
from tinhso.market import selectors_orders
from tinhso.market.models import Order, OrderState
from tinhso.market.order_errors import quantity_text
from tinhso.market.order_session import has_seen, remember
from tinhso.market.services import cart as carts
from tinhso.market.services import orders
from tinhso.payments.refunds import BankAccount

router = Router(tags=["market orders"])
session_auth = ActiveSessionAuth()
OrderCode = text(20)
Quantity = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=12, decimal_places=3,
                                    description="in the product's unit (1.5 = 1.5 kg)")]


class BuyerAuth(SessionAuth):
    """A signed-in user or a guest, both by their session; CSRF is checked on writes."""

    def authenticate(self, request, key):
        user = request.user
        if user.is_authenticated and not user.is_active:
            return None
        return user


buyer_auth = BuyerAuth()


# ---------------------------------------------------------------- schemas


class CartLineIn(Schema):
    product_id: Id
    quantity: Quantity
    replace: bool = Field(False, description="set the quantity instead of adding to it")


class CartLineOut(Schema):
    product_id: int
    name: str
    shop: str
    unit: str
    quantity: str
    price: int
    amount: int


class CartOut(Schema):
    lines: list[CartLineOut]
    items_total: int
    delivery_total: int = Field(description="if delivered; a pickup at a hub has none")
    total: int


class LineIn(Schema):
    product_id: Id
    quantity: Quantity


class CheckoutIn(Schema):
    buyer_name: text(120)
    buyer_phone: text(40)
    fulfilment: Literal["delivery", "pickup"] = "delivery"
    commune_code: Annotated[int, Field(ge=1, le=99_999)] | None = None
    address: text(255) = ""
    pickup_hub: text(80) = ""
    payment_method: Literal["vietqr", "cod"] = "vietqr"
    note: text(500) = ""
    lines: list[LineIn] | None = Field(
        None, max_length=orders.MAX_LINES,
        description="what to buy; without it, everything in the session's cart")


class OrderLineOut(Schema):
    product_id: int
    name: str
    unit: str
    quantity: str
    unit_price: int
    amount: int


class ShopOrderOut(Schema):
    id: int
    shop: str
    state: OrderState
    items_total: int
    delivery_fee: int
    total: int
    lines: list[OrderLineOut]


class OrderOut(Schema):
    code: str
    state: OrderState
    payment_method: str
    fulfilment: str
    items_total: int
    delivery_total: int
    total: int
    placed_at: datetime
    expires_at: datetime | None
    paid_at: datetime | None
    shop_orders: list[ShopOrderOut]


class OrderRowOut(Schema):
    code: str
    state: OrderState
    total: int
    placed_at: datetime


class PaymentOut(Schema):
    code: str
    state: OrderState
    amount: int = Field(description="VND, to transfer exactly")
    vietqr: str | None = Field(description="EMV payload of the dynamic VietQR (amount and "
                                           "order code filled in); null once paid or when "
                                           "paid in cash")
    purpose: str
    bank_bin: str | None
    account_number: str | None
    account_name: str | None
    expires_at: datetime | None


class CancelIn(Schema):
    reason: text(40)
    note: text(1000) = ""
    # A guest without this browser's session proves the order is theirs with the mobile
    # number it was placed with.
    phone: text(40) = ""


class RefundIn(Schema):
    """The buyer's account the money goes back to."""

    bank_bin: text(6)
    account_number: text(30)
    account_name: text(120)


class RefundOut(Schema):
    reference: str
    state: str
    amount: int
    bank: str
    account_last4: str
    account_name: str
    bank_reference: str
    failure_reason: str
    requested_at: datetime
    sent_at: datetime | None
    settled_at: datetime | None


def _refund_out(refund) -> dict:
    return {"reference": refund.reference, "state": refund.state, "amount": refund.amount_vnd,
            "bank": refund.bank_name, "account_last4": refund.account_number[-4:],
            "account_name": refund.account_name, "bank_reference": refund.bank_reference,
            "failure_reason": refund.failure_reason, "requested_at": refund.requested_at,
            "sent_at": refund.sent_at, "settled_at": refund.settled_at}


class StateIn(Schema):
    state: Literal["packed", "shipped", "ready_for_pickup", "delivered"]


# ---------------------------------------------------------------- shaping


def _line_out(line) -> dict:
    return {"product_id": line.product_id, "name": line.product_name, "unit": line.unit,
            "quantity": quantity_text(line.quantity), "unit_price": line.unit_price_vnd,
            "amount": line.line_total_vnd}


def _part_out(part) -> dict:
    return {"id": part.pk, "shop": part.shop.name, "state": part.state,
            "items_total": part.items_total_vnd, "delivery_fee": part.delivery_fee_vnd,
            "total": part.total_vnd, "lines": [_line_out(x) for x in part.lines.all()]}


def _order_out(order: Order) -> dict:
    parts = order.shop_orders.select_related("shop").prefetch_related("lines")
    return {"code": order.code, "state": order.state, "payment_method": order.payment_method,
            "fulfilment": order.fulfilment, "items_total": order.items_total_vnd,
            "delivery_total": order.delivery_total_vnd, "total": order.total_vnd,
            "placed_at": order.placed_at, "expires_at": order.expires_at,
            "paid_at": order.paid_at, "shop_orders": [_part_out(p) for p in parts]}


def _cart_out(cart) -> dict:
    summary = carts.summary(cart)
    lines = [{"product_id": row["product"].pk, "name": row["product"].name,
              "shop": group.shop.name, "unit": row["product"].unit,
              "quantity": quantity_text(row["line"].quantity), "price": row["product"].price_vnd,
              "amount": row["amount_vnd"]} for group in summary.groups for row in group.lines]
    return {"lines": lines, "items_total": summary.items_total_vnd,
            "delivery_total": summary.delivery_total_vnd, "total": summary.total_vnd}


def _visible(request, code: str, phone: str = "") -> Order:
    order = selectors_orders.order_for(request.user, code)
    if order is None and has_seen(request, code):
        order = selectors_orders.order_by_code(code, guest_only=True)
    if order is None and phone:
        order = selectors_orders.find_for_guest(code, phone)
    if order is None:
        raise Http404
    return order


# ---------------------------------------------------------------- cart and checkout


@router.get("/cart", response=CartOut, auth=buyer_auth)
def get_cart(request):
    """The session's cart (a signed-in user's own), grouped lines with amounts."""
    return _cart_out(carts.cart_for(request))


@router.post("/cart/lines", response=CartOut, auth=buyer_auth)
def add_to_cart(request, payload: CartLineIn):
    """Put a quantity of a product in the cart; refused (422, naming the field) when it is
    not on sale, off the unit's step or over the stock."""
    cart = carts.cart_for(request, create=True)
    carts.add(cart, product_id=payload.product_id, quantity=payload.quantity,
              replace=payload.replace)
    return _cart_out(cart)


@router.delete("/cart/lines/{product_id}", response=CartOut, auth=buyer_auth)
def remove_from_cart(request, product_id: Id):
    cart = carts.cart_for(request)
    if cart is not None:
        carts.remove(cart, product_id=product_id)
    return _cart_out(cart)


@router.post("/checkout", response={201: OrderOut}, auth=buyer_auth)
def checkout(request, payload: CheckoutIn):
    """Place one order (split into one shop order per seller) for ``lines``, or for the
    cart. Every bad field is named (422); a product sold out meanwhile is a 409 naming it;
    nothing is written either way. Pay by VietQR (``/orders/{code}/payment``) before
    ``expires_at``, or in cash on delivery."""
    contact = orders.Contact(
        buyer_name=payload.buyer_name, buyer_phone=payload.buyer_phone,
        fulfilment=payload.fulfilment, commune_code=payload.commune_code,
        address=payload.address, pickup_hub=payload.pickup_hub,
        payment_method=payload.payment_method, note=payload.note)
    if payload.lines is not None:
        order = orders.place_order(actor=request.user, contact=contact, lines=[
            orders.LineRequest(line.product_id, line.quantity) for line in payload.lines])
    else:
        cart = carts.cart_for(request, create=True)
        order = carts.checkout(actor=request.user, cart=cart, contact=contact)
    remember(request, order.code)
    return Status(201, _order_out(order))


# ---------------------------------------------------------------- orders


@router.get("/orders", response=Page[OrderRowOut], auth=session_auth)
def my_orders(request, page: Query[PageIn]):
    """The signed-in buyer's orders, newest first."""
    rows = selectors_orders.orders_of_buyer(request.auth)
    return page_of(rows, page, lambda o: {"code": o.code, "state": o.state,
                                          "total": o.total_vnd, "placed_at": o.placed_at})


@router.get("/orders/{code}", response=OrderOut, auth=buyer_auth)
def get_order(request, code: OrderCode, phone: text(40) = ""):
    """An order its buyer may see (a guest: placed in this session, or with ``phone``);
    someone else's is a 404."""
    return _order_out(_visible(request, code, phone))


@router.get("/orders/{code}/payment", response=PaymentOut, auth=buyer_auth)
def get_payment(request, code: OrderCode, phone: text(40) = ""):
    """How to pay: the amount and the dynamic VietQR payload (EMV) with the order code in
    the transfer purpose. The bank webhook marks the order paid when the exact amount
    arrives."""
    order = _visible(request, code, phone)
    payee = order.payee
    return {"code": order.code, "state": order.state, "amount": order.total_vnd,
            "vietqr": selectors_orders.payment_payload(order),
            "purpose": order.transfer_purpose, "bank_bin": payee.bank_bin if payee else None,
            "account_number": payee.account_number if payee else None,
            "account_name": payee.account_name if payee else None,
            "expires_at": order.expires_at}


@router.post("/orders/{code}/cancel", response=OrderOut, auth=buyer_auth)
def cancel_order(request, code: OrderCode, payload: CancelIn):
    """Cancel before the goods leave, with a reason (``buyer_request``, ``out_of_stock``,
    ``cannot_deliver``, ``payment_problem``, ``other`` + note). The buyer may cancel an
    unpaid order; a paid one is cancelled by the hub or the administrator and owes a
    refund. A guest cancels its own unpaid order from the browser that placed or tracked
    it, or by giving the order's mobile number (``phone``)."""
    order = _visible(request, code, payload.phone)
    guest = order.buyer_id is None and (
        has_seen(request, code)
        or (bool(payload.phone) and selectors_orders.find_for_guest(code, payload.phone)
            is not None))
    return _order_out(orders.cancel_order(actor=request.user, order=order, guest_link=guest,
                                          reason=payload.reason, note=payload.note))


@router.post("/orders/{code}/refund", response=RefundOut, auth=session_auth)
def refund_order(request, code: OrderCode, payload: RefundIn):
    """The hub's accountant (or the administrator) sends a cancelled paid order's money
    back to the buyer's account: a bank transfer order (``requested`` → ``sent``); the
    order is ``refunded`` once the bank confirms it. Asking again while a refund is open
    returns that one."""
    order = _visible(request, code)
    return _refund_out(orders.refund_order(
        actor=request.auth, order=order, account=BankAccount(
            bank_bin=payload.bank_bin, account_number=payload.account_number,
            account_name=payload.account_name)))


@router.get("/orders/{code}/refunds", response=list[RefundOut], auth=buyer_auth)
def order_refunds(request, code: OrderCode, phone: text(40) = ""):
    """The refunds of an order and how the bank answered (its buyer, the hub's staff)."""
    order = _visible(request, code, phone)
    return [_refund_out(r) for r in orders.refunds_of(order)]


@router.post("/orders/{code}/received", response=OrderOut, auth=session_auth)
def confirm_received(request, code: OrderCode):
    """The buyer confirms receipt: the delivered order completes."""
    order = _visible(request, code)
    return _order_out(orders.confirm_received(actor=request.auth, order=order))


# ---------------------------------------------------------------- sellers


@router.get("/shop-orders", response=Page[ShopOrderOut], auth=session_auth)
def shop_orders(request, page: Query[PageIn], state: OrderState | None = None):
    """The seller's shop orders (hub staff: their members'), those to handle unless
    ``state`` is given."""
    rows = selectors_orders.shop_orders_for(request.auth, state=state or "")
    return page_of(rows.prefetch_related("lines"), page, _part_out)


@router.post("/shop-orders/{shop_order_id}/state", response=ShopOrderOut, auth=session_auth)
def move_shop_order(request, shop_order_id: Id, payload: StateIn):
    """The seller marks its part packed, shipped (delivery) or ready for pickup (pickup at
    a hub), then delivered; someone else's shop order is a 404."""
    part = get_object_or_404(selectors_orders.shop_orders_visible(request.auth),
                             pk=shop_order_id)
    part = orders.advance_shop_order(actor=request.auth, shop_order=part, target=payload.state)
    return _part_out(part)
