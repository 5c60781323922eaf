"""Digital stores: households' shops, cooperative hubs, and the products they sell.

A shop belongs to one household (an ``accounts.Organization`` of kind household whose
members hold the ``shop_owner`` role); a hub to one cooperative or commune hub (role
``hub_manager`` / ``hub_accountant``). Orders, payouts, reviews and the commune KPIs live
beside these in later migrations.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.constraints import moment_in_window
from tinhso.market.units import UNITS

QUANTITY = {"max_digits": 12, "decimal_places": 3}


class BankAccountFields(models.Model):
    """Where money is paid out to (VietQR beneficiary): the bank by its NAPAS BIN."""

    bank_bin = models.CharField(_("bank BIN (NAPAS)"), max_length=6, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    account_number = models.CharField(_("account number"), max_length=19, blank=True)
    account_name = models.CharField(_("account holder"), max_length=120, blank=True)

    class Meta:
        abstract = True

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_bin and self.account_number)


class Hub(BankAccountFields):
    """A cooperative (HTX) or commune hub: one storefront for its member households, one
    payment for a multi-seller order, a commission on each member's lines."""

    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("Cooperative")
        COMMUNE_HUB = "commune_hub", _("Commune hub")

    organization = models.OneToOneField("accounts.Organization", on_delete=models.PROTECT,
                                        related_name="market_hub")
    slug = models.SlugField(_("address on the web"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.COOPERATIVE)
    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=10, blank=True)
    pickup_hours = models.CharField(_("pickup hours"), max_length=120, blank=True)
    # Basis points of each member's lines (500 = 5 %); see services.hubs for the remainder.
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"), default=0)
    payee = models.ForeignKey("payments.PayeeAccount", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("receiving account"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(commission_bp__lte=10000),
                                              name="hub_commission_at_most_100pct")]

    def __str__(self) -> str:
        return self.name


class Shop(BankAccountFields):
    """A household's digital store, with its public page at ``/cho/<slug>/``."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.PROTECT,
                                        related_name="market_shop")
    slug = models.SlugField(_("address on the web"), max_length=80, unique=True)
    name = models.CharField(_("shop name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("mobile number"), max_length=10)
    phone_verified_at = models.DateTimeField(_("mobile number verified at"), null=True,
                                             blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    hub = models.ForeignKey(Hub, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="members", verbose_name=_("hub"))
    # A commune officer may open a shop for a household that has no smartphone.
    opened_by_officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("opened on behalf by"))
    delivery_fee_vnd = models.PositiveIntegerField(_("delivery fee (VND)"), default=0)
    free_delivery_from_vnd = models.PositiveBigIntegerField(
        _("free delivery from (VND)"), null=True, blank=True)
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        indexes = [models.Index(fields=["commune", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def delivery_fee_for(self, items_total_vnd: int) -> int:
        """The shop's flat delivery fee, waived from its free-delivery amount."""
        if self.free_delivery_from_vnd is not None and items_total_vnd >= \
                self.free_delivery_from_vnd:
            return 0
        return self.delivery_fee_vnd


