"""Checkout and orders: every write of an order goes through one function here, inside one
transaction, with its audit entry. Pages, the API, the bank webhook and the background
tasks all call these.

Where an order's money goes (``payee_for``): when every shop of the order belongs to one
hub that has a receiving account (``Hub.payee``), the buyer pays the hub, which pays its
members out; otherwise the buyer pays the market's collection account
(``PayeeAccount`` with code ``settings.MARKET_PAYEE_CODE``, created by the demo seed and
set in the admin in production), which pays each shop. Cash on delivery is taken by the
seller at the door: no receiving account.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, organizations_with_role
from tinhso.core import audit, search
from tinhso.core.errors import CoreError, FieldCollector, InvalidInput, core_error
from tinhso.core.models import AdministrativeUnit
from tinhso.core.notifications import Notification, send
from tinhso.core.reasons import clean_reason, reason_text
from tinhso.core.validators import InvalidValue, check_text, normalize_mobile
from tinhso.market import orderflow
from tinhso.market.models import (
    CancelReason,
    Fulfilment,
    Hub,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    PaymentMethod,
    Product,
    ShopOrder,
)
from tinhso.market.order_errors import (
    OrderError,
    QuantityText,
    UnitName,
    order_error,
    order_invalid,
)
from tinhso.market.units import BadQuantity, line_amount, on_step, parse_quantity
from tinhso.payments.models import PayeeAccount

S = OrderState
MAX_LINES = 50
CODE_PREFIX = "DH"  # đơn hàng
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
CODE_RE = re.compile(r"DH[0-9]{6}[A-HJ-NP-Z2-9]{6}")


def qr_ttl() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "MARKET_QR_ORDER_TTL_MINUTES", 30)))


def complete_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "MARKET_COMPLETE_AFTER_DAYS", 3)))


def new_code(day) -> str:
    """``DH`` + local date (yymmdd) + 6 random letters/digits: ASCII, 14 characters, fits a
    transfer purpose, not guessable from the previous order's."""
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{CODE_PREFIX}{day:%y%m%d}{tail}"


# ---------------------------------------------------------------- the transition


def _snapshot(obj) -> dict:
    return {"state": obj.state}


def _stamp(obj, target: str, at: datetime) -> list[str]:
    fields = {S.PACKED: "packed_at", S.SHIPPED: "shipped_at", S.READY_FOR_PICKUP: "shipped_at",
              S.DELIVERED: "delivered_at"} if isinstance(obj, ShopOrder) else {
        S.PAID: "paid_at", S.COMPLETED: "completed_at"}
    name = fields.get(target)
    if name is None:
        return []
    setattr(obj, name, at)
    return [name]


def _move(obj, order: Order, target: str, *, actor, note: str, at: datetime,
          details: dict | None, also: tuple[str, ...] = ()) -> None:
    current = obj.state
    if not orderflow.can_transition(current, target, payment_method=order.payment_method,
                                    fulfilment=order.fulfilment):
        raise order_error(OrderError.NOT_ALLOWED, code=order.code, state=S(current).label,
                          target=S(target).label)
    obj.state = target
    fields = ["state", "updated_at", *also, *_stamp(obj, target, at)]
    obj.save(update_fields=fields)
    is_shop = isinstance(obj, ShopOrder)
    organization = obj.shop.organization if is_shop else None
    audit.record(actor=actor, action=f"{'shop_order' if is_shop else 'order'}.{target}",
                 obj=obj, organization=organization if actor is None else None,
                 before={"state": current},
                 after={"state": target, "order": order.code, **(details or {})},
                 note=note or orderflow.TRANSITIONS[current][target])
    OrderEvent.objects.create(order=order, shop_order=obj if is_shop else None,
                              from_state=current, to_state=target,
                              actor=actor if getattr(actor, "is_authenticated", False) else None,
                              at=at, note=(note or "")[:500])


def _release_stock(order: Order) -> None:
    turned = [line.product_id for line in OrderLine.objects.filter(
        shop_order__order=order).order_by("product_id")
        if _shift_stock(line.product_id, line.quantity)]
    _refresh_cards(turned)


STOCK_PLACES = Decimal(10) ** -Product._meta.get_field("stock").decimal_places


