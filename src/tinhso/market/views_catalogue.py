"""Public catalogue pages (phone-first): search and filters, a product's page with its
schema.org Product JSON-LD and Open Graph tags, a shop's page, and product photos."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from tinhso.core import files
from tinhso.core.language import current_language
from tinhso.core.models import AdministrativeUnit
from tinhso.market import selectors_catalogue as selectors
from tinhso.market.models import Product, ProductPhoto, Shop
from tinhso.market.presenters_catalogue import (
    cards_out,
    first_photo,
    photo_url,
    product_out,
    product_url,
    quantity_text,
    unit_label,
)

PAGE_SIZE = 24
PHOTO_SIZES = {"thumbnail": "thumbnail", "large": "large", "original": "original"}
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def filters_from(params) -> selectors.CatalogueFilter:
    """The catalogue filters from a query string: anything odd is ignored, never a 500."""
    sort = params.get("sort", "relevance")
    return selectors.CatalogueFilter(
        q=(params.get("q") or "")[:200],
        category=(params.get("category") or "")[:60],
        commune=_int(params.get("commune"), 1, 99_999_999),
        ocop_min_stars=_int(params.get("ocop"), 3, 5),
        price_min=_int(params.get("price_min"), 0, 10**13),
        price_max=_int(params.get("price_max"), 0, 10**13),
        specialty=params.get("specialty") == "1",
        sort=sort if sort in selectors.SORTS else "relevance",
    )


def catalogue(request):
    today = timezone.localdate()
    chosen = filters_from(request.GET)
    number = _int(request.GET.get("page"), 1, 1_000) or 1  # the Paginator's own check follows
    found = selectors.catalogue(chosen, today=today,
                                rows=((number - 1) * PAGE_SIZE, PAGE_SIZE))
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    language = current_language()
    query = request.GET.copy()
    query.pop("page", None)
    communes = AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE)
    context = {
        "filters": chosen, "page": page, "count": paginator.count,
        "count_capped": found.capped,
        "count_label": f"{paginator.count:,}".replace(",", "." if language == "vi" else ","),
        "cards": cards_out(page.object_list, today=today, language=language),
        "categories": selectors.categories(), "communes": communes,
        "stars": (3, 4, 5), "query": query.urlencode(),
    }
    template = "market/_catalogue_results.html" if request.headers.get("HX-Request") \
        else "market/catalogue.html"
    return render(request, template, context)


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` data block: '<', '>' and '&'
    escaped so a product's text can never close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def product(request, shop_slug: str, slug: str):
    try:
        item = selectors.product_page(shop_slug, slug)
    except Product.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    absolute = request.build_absolute_uri
    language = current_language()
    photo = first_photo(item)
    image = absolute(photo_url(photo, "large")) if photo else None
    in_season = item.in_season(today.month)
    in_stock = item.in_stock and in_season
    structured = {
        "@context": "https://schema.org", "@type": "Product", "name": item.name,
        "description": item.description[:500], "sku": f"{item.shop.slug}/{item.slug}",
        "category": item.category.name, "url": absolute(product_url(item)),
        "brand": {"@type": "Brand", "name": item.shop.name},
        "offers": {
            "@type": "Offer", "price": str(item.price_vnd), "priceCurrency": "VND",
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
            "seller": {"@type": "Organization", "name": item.shop.name},
            "unitText": unit_label(item.unit),
        },
    }
    if image:
        structured["image"] = [image]
    return render(request, "market/product.html", {
        "product": item, "card": product_out(item, today=today, language=language),
        "ocop_valid": item.ocop_valid_on(today), "in_stock": in_stock,
        "in_season": in_season, "enough_stock": item.in_stock,
        "step": quantity_text(item.quantity_step, language),
        "minimum": quantity_text(item.min_quantity, language),
        "stock": quantity_text(item.stock, language),
        "photos": [(photo_url(p, "large"), photo_url(p, "thumbnail")) for p in item.photos.all()],
        "json_ld": json_ld(structured), "og_image": image,
        "og_url": absolute(product_url(item)), "unit": unit_label(item.unit),
        "description": escape(item.description[:200]),
    })


def shop(request, slug: str):
    try:
        store = selectors.shop_page(slug)
    except Shop.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    language = current_language()
    page = Paginator(selectors.shop_products(store), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/shop.html", {
        "shop": store, "page": page,
        "cards": cards_out(page.object_list, today=today, language=language),
    })


def photo(request, pk: int, size: str):
    """A product photo: anyone may see those of a product on sale; the shop's own people
    see their other products' photos too. Anything else is 404."""
    column = PHOTO_SIZES.get(size)
    if column is None:
        raise Http404
    item = get_object_or_404(ProductPhoto.objects.select_related("product__shop"), pk=pk)
    visible = item.product.is_active and item.product.shop.is_active
    if not visible:
        from tinhso.accounts.permissions import has_perm

        visible = has_perm(request.user, "market.sell",
                           organization_id=item.product.shop.organization_id)
    name = getattr(item, column) or item.original
    if not visible or not name:
        raise Http404
    return files.serve(name, download_name=f"{item.product.slug}-{item.pk}."
                       f"{name.rsplit('.', 1)[-1]}", max_age=3600 if visible else 0)
