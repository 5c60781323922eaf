"""The buyer's cart: a guest's (found by a token kept in the session) or a user's (one per
user; a guest cart is merged into it at the first visit after logging in). Quantities are
checked as they are added (on sale, on the unit's step, within stock) and again, for
good, at checkout (``services.orders.place_order``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tinhso.core.errors import InvalidInput
from tinhso.core.validators import InvalidValue
from tinhso.market.models import Cart, CartLine, Product
from tinhso.market.order_errors import OrderError, order_invalid
from tinhso.market.services.orders import MAX_LINES, LineRequest, check_line
from tinhso.market.units import line_amount

SESSION_KEY = "market_cart"


def cart_for(request, *, create: bool = False) -> Cart | None:
    """The cart of this visitor: the user's, else the session's guest cart."""
    user = request.user
    token = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    guest = Cart.objects.filter(token=token, user=None).first() if token else None
    if getattr(user, "is_authenticated", False):
        cart = Cart.objects.filter(user=user).first()
        if cart is None and (create or guest is not None):
            cart, _ = Cart.objects.get_or_create(user=user)
        if guest is not None and cart is not None:
            merge(guest, into=cart)
            request.session.pop(SESSION_KEY, None)
        return cart
    if guest is None and create:
        guest = Cart.objects.create()
        request.session[SESSION_KEY] = guest.token
    return guest


def merge(guest: Cart, *, into: Cart) -> None:
    """A guest cart's lines join the user's cart (a product in both keeps the larger
    quantity); the guest cart is deleted."""
    with transaction.atomic():
        mine = {line.product_id: line for line in into.lines.all()}
        for line in guest.lines.all():
            existing = mine.get(line.product_id)
            if existing is None:
                CartLine.objects.create(cart=into, product_id=line.product_id,
                                        quantity=line.quantity)
            elif line.quantity > existing.quantity:
                existing.quantity = line.quantity
                existing.save(update_fields=["quantity"])
        guest.delete()


def _checked(product: Product | None, quantity) -> Decimal:
    try:
        return check_line(product, quantity, 0, timezone.localdate()).quantity
    except InvalidValue as error:
        error.field = error.field.replace("lines[0].", "")
        raise InvalidInput([error]) from None


def add(cart: Cart, *, product_id: int, quantity, replace: bool = False) -> CartLine:
    """Put ``quantity`` of a product in the cart (added to what is there, or replacing it
    with ``replace``); refused with the field named if it is not a quantity one can buy."""
    product = (Product.objects.select_related("shop").filter(pk=product_id).first()
               if isinstance(product_id, int) and 0 < product_id < 2**63 else None)
    with transaction.atomic():
        line = (CartLine.objects.select_for_update().filter(cart=cart, product_id=product_id)
                .first() if product is not None else None)
        wanted = _checked(product, quantity)
        if line is not None and not replace:
            wanted = _checked(product, line.quantity + wanted)
        if line is None:
            if cart.lines.count() >= MAX_LINES:
                raise InvalidInput([order_invalid(OrderError.TOO_MANY_LINES, field="product_id",
                                                  max=MAX_LINES)])
            line = CartLine.objects.create(cart=cart, product=product, quantity=wanted)
        else:
            line.quantity = wanted
            line.save(update_fields=["quantity"])
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def remove(cart: Cart, *, product_id: int) -> None:
    CartLine.objects.filter(cart=cart, product_id=product_id).delete()


def clear(cart: Cart) -> None:
    cart.lines.all().delete()


def line_requests(cart: Cart) -> list[LineRequest]:
    return [LineRequest(product_id=line.product_id, quantity=line.quantity)
            for line in cart.lines.order_by("added_at", "id")]


@dataclass
class ShopGroup:
    shop: object
    lines: list = field(default_factory=list)
    items_total_vnd: int = 0
    delivery_fee_vnd: int = 0


@dataclass
class CartSummary:
    groups: list[ShopGroup]
    items_total_vnd: int
    delivery_total_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.items_total_vnd + self.delivery_total_vnd

    @property
    def is_empty(self) -> bool:
        return not self.groups


def summary(cart: Cart | None) -> CartSummary:
    """The cart grouped by shop, with each line's amount and each shop's delivery fee (for
    a delivery; a pickup at a hub has none)."""
    groups: dict[int, ShopGroup] = {}
    if cart is not None:
        for line in (cart.lines.select_related("product__shop")
                     .order_by("product__shop__name", "added_at", "id")):
            product = line.product
            group = groups.setdefault(product.shop_id, ShopGroup(product.shop))
            amount = line_amount(product.price_vnd, line.quantity)
            group.lines.append({"line": line, "product": product, "amount_vnd": amount})
            group.items_total_vnd += amount
    for group in groups.values():
        group.delivery_fee_vnd = group.shop.delivery_fee_for(group.items_total_vnd)
    return CartSummary(list(groups.values()),
                       sum(g.items_total_vnd for g in groups.values()),
                       sum(g.delivery_fee_vnd for g in groups.values()))


def checkout(*, actor, cart: Cart, contact, now=None):
    """Place the order of everything in the cart (``orders.place_order``) and empty the
    cart, in one transaction: a refused checkout leaves the cart as it was."""
    from tinhso.market.services.orders import place_order

    with transaction.atomic():
        order = place_order(actor=actor, lines=line_requests(cart), contact=contact, now=now)
        clear(cart)
    return order
