"""What of a product is searchable, by weight (core.search): its name first; then its
category, shop, origin commune and tags ("đặc sản Lạng Sơn", OCOP); its description last."""

from __future__ import annotations

from tinhso.core import search

SPECIALTY_TAG = "đặc sản Lạng Sơn"


def _tags(product) -> str:
    tags = []
    if product.is_specialty:
        tags.append(SPECIALTY_TAG)
    if product.ocop_stars:
        tags.append(f"OCOP {product.ocop_stars} sao")
    return " ".join(tags)


def register() -> None:
    from tinhso.market.models import Product

    search.register(
        Product,
        a=("name",),
        b=("category.name", "shop.name", "origin_commune.name", _tags),
        c=("description",),
        select_related=("category", "shop", "origin_commune"),
    )
