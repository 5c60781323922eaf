"""Catalogue API under /api/v1/market: public search and pages' data; shop registration
and product writes (the same services as the pages)."""

from __future__ import annotations

import orjson
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from tinhso.core.language import current_language
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import text
from tinhso.market import catalogue_cache
from tinhso.market import selectors_catalogue as selectors
from tinhso.market.models import Product, Shop
from tinhso.market.presenters_catalogue import cards_out, product_out, shop_url
from tinhso.market.schemas_catalogue import (
    CataloguePage,
    CatalogueQuery,
    ProductDetailOut,
    ProductOut,
    ShopOut,
)

router = Router(tags=["market"])
Slug = text(120)


def _filters(query: CatalogueQuery) -> selectors.CatalogueFilter:
    return selectors.CatalogueFilter(
        q=query.q, category=query.category, commune=query.commune,
        ocop_min_stars=query.ocop, price_min=query.price_min, price_max=query.price_max,
        specialty=query.specialty, sort=query.sort)


@router.get("/products", response=CataloguePage, auth=None)
def list_products(request, filters: Query[CatalogueQuery], page: Query[PageIn]):
    """Public catalogue search: accent-insensitive (“na chi lang” finds “Na Chi Lăng”),
    products whose name holds every word first, then the other matches, newest first in
    each, unless another ``sort`` is asked; filters by category, commune, OCOP stars (valid
    certificates only) and price. ``count`` is exact up to the end of the page asked
    (``offset + limit``); beyond it, ``count`` is ``offset + limit`` and ``count_capped``
    true: “more than that, ask the next page” (no COUNT over every match). No page lies
    beyond the 1,000th match."""
    today = timezone.localdate()
    language = current_language()
    chosen = _filters(filters)
    lifetime = catalogue_cache.seconds()
    key = catalogue_cache.key(chosen, page.limit, page.offset, language=language,
                              today=today) if lifetime else None
    body = cache.get(key) if key else None
    if body is None:
        products = selectors.catalogue(chosen, today=today, cap=page.offset + page.limit,
                                       rows=(page.offset, page.limit))
        out = page_of(products, page)
        out["items"] = cards_out(out["items"], today=today, language=language)
        out["count_capped"] = products.capped
        # The rows are already shaped by cards_out (the schema above documents them):
        # rendered as they are, not validated again field by field.
        body = orjson.dumps(out)
        if key:
            cache.set(key, body, lifetime)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def product_detail_out(product: Product, *, today, language: str) -> dict:
    out = product_out(product, today=today, language=language)
    valid = product.ocop_valid_on(today)
    from tinhso.market.presenters_catalogue import photo_url

    out.update({
        "description": product.description,
        "stock": product.stock,
        "origin_commune": product.origin_commune.name if product.origin_commune else None,
        "season_start_month": product.season_start_month,
        "season_end_month": product.season_end_month,
        "ocop": {"stars": product.ocop_stars, "certificate_no": product.ocop_certificate_no,
                 "decision": product.ocop_decision,
                 "issued_on": product.ocop_issued_on.isoformat(),
                 "expires_on": product.ocop_expires_on.isoformat()} if valid else None,
        "photos": [photo_url(photo, "large") for photo in product.photos.all()],
    })
    return out


@router.get("/shops/{shop_slug}/products/{slug}", response=ProductDetailOut, auth=None)
def get_product(request, shop_slug: Slug, slug: Slug):
    """One product on sale (a withdrawn one, or one of a closed shop, is 404)."""
    try:
        product = selectors.product_page(shop_slug, slug)
    except Product.DoesNotExist:
        raise Http404 from None
    return product_detail_out(product, today=timezone.localdate(), language=current_language())


def shop_out(shop: Shop) -> dict:
    return {"slug": shop.slug, "name": shop.name, "description": shop.description,
            "commune": shop.commune.name, "commune_code": shop.commune.code,
            "hub": shop.hub.name if shop.hub else None,
            "opened_on_behalf": shop.opened_by_officer_id is not None, "url": shop_url(shop)}


@router.get("/shops/{shop_slug}", response=ShopOut, auth=None)
def get_shop(request, shop_slug: Slug):
    try:
        return shop_out(selectors.shop_page(shop_slug))
    except Shop.DoesNotExist:
        raise Http404 from None


