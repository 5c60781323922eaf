"""What of a product is searchable, by weight (core.search): its name first; then its
category, shop, origin commune and tags ("đặc sản Lạng Sơn", OCOP); its description last.

Only what the public may find is indexed (on sale, in an open shop: a shop closing takes
its products out, a category renamed is re-read), and the catalogue's equality filters are
key words of the index (``keys``), so a filtered search never joins the product table.

Each index row also stores what a catalogue card shows (``card_data``: price, unit, stock
flag, season, OCOP certificate, category, shop, first photo), so a page of results is read
from the index alone (``core.search.find(..., stored=True)``). It is kept fresh by the
product's own saves, its shop's, category's and photos' (``follow`` and the photo handlers
below), and by the order services after their stock UPDATEs (``reindex``)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models.signals import post_delete, post_save

from tinhso.core import search

SPECIALTY_TAG = "đặc sản Lạng Sơn"


def _tags(product) -> str:
    tags = []
    if product.is_specialty:
        tags.append(SPECIALTY_TAG)
    if product.ocop_stars:
        tags.append(f"OCOP {product.ocop_stars} sao")
    return " ".join(tags)


def category_key(slug: str) -> str:
    """By the category's code (the catalogue's filter names it: no query to find its id),
    spelt in hexadecimal so that no two codes make the same key word."""
    return f"cat{slug.encode().hex()}"


def commune_key(code: int) -> str:
    return f"commune{code}"


def shop_key(shop_id: int) -> str:
    return f"shop{shop_id}"


SPECIALTY_KEY = "specialty"


def ocop_key(stars: int) -> str:
    """Stars as certified; whether the certificate is valid today is checked in the table."""
    return f"ocop{stars}"


def keys(product) -> list[str]:
    out = [category_key(product.category.slug), commune_key(product.shop.commune.code),
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


QUANTUM = Decimal("0.001")  # the quantity fields' decimal places, as the database gives them


def _quantity(value) -> str:
    return str(Decimal(value).quantize(QUANTUM))


def _date(value) -> str | None:
    return value.isoformat() if value else None


def card_data(product) -> dict:
    """What a catalogue card shows of ``product`` that does not depend on the day or the
    language (``presenters_catalogue.cards_out`` adds those), as JSON values."""
    photos = sorted(product.photos.all(), key=lambda photo: (photo.position, photo.pk))
    return {
        "slug": product.slug, "name": product.name, "price_vnd": product.price_vnd,
        "unit": product.unit, "quantity_step": _quantity(product.quantity_step),
        "min_quantity": _quantity(product.min_quantity),
        "in_stock": Decimal(product.stock) >= Decimal(product.min_quantity),
        "season_start_month": product.season_start_month,
        "season_end_month": product.season_end_month,
        "ocop_stars": product.ocop_stars, "ocop_issued_on": _date(product.ocop_issued_on),
        "ocop_expires_on": _date(product.ocop_expires_on),
        "is_specialty": product.is_specialty, "category__slug": product.category.slug,
        "shop__name": product.shop.name, "shop__slug": product.shop.slug,
        "photo_id": photos[0].pk if photos else None,
    }


def _photo_changed(sender, instance, raw=False, **kwargs) -> None:
    """A product's first photo is on its card: adding, moving or removing one rewrites the
    product's index row."""
    if raw:
        return
    from tinhso.market.models import Product

    search.reindex(Product, [instance.product_id])


def register() -> None:
    from tinhso.market.models import Category, Product, ProductPhoto, Shop

    search.register(
        Product,
        a=("name",),
        b=("category.name", "shop.name", "origin_commune.name", _tags),
        c=("description",),
        select_related=("category", "shop", "shop__commune", "origin_commune"),
        prefetch_related=("photos",),
        keys=keys, where=listed, follow={Shop: "shop", Category: "category"},
        data=card_data, key_postings=True,
    )
    uid = "market.search_index:photo"
    post_save.connect(_photo_changed, sender=ProductPhoto, weak=False, dispatch_uid=uid)
    post_delete.connect(_photo_changed, sender=ProductPhoto, weak=False, dispatch_uid=uid)
