"""Reads of the public catalogue: what is on sale, searched, filtered, sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from tinhso.core import search
from tinhso.market.models import Category, Product, Shop
from tinhso.market.search_index import (
    SPECIALTY_KEY,
    category_key,
    commune_key,
    ocop_key,
    shop_key,
)

SORTS = {
    # code -> ORM ordering; "relevance": name matches first, then the others, newest first
    # in each (core.search.find); without words, newest first
    "relevance": None,
    "price_asc": ("price_vnd", "pk"),
    "price_desc": ("-price_vnd", "pk"),
    "newest": ("-pk",),  # ids grow with time; the primary key orders without a sort
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


#: The catalogue page counts this far (five pages of 24; "more than 120 products: add a
#: word or a filter").
PAGE_COUNT_CAP = 120


def catalogue(filters: CatalogueFilter, *, today: date, cap: int = PAGE_COUNT_CAP,
              rows: tuple[int, int] | None = None) -> search.Found:
    """The catalogue page and ``GET /api/v1/market/products``: searched in the database
    (accent-insensitive, ``core.search.find``): words, category, commune, speciality and
    OCOP stars are matched inside the search index (which holds only what is on sale in an
    open shop); a price range, a valid OCOP certificate or another sort than relevance go
    through the product table (indexed by price and by name for those sorts). Counted up
    to ``cap`` (at most ``search.COUNT_CAP``) in the same pass that reads the page's ids:
    the API asks ``offset + limit`` ("more than N": the next page exists), the page
    ``PAGE_COUNT_CAP``. The rows are the cards stored in the index
    (``search_index.card_data``, shaped by ``presenters_catalogue.cards_out``): a page never
    reads the product table; ``rows``, the ``(offset, limit)`` of the page the caller will
    show, lets PostgreSQL read them in the statement that counts (one round trip per
    search)."""
    keys: list = []
    if filters.category:
        keys.append(category_key(filters.category))
    if filters.commune:
        keys.append(commune_key(filters.commune))
    if filters.specialty:
        keys.append(SPECIALTY_KEY)
    where = Q()
    if filters.ocop_min_stars:
        keys.append([ocop_key(stars) for stars in range(filters.ocop_min_stars, 6)])
        where &= valid_ocop(today)
    if filters.price_min is not None:
        where &= Q(price_vnd__gte=filters.price_min)
    if filters.price_max is not None:
        where &= Q(price_vnd__lte=filters.price_max)
    return search.find(Product, filters.q, keys=keys, where=where or None,
                       order_by=SORTS.get(filters.sort), cap=min(cap, search.COUNT_CAP),
                       rows=rows, stored=True)


def shop_products(shop: Shop) -> search.Found:
    """A shop's products on sale, by name (its public page)."""
    return search.find(Product, keys=[shop_key(shop.pk)], order_by=SORTS["name"],
                       stored=True)


def product_page(shop_slug: str, slug: str) -> Product:
    return (on_sale().select_related("shop", "shop__commune", "category", "origin_commune")
            .prefetch_related("photos").get(shop__slug=shop_slug, slug=slug))


def shop_page(slug: str) -> Shop:
    return Shop.objects.select_related("commune", "hub").get(slug=slug, is_active=True)


def categories() -> QuerySet[Category]:
    return Category.objects.all()