class Category(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product sold per ``unit`` at ``price_vnd`` per unit, bought in ``quantity_step``
    steps from ``min_quantity``; ``stock`` is in the same unit and never negative (the
    database checks it; orders decrement it with a conditional UPDATE)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="products",
                             verbose_name=_("shop"))
    slug = models.SlugField(_("address on the web"), max_length=120)
    name = models.CharField(_("product name"), max_length=160)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    description = models.TextField(_("description"), blank=True, max_length=5000)
    unit = models.CharField(_("unit"), max_length=10,
                            choices=[(code, names[0]) for code, names in UNITS.items()])
    price_vnd = models.PositiveBigIntegerField(_("price per unit (VND)"))
    quantity_step = models.DecimalField(_("quantity step"), default=Decimal(1), **QUANTITY)
    min_quantity = models.DecimalField(_("minimum quantity"), default=Decimal(1), **QUANTITY)
    stock = models.DecimalField(_("stock"), default=Decimal(0), **QUANTITY)
    # Months 1–12; both empty = all year; start > end wraps the new year (Nov–Feb).
    season_start_month = models.PositiveSmallIntegerField(_("season from (month)"), null=True,
                                                          blank=True)
    season_end_month = models.PositiveSmallIntegerField(_("season to (month)"), null=True,
                                                        blank=True)
    origin_commune = models.ForeignKey("core.AdministrativeUnit", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("origin commune"))
    is_specialty = models.BooleanField(_("Lạng Sơn speciality"), default=False)
    ocop_stars = models.PositiveSmallIntegerField(_("OCOP stars"), null=True, blank=True)
    ocop_certificate_no = models.CharField(_("OCOP certificate number"), max_length=60,
                                           blank=True)
    ocop_decision = models.CharField(_("OCOP issuing decision"), max_length=120, blank=True)
    ocop_issued_on = models.DateField(_("OCOP issued on"), null=True, blank=True)
    ocop_expires_on = models.DateField(_("OCOP valid until"), null=True, blank=True)
    # The expiry date the seller was last reminded of (one reminder per certificate).
    ocop_reminded_for = models.DateField(_("OCOP expiry reminded"), null=True, blank=True,
                                         editable=False)
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_active", "category"]),
                   models.Index(fields=["is_active", "price_vnd"]),
                   # The catalogue's price and name sorts walk these and stop at the page
                   # (each row checked in the search index by its primary key).
                   models.Index(fields=["price_vnd", "id"], name="market_product_price_id"),
                   models.Index(fields=["name", "id"], name="market_product_name_id"),
                   # The catalogue's OCOP filter (a certificate valid today) reads only
                   # the certified products.
                   models.Index(fields=["ocop_expires_on", "ocop_issued_on"],
                                condition=Q(ocop_stars__isnull=False),
                                name="market_product_ocop_valid")]
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="product_slug_per_shop"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(quantity_step__gt=0), name="product_step_pos"),
            models.CheckConstraint(condition=Q(min_quantity__gt=0), name="product_min_pos"),
            models.CheckConstraint(condition=Q(price_vnd__gt=0), name="product_price_pos"),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=3, ocop_stars__lte=5),
                name="product_ocop_stars_3_to_5"),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True)
                | (Q(ocop_issued_on__isnull=False) & Q(ocop_expires_on__isnull=False)
                   & Q(ocop_expires_on__gt=F("ocop_issued_on"))),
                name="product_ocop_dated"),
            models.CheckConstraint(
                condition=(Q(season_start_month__isnull=True) & Q(season_end_month__isnull=True))
                | (Q(season_start_month__gte=1, season_start_month__lte=12)
                   & Q(season_end_month__gte=1, season_end_month__lte=12)),
                name="product_season_months"),
        ]

    def __str__(self) -> str:
        return self.name

    def ocop_valid_on(self, day: date) -> bool:
        """The OCOP badge shows only while the certificate is valid."""
        return bool(self.ocop_stars and self.ocop_issued_on and self.ocop_expires_on
                    and self.ocop_issued_on <= day <= self.ocop_expires_on)

    def in_season(self, month: int) -> bool:
        return season_includes(self.season_start_month, self.season_end_month, month)

    @property
    def in_stock(self) -> bool:
        """Enough left for the smallest order a buyer may place."""
        return self.stock >= self.min_quantity


def season_includes(start: int | None, end: int | None, month: int) -> bool:
    """Whether ``month`` is in the season from ``start`` to ``end`` (which may wrap
    round the new year); no season: always."""
    if start is None or end is None:
        return True
    return start <= month <= end if start <= end else month >= start or month <= end


class ProductPhoto(models.Model):
    """A product photo as stored by ``core.files`` (checked by content, EXIF stripped):
    the original and its thumbnails, by storage name."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    original = models.CharField(_("photo"), max_length=255)
    thumbnail = models.CharField(_("thumbnail"), max_length=255, blank=True)
    large = models.CharField(_("large image"), max_length=255, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["product", "position", "id"]

    def __str__(self) -> str:
        return self.original


# ---------------------------------------------------------------- carts and orders
#
# A buyer's cart may hold products of several shops. Checkout turns it into one ``Order``
# (what the buyer pays, under one code) split into one ``ShopOrder`` per shop (what each
# seller packs), each with its ``OrderLine``s priced and named as they were when bought.
# How the order's state and its shop orders' states move together: ``market/orderflow.py``.


def new_cart_token() -> str:
    return secrets.token_urlsafe(24)


class Cart(models.Model):
    """A guest's cart (found by the token kept in the session) or a user's (one each)."""

    token = models.CharField(max_length=43, unique=True, default=new_cart_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="market_carts")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(user__isnull=False),
                                               name="one_cart_per_user")]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class OrderState(models.TextChoices):
    PLACED = "placed", _("Placed, awaiting payment")
    PAID = "paid", _("Paid")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired (not paid in time)")
    REFUND_DUE = "refund_due", _("Cancelled, refund due")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    VIETQR = "vietqr", _("Bank transfer by VietQR")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", _("Delivery to an address")
    PICKUP = "pickup", _("Pickup at a hub")


class CancelReason(models.TextChoices):
    BUYER_REQUEST = "buyer_request", _("The buyer asked to cancel")
    OUT_OF_STOCK = "out_of_stock", _("The goods are no longer available")
    CANNOT_DELIVER = "cannot_deliver", _("Cannot deliver to this address")
    PAYMENT_PROBLEM = "payment_problem", _("Problem with the payment")
    OTHER = "other", _("Other reason")


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one row-level rule for orders: see :mod:`tinhso.market.order_access`."""
        from tinhso.market.order_access import order_filter_for

        return self.filter(order_filter_for(user))