def _shift_stock(product_id: int, change: Decimal) -> bool | None:
    """Adds ``change`` (negative: taken) to a product's stock in ONE conditional UPDATE,
    which takes a quantity only if that much is left: the statement that makes overselling
    impossible. Returns whether the product's in-stock flag (``Product.in_stock``, on its
    catalogue card) turned over, read back by the same statement; None when there was not
    enough left to take (someone bought it first)."""
    table = Product._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET stock = stock + %s WHERE id = %s "  # noqa: S608
                       "AND stock >= %s RETURNING stock, min_quantity",
                       [change, product_id, -change])
        row = cursor.fetchone()
    if row is None:
        return None
    # (SQLite keeps decimals as floating point: back to the field's places first)
    stock, minimum = (Decimal(str(value)).quantize(STOCK_PLACES) for value in row)
    return (stock >= minimum) != (stock - change >= minimum)


def _refresh_cards(turned: list[int]) -> None:
    """The catalogue card stored in the search index shows whether a product is in stock
    (``search_index.card_data``), and the stock UPDATE sends no signal: reindex the
    products whose flag it turned over. Only those: most orders leave the flag as it was,
    and a reindex would keep the product rows locked longer."""
    if turned:
        search.reindex(Product, turned)


def transition(order: Order, target: str, *, actor, shop_order: ShopOrder | None = None,
               note: str = "", at: datetime | None = None, details: dict | None = None,
               also: tuple[str, ...] = ()) -> Order:
    """The only code that changes an order's or a shop order's state (``orderflow``).

    Without ``shop_order``, ``target`` is a whole-order state: the order moves, and each of
    its shop orders that may take the same edge moves with it; leaving a state that holds
    stock for cancelled / expired / refund due puts the goods back. With ``shop_order``,
    that one seller's part moves, and the order follows its least advanced part. The caller
    holds the order's row lock; each change is an audit entry and an ``OrderEvent``."""
    at = at or timezone.now()
    if shop_order is not None:
        if target not in orderflow.SELLER_TARGETS:
            raise order_error(OrderError.SELLER_ACTION, field="state")
        _move(shop_order, order, target, actor=actor, note=note, at=at, details=details)
        states = list(order.shop_orders.values_list("state", flat=True))
        follows = orderflow.follow(states)
        if follows and orderflow.advances(order.state, follows):
            extra = ()
            if follows == S.DELIVERED and order.payment_method == PaymentMethod.CASH_ON_DELIVERY:
                order.paid_at = at  # the cash was taken at the door
                extra = ("paid_at",)
            _move(order, order, follows, actor=actor, note="", at=at, details=None, also=extra)
        return order
    if target not in orderflow.ORDER_TARGETS:
        raise order_error(OrderError.NOT_ALLOWED, code=order.code, state=S(order.state).label,
                          target=S(target).label)
    previous = order.state
    _move(order, order, target, actor=actor, note=note, at=at, details=details, also=also)
    for part in order.shop_orders.select_related("shop__organization").order_by("id"):
        if orderflow.can_transition(part.state, target, payment_method=order.payment_method,
                                    fulfilment=order.fulfilment):
            _move(part, order, target, actor=actor, note=note, at=at, details=details)
    if previous in orderflow.STOCK_HELD_STATES and target in (S.CANCELLED, S.EXPIRED,
                                                              S.REFUND_DUE):
        _release_stock(order)
    return order


def locked(order: Order) -> Order:
    return (Order.objects.select_for_update(of=("self",))
            .select_related("payee").get(pk=order.pk))


# ---------------------------------------------------------------- checkout


@dataclass(frozen=True, slots=True)
class LineRequest:
    """One line asked for: a product id and the quantity as typed ("1,5")."""

    product_id: int
    quantity: object


@dataclass(frozen=True, slots=True)
class Contact:
    buyer_name: str = ""
    buyer_phone: str = ""
    fulfilment: str = Fulfilment.DELIVERY
    commune_code: int | None = None
    address: str = ""
    pickup_hub: str = ""  # the hub's slug
    payment_method: str = PaymentMethod.VIETQR
    note: str = ""


