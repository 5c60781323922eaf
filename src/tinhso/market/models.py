"""Digital stores: households' shops, cooperative hubs, and the products they sell.

A shop belongs to one household (an ``accounts.Organization`` of kind household whose
members hold the ``shop_owner`` role); a hub to one cooperative or commune hub (role
``hub_manager`` / ``hub_accountant``). Orders, payouts, reviews and the commune KPIs live
beside these in later migrations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_active", "category"]),
                   models.Index(fields=["is_active", "price_vnd"])]
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
        start, end = self.season_start_month, self.season_end_month
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