class Order(models.Model):
    """What the buyer pays: one ASCII ``code`` (also the transfer purpose of its VietQR),
    ``total_vnd = items_total_vnd + delivery_total_vnd`` (checked by the database). Paid
    by VietQR into ``payee`` (the hub's account for a hub order, else the market's
    collection account: ``services.orders.payee_for``), or in cash on delivery."""

    code = models.CharField(_("order code"), max_length=20, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="market_orders",
                              verbose_name=_("buyer"))
    buyer_name = models.CharField(_("buyer's name"), max_length=120)
    buyer_phone = models.CharField(_("buyer's mobile number"), max_length=10)
    fulfilment = models.CharField(_("delivery"), max_length=10, choices=Fulfilment.choices)
    commune = models.ForeignKey("core.AdministrativeUnit", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    pickup_hub = models.ForeignKey(Hub, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="pickup_orders", verbose_name=_("pickup hub"))
    # The hub that receives the money (every shop of the order is its member), or none.
    hub = models.ForeignKey(Hub, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="orders", verbose_name=_("hub"))
    note = models.CharField(_("note for the seller"), max_length=500, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=10,
                                      choices=PaymentMethod.choices)
    payee = models.ForeignKey("payments.PayeeAccount", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("receiving account"))
    items_total_vnd = models.PositiveBigIntegerField(_("goods (VND)"))
    delivery_total_vnd = models.PositiveBigIntegerField(_("delivery (VND)"), default=0)
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"))
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices,
                             default=OrderState.PLACED)
    placed_at = models.DateTimeField(_("placed at"))
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    bank_transaction = models.ForeignKey("payments.BankTransaction", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("bank transaction"))
    cancel_reason = models.CharField(_("reason"), max_length=20, choices=CancelReason.choices,
                                     blank=True)
    cancel_note = models.TextField(_("note"), blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"]),
                   models.Index(fields=["buyer", "placed_at"]),
                   models.Index(fields=["buyer_phone"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_vnd=F("items_total_vnd") + F("delivery_total_vnd")),
                name="order_total_is_items_plus_delivery"),
            models.CheckConstraint(condition=Q(items_total_vnd__gt=0),
                                   name="order_items_total_pos"),
            models.CheckConstraint(
                condition=Q(fulfilment="pickup", pickup_hub__isnull=False)
                | Q(fulfilment="delivery", commune__isnull=False) & ~Q(address=""),
                name="order_delivery_or_pickup"),
            models.CheckConstraint(
                condition=Q(payment_method="cod") | Q(payee__isnull=False),
                name="order_transfer_has_payee"),
            models.CheckConstraint(
                condition=Q(payment_method="cod")
                | Q(state__in=["placed", "cancelled", "expired"]) | Q(paid_at__isnull=False),
                name="order_transfer_paid_at"),
            moment_in_window("placed_at", "order_placed_at_in_window"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def transfer_purpose(self) -> str:
        """What the buyer's bank app fills in (ASCII, ≤ 25 characters)."""
        return f"{self.code} MUA HANG"


class ShopOrder(models.Model):
    """What one seller packs for an order: its lines, its delivery fee by the shop's rule
    (``Shop.delivery_fee_for``; none for a pickup at a hub). ``commission_vnd`` and
    ``payout_vnd`` are filled when the hub or the market pays the seller out."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shop_orders")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("shop"))
    items_total_vnd = models.PositiveBigIntegerField(_("goods (VND)"))
    delivery_fee_vnd = models.PositiveBigIntegerField(_("delivery (VND)"), default=0)
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"))
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices,
                             default=OrderState.PLACED)
    commission_vnd = models.PositiveBigIntegerField(_("commission (VND)"), default=0)
    payout_vnd = models.PositiveBigIntegerField(_("payout (VND)"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["shop", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["order", "shop"], name="one_shop_order_per_shop"),
            models.CheckConstraint(
                condition=Q(total_vnd=F("items_total_vnd") + F("delivery_fee_vnd")),
                name="shop_order_total_is_items_plus_delivery"),
            models.CheckConstraint(condition=Q(items_total_vnd__gt=0),
                                   name="shop_order_items_total_pos"),
            models.CheckConstraint(condition=Q(payout_vnd__isnull=True)
                                   | Q(payout_vnd__lte=F("total_vnd")),
                                   name="shop_order_payout_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.shop_id}"


class OrderLine(models.Model):
    """One product bought: name, unit and unit price as they were, the decimal quantity,
    and the line's amount in whole đồng (``units.line_amount``)."""

    shop_order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines",
                                verbose_name=_("product"))
    product_name = models.CharField(_("product name"), max_length=160)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price_vnd = models.PositiveBigIntegerField(_("price per unit (VND)"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    line_total_vnd = models.PositiveBigIntegerField(_("amount (VND)"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["shop_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop_order", "product"],
                                    name="order_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"


class OrderEvent(models.Model):
    """The order's history as the buyer and the sellers read it: one row per state change
    of the order or of one of its shop orders (the audit log keeps the same, for the
    back office)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    shop_order = models.ForeignKey(ShopOrder, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="events")
    from_state = models.CharField(max_length=20, choices=OrderState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=OrderState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_state} → {self.to_state}"


# ---------------------------------------------------------------- payouts, reviews, KPIs
#
# How a paid order's money is split between the members and the hub (or the market): the
# pure rule is ``market/payouts.py``; statements per period are written by
# ``services.hubs``. Reviews: ``services.reviews``. Commune KPIs: ``services.kpis``.


class PayoutState(models.TextChoices):
    DUE = "due", _("Due")
    PAID = "paid", _("Paid out")


class PayoutStatement(models.Model):
    """What one payer owes one shop for one period: the hub that received the buyers'
    money (``hub``), or the market's collection account (``hub`` empty, no commission).
    Its lines are the completed shop orders of the period, each in one statement only."""

    code = models.CharField(_("statement code"), max_length=25, unique=True)
    hub = models.ForeignKey(Hub, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="payout_statements", verbose_name=_("hub"))
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="payout_statements",
                             verbose_name=_("shop"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    items_total_vnd = models.PositiveBigIntegerField(_("goods (VND)"), default=0)
    delivery_total_vnd = models.PositiveBigIntegerField(_("delivery (VND)"), default=0)
    commission_vnd = models.PositiveBigIntegerField(_("commission (VND)"), default=0)
    amount_vnd = models.PositiveBigIntegerField(_("payout (VND)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=PayoutState.choices,
                             default=PayoutState.DUE)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("marked paid by"))
    paid_reference = models.CharField(_("transfer reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("payout statement")
        verbose_name_plural = _("payout statements")
        ordering = ["-period_start", "shop__name", "id"]
        indexes = [models.Index(fields=["hub", "period_start"]),
                   models.Index(fields=["shop", "period_start"])]
        constraints = [
            models.UniqueConstraint(fields=["hub", "shop", "period_start", "period_end"],
                                    condition=Q(hub__isnull=False),
                                    name="payout_statement_per_hub_shop_period"),
            models.UniqueConstraint(fields=["shop", "period_start", "period_end"],
                                    condition=Q(hub__isnull=True),
                                    name="payout_statement_per_market_shop_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="payout_period_ordered"),
            models.CheckConstraint(
                condition=Q(amount_vnd=F("items_total_vnd") + F("delivery_total_vnd")
                            - F("commission_vnd")),
                name="payout_amount_is_total_minus_commission"),
            models.CheckConstraint(
                condition=Q(state="due", paid_at__isnull=True)
                | Q(state="paid", paid_at__isnull=False),
                name="payout_paid_has_moment"),
            moment_in_window("created_at", "payout_created_at_in_window"),
        ]

    def __str__(self) -> str:
        return self.code


class PayoutLine(models.Model):
    """One completed shop order in a statement, with its split as computed then. A shop
    order is paid out once: the unique key on ``shop_order`` forbids a second statement."""

    statement = models.ForeignKey(PayoutStatement, on_delete=models.CASCADE,
                                  related_name="lines")
    shop_order = models.OneToOneField(ShopOrder, on_delete=models.PROTECT,
                                      related_name="payout_line")
    order_code = models.CharField(_("order code"), max_length=20)
    items_total_vnd = models.PositiveBigIntegerField(_("goods (VND)"))
    delivery_fee_vnd = models.PositiveBigIntegerField(_("delivery (VND)"))
    commission_vnd = models.PositiveBigIntegerField(_("commission (VND)"))
    payout_vnd = models.PositiveBigIntegerField(_("payout (VND)"))

    class Meta:
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        ordering = ["statement", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(payout_vnd=F("items_total_vnd") + F("delivery_fee_vnd")
                        - F("commission_vnd")),
            name="payout_line_is_total_minus_commission")]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.order_code}"


class HideReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive or insulting language")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    ADVERTISING = "advertising", _("Advertising or spam")
    OFF_TOPIC = "off_topic", _("Not about the product")
    OTHER = "other", _("Other reason")


class ReviewQuerySet(models.QuerySet):
    def shown(self):
        """What product pages and averages count: reviews no moderator hid."""
        return self.filter(hidden_at__isnull=True)


class Review(models.Model):
    """A buyer's review of a product they received: one per order line. The seller may
    reply once; a moderator may hide it with a reason (it then disappears from the
    product's page and average, and stays here for the record)."""

    order_line = models.OneToOneField(OrderLine, on_delete=models.PROTECT,
                                      related_name="review", verbose_name=_("order line"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reviews",
                                verbose_name=_("product"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="market_reviews", verbose_name=_("author"))
    author_name = models.CharField(_("shown name"), max_length=120)
    stars = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("written at"))
    reply = models.TextField(_("seller's reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("replied by"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("hidden by"))
    hidden_reason = models.CharField(_("reason"), max_length=20, choices=HideReason.choices,
                                     blank=True)
    hidden_note = models.CharField(_("note"), max_length=1000, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "hidden_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5),
                                   name="review_stars_1_to_5"),
            models.CheckConstraint(condition=Q(replied_at__isnull=True) | ~Q(reply=""),
                                   name="review_reply_has_text"),
            models.CheckConstraint(condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                                   name="review_hidden_has_reason"),
            moment_in_window("created_at", "review_created_at_in_window"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.stars}★"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommuneOffice(models.Model):
    """Which commune an organisation governs (its people's committee): its commune
    officers read that commune's KPIs."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE,
                                        related_name="market_commune_office",
                                        verbose_name=_("organisation"))
    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("commune"))

    class Meta:
        verbose_name = _("commune office")
        verbose_name_plural = _("commune offices")

    def __str__(self) -> str:
        return f"{self.organization} → {self.commune}"


class HouseholdCount(models.Model):
    """How many households a commune has in a year, as an administrator entered it from a
    named source (statistics office, commune report): the denominator of the KPIs."""

    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("commune"))
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households"))
    source = models.CharField(_("source"), max_length=255)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("household count")
        verbose_name_plural = _("household counts")
        ordering = ["commune", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"],
                                    name="household_count_per_commune_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2099),
                                   name="household_count_year_range"),
            models.CheckConstraint(condition=Q(households__gt=0),
                                   name="household_count_positive"),
            models.CheckConstraint(condition=~Q(source=""), name="household_count_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.year}: {self.households}"


class KpiTarget(models.Model):
    """The province's target for a year: the share of households with a digital store
    and with an electronic payment account (50 % by 2025, 80 % by 2030)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    shop_pct = models.PositiveSmallIntegerField(_("households with a shop (%)"))
    payment_account_pct = models.PositiveSmallIntegerField(
        _("households with a payment account (%)"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2099),
                                   name="kpi_target_year_range"),
            models.CheckConstraint(condition=Q(shop_pct__lte=100, payment_account_pct__lte=100),
                                   name="kpi_target_pct_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.shop_pct} % / {self.payment_account_pct} %"
