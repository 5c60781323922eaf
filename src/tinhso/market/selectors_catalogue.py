"""Reads of the public catalogue: what is on sale, searched, filtered, sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from tinhso.core import search
from tinhso.market.models import Category, Product, ProductPhoto, Shop

SORTS = {
    # code -> ORM ordering; "relevance" keeps the search rank (newest first without a query)
    "relevance": None,
    "price_asc": ("price_vnd", "pk"),
    "price_desc": ("-price_vnd", "pk"),
    "newest": ("-created_at", "-pk"),
    "name": ("name", "pk"),
}


@dataclass(frozen=True)
class CatalogueFilter:
    q: str = ""
    category: str = ""  # category slug
    commune: int | None = None  # AdministrativeUnit code: the shop's or the product's origin
    ocop_min_stars: int | None = None  # 3..5: only with a certificate valid today
    price_min: int | None = None
    price_max: int | None = None
    specialty: bool = False
    sort: str = "relevance"


def on_sale() -> QuerySet[Product]:
    """Products anyone may see: on sale, in an open shop."""
    return Product.objects.filter(is_active=True, shop__is_active=True)


def valid_ocop(today: date) -> Q:
    return Q(ocop_stars__isnull=False, ocop_issued_on__lte=today, ocop_expires_on__gte=today)


def catalogue(filters: CatalogueFilter, *, today: date) -> QuerySet[Product]:
    """The catalogue page and ``GET /api/v1/market/products``: searched in the database
    (accent-insensitive, ``core.search``), filtered, sorted; the first photo prefetched."""
    products = on_sale()
    if filters.category:
        products = products.filter(category__slug=filters.category)
    if filters.commune:
        products = products.filter(Q(shop__commune__code=filters.commune)
                                   | Q(origin_commune__code=filters.commune))
    if filters.ocop_min_stars:
        products = products.filter(valid_ocop(today), ocop_stars__gte=filters.ocop_min_stars)
    if filters.price_min is not None:
        products = products.filter(price_vnd__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price_vnd__lte=filters.price_max)
    if filters.specialty:
        products = products.filter(is_specialty=True)
    searched = search.search(products, filters.q)
    ordering = SORTS.get(filters.sort)
    if ordering:
        searched = searched.order_by(*ordering)
    elif searched is products:  # no query: newest first
        searched = searched.order_by(*SORTS["newest"])
    return searched.select_related("shop", "category").prefetch_related(
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "id")))


def product_page(shop_slug: str, slug: str) -> Product:
    return (on_sale().select_related("shop", "shop__commune", "category", "origin_commune")
            .prefetch_related("photos").get(shop__slug=shop_slug, slug=slug))


def shop_page(slug: str) -> Shop:
    return Shop.objects.select_related("commune", "hub").get(slug=slug, is_active=True)


def categories() -> QuerySet[Category]:
    return Category.objects.all()