@router.get("/shops/{shop_slug}/products", response=Page[ProductOut], auth=None)
def list_shop_products(request, shop_slug: Slug, page: Query[PageIn]):
    today = timezone.localdate()
    language = current_language()
    shop = Shop.objects.filter(slug=shop_slug, is_active=True).first()
    if shop is None:
        raise Http404
    out = page_of(selectors.shop_products(shop), page)
    out["items"] = cards_out(out["items"], today=today, language=language)
    return out


# --- writes: the same services as the pages -------------------------------------------------

from ninja import File  # noqa: E402
from ninja.files import UploadedFile  # noqa: E402

from tinhso.accounts.auth import session_auth  # noqa: E402
from tinhso.core.schema_types import Id  # noqa: E402
from tinhso.market.presenters_catalogue import photo_url  # noqa: E402
from tinhso.market.schemas_catalogue import (  # noqa: E402
    CodeSentOut,
    PhoneIn,
    PhotoOut,
    ProductIn,
    ShopIn,
)
from tinhso.market.services import catalogue as catalogue_services  # noqa: E402
from tinhso.market.services import shops as shop_services  # noqa: E402


@router.post("/phone-codes", response=CodeSentOut, auth=None)
def send_code(request, payload: PhoneIn):
    """Step 1 of opening a shop: a six-digit code to the mobile number (one a minute)."""
    phone = shop_services.request_code(payload.phone)
    return {"phone": phone, "expires_in_seconds": shop_services.CODE_SECONDS}


def _shop_form(payload: ShopIn) -> shop_services.ShopForm:
    return shop_services.ShopForm(**payload.dict())


@router.post("/shops", response={201: ShopOut}, auth=None)
def open_shop(request, payload: ShopIn):
    """Step 2: the shop, with the code received by SMS. Its public page is ``url``."""
    actor = request.user if request.user.is_authenticated else None
    shop = shop_services.register_shop(actor=actor, form=_shop_form(payload))
    return 201, shop_out(shop)


@router.post("/officer/shops", response={201: ShopOut}, auth=session_auth)
def open_shop_on_behalf(request, payload: ShopIn):
    """A commune officer opens a shop for a household without a smartphone (no code)."""
    shop = shop_services.register_shop(actor=request.auth, form=_shop_form(payload),
                                       on_behalf=True)
    return 201, shop_out(shop)


def _my_shop(request, shop_slug: str) -> Shop:
    shop = Shop.objects.filter(slug=shop_slug).first()
    if shop is None:
        raise Http404
    catalogue_services.require_seller(request.auth, shop)
    return shop


@router.post("/shops/{shop_slug}/products", response={201: ProductDetailOut},
             auth=session_auth)
def create_product(request, shop_slug: Slug, payload: ProductIn):
    shop = _my_shop(request, shop_slug)
    product = catalogue_services.create_product(
        actor=request.auth, shop=shop, form=catalogue_services.ProductForm(**payload.dict()))
    product = Product.objects.select_related("shop", "category", "origin_commune").get(
        pk=product.pk)
    return 201, product_detail_out(product, today=timezone.localdate(),
                                   language=current_language())


def _my_product(request, product_id: int) -> Product:
    product = Product.objects.select_related("shop", "category", "origin_commune").filter(
        pk=product_id).first()
    if product is None:
        raise Http404
    catalogue_services.require_seller(request.auth, product.shop)
    return product


@router.put("/products/{product_id}", response=ProductDetailOut, auth=session_auth)
def update_product(request, product_id: Id, payload: ProductIn):
    product = catalogue_services.update_product(
        actor=request.auth, product=_my_product(request, product_id),
        form=catalogue_services.ProductForm(**payload.dict()))
    product = Product.objects.select_related("shop", "category", "origin_commune").get(
        pk=product.pk)
    return product_detail_out(product, today=timezone.localdate(), language=current_language())


@router.post("/products/{product_id}/photos", response={201: PhotoOut}, auth=session_auth)
def add_photo(request, product_id: Id, photo: File[UploadedFile]):
    """A photo (JPEG, PNG or WebP, checked by content, at most 8 MB); EXIF is removed."""
    stored = catalogue_services.add_photo(actor=request.auth,
                                          product=_my_product(request, product_id),
                                          upload=photo)
    return 201, {"id": stored.pk, "thumbnail": photo_url(stored, "thumbnail"),
                 "large": photo_url(stored, "large")}