def _text_field(value: str, field: str, max_length: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise order_invalid(OrderError.REQUIRED, field=field)
    if len(value) > max_length:
        raise order_invalid(OrderError.TOO_LONG, field=field, max=max_length)
    return check_text(value, field)


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise order_invalid(OrderError.BAD_CHOICE, field=field, choices=", ".join(choices.values))
    return value


def _commune(code) -> AdministrativeUnit:
    unit = None
    if isinstance(code, int) and not isinstance(code, bool) and 0 < code < 2**31:
        unit = AdministrativeUnit.objects.filter(
            code=code, kind__in=[AdministrativeUnit.Kind.COMMUNE, AdministrativeUnit.Kind.WARD]
        ).first()
    if unit is None:
        raise order_invalid(OrderError.UNKNOWN_COMMUNE, field="commune")
    return unit


def _hub(slug: str) -> Hub:
    hub = Hub.objects.filter(slug=(slug or "")[:80], is_active=True).first()
    if hub is None:
        raise order_invalid(OrderError.UNKNOWN_HUB, field="pickup_hub")
    return hub


def clean_contact(contact: Contact) -> dict:
    """The buyer's details, checked together: every bad field named at once."""
    c = FieldCollector()
    c.field("buyer_name", _text_field, contact.buyer_name, "buyer_name", 120, required=True)
    c.field("buyer_phone", normalize_mobile, contact.buyer_phone, "buyer_phone")
    fulfilment = c.field("fulfilment", _choice, contact.fulfilment, Fulfilment, "fulfilment")
    c.field("payment_method", _choice, contact.payment_method, PaymentMethod, "payment_method")
    c.field("note", _text_field, contact.note, "note", 500, required=False)
    if fulfilment == Fulfilment.DELIVERY:
        c.field("commune", _commune, contact.commune_code)
        c.field("address", _text_field, contact.address, "address", 255, required=True)
    elif fulfilment == Fulfilment.PICKUP:
        c.field("pickup_hub", _hub, contact.pickup_hub)
    c.raise_if_invalid()
    return c.cleaned


@dataclass(slots=True)
class CheckedLine:
    product: Product
    quantity: Decimal
    amount_vnd: int


def _product_error(code: OrderError, index: int, product: Product, field: str = "quantity",
                   **params) -> InvalidValue:
    return order_invalid(code, field=f"lines[{index}].{field}", product=product.name, **params)


def check_line(product: Product | None, raw_quantity, index: int, today) -> CheckedLine:
    """One line, checked: on sale, in season, the quantity a positive decimal on the unit's
    step from its minimum, within the stock (raises InvalidValue naming the line)."""
    if product is None or not product.is_active or not product.shop.is_active:
        name = product.name if product is not None else "#"
        raise order_invalid(OrderError.UNAVAILABLE, field=f"lines[{index}].product_id",
                            product=name)
    if not product.in_season(today.month):
        raise _product_error(OrderError.OUT_OF_SEASON, index, product, field="product_id",
                             start=product.season_start_month, end=product.season_end_month)
    try:
        quantity = parse_quantity(raw_quantity)
    except BadQuantity:
        raise _product_error(OrderError.BAD_QUANTITY, index, product) from None
    if not on_step(quantity, product.quantity_step, product.min_quantity):
        raise _product_error(OrderError.OFF_STEP, index, product,
                             minimum=QuantityText(product.min_quantity),
                             step=QuantityText(product.quantity_step), unit=UnitName(product.unit))
    if quantity > product.stock:
        raise _product_error(OrderError.OVER_STOCK, index, product,
                             stock=QuantityText(product.stock), unit=UnitName(product.unit))
    return CheckedLine(product, quantity, line_amount(product.price_vnd, quantity))


def check_lines(lines: list[LineRequest], *, today) -> list[CheckedLine]:
    if not lines:
        raise InvalidInput([order_invalid(OrderError.EMPTY_CART, field="lines")])
    if len(lines) > MAX_LINES:
        raise InvalidInput([order_invalid(OrderError.TOO_MANY_LINES, field="lines",
                                          max=MAX_LINES)])
    ids = {ln.product_id for ln in lines if isinstance(ln.product_id, int)
           and 0 < ln.product_id < 2**63}
    products = Product.objects.select_related("shop__organization", "shop__hub__payee").in_bulk(ids)
    collector = FieldCollector()
    checked, seen = [], set()
    for index, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is not None and product.pk in seen:
            product = None  # one line per product: the cart merges them
        result = collector.field(f"lines[{index}]", check_line, product, line.quantity, index,
                                 today)
        if result is not None:
            checked.append(result)
            seen.add(product.pk)
    collector.raise_if_invalid()
    return checked


def market_payee() -> PayeeAccount | None:
    code = getattr(settings, "MARKET_PAYEE_CODE", "cho-tinh-so")
    return PayeeAccount.objects.filter(code=code).first()


def payee_for(shops, *, payment_method: str) -> tuple[Hub | None, PayeeAccount | None]:
    """(hub, receiving account) of an order: the hub when every shop is its member (it
    collects when it has an account), else the market's collection account."""
    hubs = {shop.hub_id for shop in shops}
    hub = shops[0].hub if len(hubs) == 1 and shops[0].hub_id else None
    if hub is not None and not hub.is_active:
        hub = None
    if payment_method == PaymentMethod.CASH_ON_DELIVERY:
        return hub, None
    if hub is not None and hub.payee_id:
        return hub, hub.payee
    payee = market_payee()
    if payee is None:
        raise order_invalid(OrderError.NO_PAYEE, field="payment_method")
    return (None, payee)


def _take_stock(line: CheckedLine) -> bool:
    """Takes the line's quantity (``_shift_stock``); whether the in-stock flag turned."""
    turned = _shift_stock(line.product.pk, -line.quantity)
    if turned is None:
        left = Product.objects.filter(pk=line.product.pk).values_list("stock", flat=True).first()
        raise order_error(OrderError.SOLD_OUT, field="lines", product=line.product.name,
                          stock=QuantityText(left if left is not None else Decimal(0)),
                          unit=UnitName(line.product.unit))
    return turned


def _notify_sellers(order: Order, parts: list[ShopOrder]) -> None:
    from django.urls import reverse

    link = reverse("market:seller_orders")
    for part in parts:
        cod = order.payment_method == PaymentMethod.CASH_ON_DELIVERY
        vi = (f"Đơn hàng mới {order.code}: {part.lines_count} sản phẩm, "
              f"{part.items_total_vnd:,} ₫".replace(",", ".")
              + (" — thu tiền khi giao." if cod else " — chờ người mua chuyển khoản."))
        en = (f"New order {order.code}: {part.lines_count} product(s), "
              f"{part.items_total_vnd:,} VND"
              + (" — cash on delivery." if cod else " — awaiting the buyer's transfer."))
        send(Notification(recipient=part.shop.phone, kind="market.new_order", message_vi=vi,
                          message_en=en, link=link))


def place_order(*, actor, lines: list[LineRequest], contact: Contact,
                now: datetime | None = None) -> Order:
    """Check every line and the buyer's details, then in ONE transaction create the order
    split into shop orders, take the stock of each line with a conditional UPDATE, and tell
    each seller. A refused line (or a product sold out meanwhile) refuses the whole
    checkout: nothing is written, and the error names the product."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cleaned = clean_contact(contact)
    checked = check_lines(lines, today=today)
    by_shop: dict[int, list[CheckedLine]] = {}
    for line in checked:
        by_shop.setdefault(line.product.shop_id, []).append(line)
    shops = [group[0].product.shop for group in by_shop.values()]
    method = cleaned["payment_method"]
    try:
        hub, payee = payee_for(shops, payment_method=method)
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    pickup = cleaned["fulfilment"] == Fulfilment.PICKUP
    buyer = actor if getattr(actor, "is_authenticated", False) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _create(buyer=buyer, cleaned=cleaned, by_shop=by_shop, hub=hub,
                               payee=payee, pickup=pickup, now=now, actor=actor)
        except IntegrityError:
            continue  # another order drew the same code: draw again
    raise RuntimeError("could not allocate an order code")


def _create(*, buyer, cleaned, by_shop, hub, payee, pickup, now, actor) -> Order:
    items_total = sum(line.amount_vnd for group in by_shop.values() for line in group)
    fees = {}
    for shop_id, group in by_shop.items():
        subtotal = sum(line.amount_vnd for line in group)
        fees[shop_id] = 0 if pickup else group[0].product.shop.delivery_fee_for(subtotal)
    delivery_total = sum(fees.values())
    method = cleaned["payment_method"]
    order = Order.objects.create(
        code=new_code(timezone.localdate(now)), buyer=buyer,
        buyer_name=cleaned["buyer_name"], buyer_phone=cleaned["buyer_phone"],
        fulfilment=cleaned["fulfilment"], commune=cleaned.get("commune"),
        address=cleaned.get("address", ""), pickup_hub=cleaned.get("pickup_hub"), hub=hub,
        note=cleaned.get("note", ""), payment_method=method, payee=payee,
        items_total_vnd=items_total, delivery_total_vnd=delivery_total,
        total_vnd=items_total + delivery_total, state=S.PLACED, placed_at=now,
        expires_at=now + qr_ttl() if method == PaymentMethod.VIETQR else None)
    parts = []
    for shop_id, group in sorted(by_shop.items()):
        subtotal = sum(line.amount_vnd for line in group)
        part = ShopOrder.objects.create(order=order, shop=group[0].product.shop,
                                        items_total_vnd=subtotal, delivery_fee_vnd=fees[shop_id],
                                        total_vnd=subtotal + fees[shop_id], state=S.PLACED)
        OrderLine.objects.bulk_create([
            OrderLine(shop_order=part, product=line.product, product_name=line.product.name,
                      unit=line.product.unit, unit_price_vnd=line.product.price_vnd,
                      quantity=line.quantity, line_total_vnd=line.amount_vnd)
            for line in group])
        part.lines_count = len(group)
        parts.append(part)
    audit.record(actor=actor if buyer else None, action="order.placed", obj=order,
                 after={"state": S.PLACED, "total_vnd": order.total_vnd,
                        "payment_method": method, "shops": sorted(by_shop)})
    OrderEvent.objects.create(order=order, to_state=S.PLACED, actor=buyer, at=now)
    _notify_sellers(order, parts)
    # Last, so the product rows stay locked only until the commit that follows; always in
    # product order, so two checkouts never wait on each other's rows crosswise.
    lines = sorted((ln for g in by_shop.values() for ln in g), key=lambda ln: ln.product.pk)
    _refresh_cards([line.product.pk for line in lines if _take_stock(line)])
    return order


# ---------------------------------------------------------------- payment (bank webhook)


def lock_for_payment(code: str):
    """For the payments registry: the order with this code, locked, as a ``Due``."""
    from tinhso.payments.payables import Due

    order = (Order.objects.select_for_update(of=("self",)).select_related("payee")
             .filter(code=code).first())
    if order is None:
        return None
    payable = order.state == S.PLACED and order.payment_method == PaymentMethod.VIETQR
    return Due(reference=order.code, amount_vnd=order.total_vnd,
               account_number=order.payee.account_number if order.payee_id else "",
               payable=payable and order.payee_id is not None, obj=order)


def mark_paid_by_bank(due, *, bank_transaction, paid_at: datetime) -> None:
    """The exact transfer arrived (checked by payments): the order is paid, each seller
    is told to pack."""
    order: Order = due.obj
    order.bank_transaction = bank_transaction
    transition(order, S.PAID, actor=None, at=paid_at, also=("bank_transaction",),
               note=f"bank {bank_transaction.provider}:{bank_transaction.transaction_id}")
    for part in order.shop_orders.select_related("shop"):
        send(Notification(
            recipient=part.shop.phone, kind="market.order_paid",
            message_vi=f"Đơn {order.code} đã thanh toán: hãy đóng gói.",
            message_en=f"Order {order.code} is paid: please pack it."))


def register_payable() -> None:
    from tinhso.payments import payables

    payables.register(payables.PayableKind(name="market_order", pattern=CODE_RE,
                                           lock=lock_for_payment, mark_paid=mark_paid_by_bank))


# ---------------------------------------------------------------- expiry and completion


def expire_unpaid(*, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Unpaid VietQR orders past their time expire and give their stock back. Each in its
    own transaction under the order's lock, re-checked there: safe with several workers at
    once (a locked order is skipped by the others) and when run twice; an order the bank
    pays at the same moment is either paid or expired, never both (a late transfer lands
    in the reconciliation list)."""
    now = now or timezone.now()
    due = list(Order.objects.filter(state=S.PLACED, payment_method=PaymentMethod.VIETQR,
                                    expires_at__lte=now)
               .order_by("expires_at").values_list("pk", flat=True)[:limit])
    expired = []
    for pk in due:
        with transaction.atomic():
            order = (Order.objects.select_for_update(of=("self",), skip_locked=True)
                     .filter(pk=pk, state=S.PLACED, expires_at__lte=now).first())
            if order is None:
                continue
            transition(order, S.EXPIRED, actor=None, at=now)
            expired.append(order.code)
    return expired


def complete_delivered(*, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Orders delivered more than ``MARKET_COMPLETE_AFTER_DAYS`` ago complete."""
    now = now or timezone.now()
    before = now - complete_after()
    due = list(Order.objects.filter(state=S.DELIVERED)
               .exclude(shop_orders__delivered_at__gt=before)
               .values_list("pk", flat=True)[:limit])
    done = []
    for pk in due:
        with transaction.atomic():
            order = (Order.objects.select_for_update(of=("self",), skip_locked=True)
                     .filter(pk=pk, state=S.DELIVERED).first())
            if order is None:
                continue
            transition(order, S.COMPLETED, actor=None, at=now)
            done.append(order.code)
    return done


# ---------------------------------------------------------------- people's actions


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(
        organizations_with_role(user, {Role.SYSTEM_ADMIN}))


def _hub_staff(user, order: Order, roles) -> bool:
    orgs = organizations_with_role(user, roles)
    hubs = {h.organization_id for h in (order.hub, order.pickup_hub) if h is not None}
    return bool(orgs & hubs)


def can_handle(user, part: ShopOrder) -> bool:
    """The seller of this shop order, its hub's manager, or the administrator."""
    if _is_admin(user):
        return True
    if has_perm(user, "market.sell", part.shop.organization_id):
        return True
    hub_org = part.shop.hub.organization_id if part.shop.hub_id else None
    return hub_org is not None and has_perm(user, "market.hub_orders", hub_org)


def advance_shop_order(*, actor, shop_order: ShopOrder, target: str,
                       now: datetime | None = None) -> ShopOrder:
    """A seller marks its part packed, shipped / ready for pickup, or delivered."""
    if not can_handle(actor, shop_order):
        raise core_error(CoreError.NOT_FOUND)
    if target not in orderflow.SELLER_TARGETS:
        raise order_error(OrderError.SELLER_ACTION, field="state")
    with transaction.atomic():
        order = locked(shop_order.order)
        part = (ShopOrder.objects.select_for_update(of=("self",))
                .select_related("shop__organization", "shop__hub").get(pk=shop_order.pk))
        transition(order, target, actor=actor, shop_order=part, at=now)
    return part


def can_cancel(user, order: Order, *, guest_link: bool = False) -> bool:
    """The buyer before any payment (and before the goods left, for cash on delivery);
    the hub's staff and the administrator at any point before the goods left.

    ``guest_link``: the visitor holds the order's link (the code kept in this browser's
    session at checkout or by tracking it with the code and mobile number, or the signed
    link of the confirmation page, ``order_link_token``). It makes the visitor the buyer
    of an order placed as a guest, never of one placed with an account."""
    if order.state not in orderflow.STOCK_HELD_STATES or order.shop_orders.exclude(
            state__in=orderflow.STOCK_HELD_STATES).exists():
        return False  # some goods already left: that part is delivered, not cancelled
    if _is_admin(user) or _hub_staff(user, order, {Role.HUB_MANAGER, Role.HUB_ACCOUNTANT}):
        return True
    is_buyer = (getattr(user, "is_authenticated", False) and order.buyer_id == user.pk) or (
        guest_link and order.buyer_id is None)
    return is_buyer and order.state in (S.PLACED,) + (
        (S.PACKED,) if order.payment_method == PaymentMethod.CASH_ON_DELIVERY else ())


def order_link_token(code: str) -> str:
    """The secret part of a guest's private link to the order (``?t=…``): an HMAC of the
    code with the site's key, so it cannot be made from the code alone."""
    return signing.Signer(salt="tinhso.market.order-link").signature(code)


def holds_link(code: str, token: str) -> bool:
    return bool(token) and constant_time_compare(order_link_token(code), token[:100])


def cancel_order(*, actor, order: Order, reason: str, note: str = "",
                 now: datetime | None = None, guest_link: bool = False) -> Order:
    """Cancel an order whose goods have not left, with a reason (``CancelReason``; "other"
    needs a note). Unpaid, it is cancelled; paid by transfer, it owes a refund
    (``refund_due``). Either way the stock comes back. ``guest_link``: see
    ``can_cancel`` (a guest cancelling the order it holds the link of)."""
    if not can_cancel(actor, order, guest_link=guest_link):
        if order.state not in orderflow.STOCK_HELD_STATES or order.shop_orders.exclude(
                state__in=orderflow.STOCK_HELD_STATES).exists():
            raise order_error(OrderError.NOT_ALLOWED, code=order.code,
                              state=S(order.state).label, target=S.CANCELLED.label)
        raise PermissionDenied("market.cancel")
    reason, note = clean_reason(CancelReason, reason, note)
    with transaction.atomic():
        order = locked(order)
        target = S.REFUND_DUE if order.state in (S.PAID,) or (
            order.state == S.PACKED and order.payment_method == PaymentMethod.VIETQR
        ) else S.CANCELLED
        order.cancel_reason, order.cancel_note = reason, note
        signed_in = getattr(actor, "is_authenticated", False)
        details = {"reason": reason} if signed_in else {"reason": reason, "by": "guest"}
        transition(order, target, actor=actor if signed_in else None, at=now,
                   also=("cancel_reason", "cancel_note"), details=details,
                   note=reason_text(CancelReason, reason, note, "en"))
    return order


def can_refund(user, order: Order) -> bool:
    """The hub's accountant for a hub order, the administrator for any order."""
    if _is_admin(user):
        return True
    return order.hub_id is not None and has_perm(user, "market.refund",
                                                 order.hub.organization_id)


REFUND_KIND = "market_order"


def refund_order(*, actor, order: Order, account, now: datetime | None = None):
    """The hub's accountant (or the administrator) pays a cancelled paid order back: a
    ``payments.refunds`` transfer order of the order's total to the buyer's account
    (``account``: a ``refunds.BankAccount`` the buyer gave), sent to the bank at once
    (requested → sent). The order becomes ``refunded`` when the bank confirms the
    transfer (``_refund_confirmed``); a failed transfer leaves it ``refund_due`` for a new
    request. Asking again while one is open returns it: never paid twice."""
    from tinhso.payments import refunds

    if not can_refund(actor, order):
        raise PermissionDenied("market.refund")
    if order.state != S.REFUND_DUE:
        raise order_error(OrderError.NOT_ALLOWED, code=order.code, state=S(order.state).label,
                          target=S.REFUNDED.label)
    refund = refunds.request_refund(
        actor=actor, kind=REFUND_KIND, source_reference=order.code, amount_vnd=order.total_vnd,
        account=account, purpose=f"HOAN TIEN {order.code}", now=now,
        organization=order.hub.organization if order.hub_id else None)
    return refunds.send(refund, actor=actor, now=now)


def refunds_of(order: Order):
    from tinhso.payments.models import RefundRequest

    return RefundRequest.objects.filter(kind=REFUND_KIND, source_reference=order.code)


def _refund_confirmed(refund, *, at: datetime) -> None:
    """The bank confirmed the transfer back to the buyer: the order is refunded (inside
    the transaction recording the bank's answer)."""
    order = (Order.objects.select_for_update(of=("self",)).select_related("payee")
             .filter(code=refund.source_reference).first())
    if order is None or order.state != S.REFUND_DUE:
        return
    transition(order, S.REFUNDED, actor=None, at=at, details={"refund": refund.reference},
               note=f"refund {refund.reference} confirmed by the bank ({refund.bank_reference})")


def register_refund_kind() -> None:
    from tinhso.payments import refunds

    # A failed transfer leaves the order refund_due: the order page shows the bank's
    # reason to the accountant, who asks again with the right account.
    refunds.register(refunds.RefundKind(name=REFUND_KIND, confirmed=_refund_confirmed))


def confirm_received(*, actor, order: Order, now: datetime | None = None) -> Order:
    """The buyer confirms the goods arrived: the delivered order completes."""
    if not (getattr(actor, "is_authenticated", False) and order.buyer_id == actor.pk):
        raise core_error(CoreError.NOT_FOUND)
    with transaction.atomic():
        order = locked(order)
        transition(order, S.COMPLETED, actor=actor, at=now)
    return order
