"""How catalogue rows are shown: the same facts on the pages and in the API."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.urls import get_script_prefix, reverse

from tinhso.market.models import Product, ProductPhoto, Shop, season_includes
from tinhso.market.units import UNITS


def unit_label(code: str, language: str = "vi") -> str:
    names = UNITS.get(code, (code, code))
    return names[1] if language == "en" else names[0]


@lru_cache(maxsize=32)
def _pattern(name: str, prefix: str, count: int) -> str:
    """A reversed URL as a format string ("/cho/{0}/{1}/"): a catalogue page shows dozens
    of links and ``reverse`` was the slowest part of presenting a row. The arguments are
    slugs and ids, which a URL carries as they are."""
    placeholders = [f"{i}9{i}9{i}" for i in range(count)]
    url = reverse(name, args=placeholders).replace("{", "{{").replace("}", "}}")
    for i, placeholder in enumerate(placeholders):
        url = url.replace(placeholder, f"{{{i}}}", 1)
    return url


def _url(name: str, *args: object) -> str:
    return _pattern(name, get_script_prefix(), len(args)).format(*args)


def quantity_text(quantity, language: str = "vi") -> str:
    """A decimal quantity as people write it: no trailing zeros, a decimal comma in
    Vietnamese ("7,5", never "7,500", which reads as seven thousand five hundred)."""
    text = format(quantity, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "vi" else text


def photo_url(photo: ProductPhoto | None, size: str = "thumbnail") -> str | None:
    if photo is None:
        return None
    return _url("market_catalogue:photo", photo.pk, size)


def first_photo(product: Product) -> ProductPhoto | None:
    photos = list(product.photos.all())  # prefetched by the selectors
    return photos[0] if photos else None


def product_url(product: Product) -> str:
    return _url("market_catalogue:product", product.shop.slug, product.slug)


def shop_url(shop: Shop) -> str:
    return reverse("market_catalogue:shop", args=[shop.slug])


def cards_out(rows: Iterable[dict], *, today: date, language: str = "vi") -> list[dict]:
    """Cards stored in the search index (``search_index.card_data`` plus ``"id"``) as
    ``product_out`` shapes a product (the same keys): the day decides the season and
    whether the OCOP certificate is valid, the language the unit's name. What is the same
    for every card (the day, the links' patterns) is worked out once."""
    day, month = today.isoformat(), today.month  # certificates' dates are ISO text
    prefix = get_script_prefix()
    photo_link = _pattern("market_catalogue:photo", prefix, 2)
    product_link = _pattern("market_catalogue:product", prefix, 2)
    out = []
    for row in rows:
        photo, ocop = row["photo_id"], row["ocop_stars"]
        valid = bool(ocop and row["ocop_issued_on"] and row["ocop_expires_on"]
                     and row["ocop_issued_on"] <= day <= row["ocop_expires_on"])
        out.append({
            "id": row["id"],
            "slug": row["slug"],
            "name": row["name"],
            "price": row["price_vnd"],
            "unit": row["unit"],
            "unit_label": unit_label(row["unit"], language),
            "quantity_step": row["quantity_step"],
            "min_quantity": row["min_quantity"],
            "in_stock": row["in_stock"],
            "in_season": season_includes(row["season_start_month"], row["season_end_month"],
                                         month),
            "category": row["category__slug"],
            "shop": row["shop__name"],
            "shop_slug": row["shop__slug"],
            "ocop_stars": ocop if valid else None,
            "specialty": row["is_specialty"],
            "photo": photo_link.format(photo, "thumbnail") if photo else None,
            "url": product_link.format(row["shop__slug"], row["slug"]),
        })
    return out


def card_out(row: dict, *, today: date, language: str = "vi") -> dict:
    """One card (``cards_out``)."""
    return cards_out([row], today=today, language=language)[0]


def product_out(product: Product, *, today: date, language: str = "vi") -> dict:
    return {
        "id": product.pk,
        "slug": product.slug,
        "name": product.name,
        "price": product.price_vnd,
        "unit": product.unit,
        "unit_label": unit_label(product.unit, language),
        "quantity_step": product.quantity_step,
        "min_quantity": product.min_quantity,
        "in_stock": product.in_stock,
        "in_season": product.in_season(today.month),
        "category": product.category.slug,
        "shop": product.shop.name,
        "shop_slug": product.shop.slug,
        "ocop_stars": product.ocop_stars if product.ocop_valid_on(today) else None,
        "specialty": product.is_specialty,
        "photo": photo_url(first_photo(product)),
        "url": product_url(product),
    }
