"""What of a product is searchable, by weight (core.search): its name first; then its
category, shop, origin commune and tags ("đặc sản Lạng Sơn", OCOP); its description last.

Only what the public may find is indexed (on sale, in an open shop: a shop closing takes
its products out, a category renamed is re-read), and the catalogue's equality filters are
key words of the index (``keys``), so a filtered search never joins the product table."""

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


def category_key(category_id: int) -> str:
    return f"cat{category_id}"


def commune_key(code: int) -> str:
    return f"commune{code}"


def shop_key(shop_id: int) -> str:
    return f"shop{shop_id}"


SPECIALTY_KEY = "specialty"


def ocop_key(stars: int) -> str:
    """Stars as certified; whether the certificate is valid today is checked in the table."""
    return f"ocop{stars}"


def keys(product) -> list[str]:
    out = [category_key(product.category_id), commune_key(product.shop.commune.code),
           shop_key(product.shop_id)]
    if product.origin_commune_id:
        out.append(commune_key(product.origin_commune.code))
    if product.is_specialty:
        out.append(SPECIALTY_KEY)
    if product.ocop_stars:
        out.append(ocop_key(product.ocop_stars))
    return out


def listed(product) -> bool:
    return bool(product.is_active and product.shop.is_active)


def register() -> None:
    from tinhso.market.models import Category, Product, Shop

    search.register(
        Product,
        a=("name",),
        b=("category.name", "shop.name", "origin_commune.name", _tags),
        c=("description",),
        select_related=("category", "shop", "shop__commune", "origin_commune"),
        keys=keys, where=listed, follow={Shop: "shop", Category: "category"},
    )
