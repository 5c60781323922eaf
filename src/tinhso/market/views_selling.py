"""Phone pages of selling (the same services as the API): opening a shop with the code
sent by SMS, a commune officer opening one for a household without a smartphone, the
seller's product list, and a product's form with its photos, stock and OCOP certificate."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import has_perm
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AdministrativeUnit
from tinhso.market.models import Category, Product, Shop
from tinhso.market.presenters_catalogue import (
    photo_url,
    product_url,
    quantity_text,
    shop_url,
    unit_label,
)
from tinhso.market.services import catalogue as catalogue_services
from tinhso.market.services import shops as shop_services
from tinhso.market.units import UNITS
from tinhso.payments.banks import BANKS

SHOP_FIELDS = ("phone", "name", "owner_name", "commune", "address", "bank_bin",
               "account_number", "account_name", "tax_code", "description")
MONTHS = range(1, 13)


def _errors(error: Exception) -> dict:
    """field -> the first error about it (``message_vi``, ``message_en``); "" for an error
    about no field in particular."""
    found: dict = {}
    for e in getattr(error, "errors", [error]):
        found.setdefault(getattr(e, "field", None) or "", e)
    return found


def _int(value) -> int | None:
    try:
        return int(str(value).strip().replace(".", "").replace(" ", ""))
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def _communes():
    from django.conf import settings

    return AdministrativeUnit.objects.filter(parent__code=settings.PROVINCE_CODE).order_by("name")


def _shop_form(data) -> shop_services.ShopForm:
    commune = _int(data.get("commune"))
    return shop_services.ShopForm(
        **{name: (data.get(name) or "").strip() for name in SHOP_FIELDS if name != "commune"},
        commune=commune if commune is not None else -1,
        code=(data.get("code") or "").strip(), password=data.get("password") or "")


def _shop_context(data: dict, errors: dict, **extra) -> dict:
    return {"data": data, "errors": errors, "communes": _communes(), "banks": BANKS, **extra}


def _saved(request, vi: str, en: str) -> None:
    messages.success(request, format_html('{} <small lang="en">{}</small>', vi, en))


def open_shop(request):
    """A household opens its shop from its phone: its number first (a code by SMS), then
    the shop with the code. The household is logged in on the shop's own pages after."""
    data: dict = {}
    errors: dict = {}
    step = "phone"
    if request.method == "POST":
        data = request.POST.dict()
        if data.get("action") == "code":
            try:
                data["phone"] = shop_services.request_code(data.get("phone", ""))
                step = "shop"
            except (InvalidInput, DomainError) as error:
                errors = _errors(error)
                # A code sent a minute ago is still good: go on to the form.
                step = "shop" if "market.code_too_soon" in {
                    str(getattr(e, "code", "")) for e in errors.values()} else "phone"
        else:
            step = "shop"
            try:
                shop = shop_services.register_shop(actor=None, form=_shop_form(data))
            except (InvalidInput, DomainError) as error:
                errors = _errors(error)
            else:
                owner = shop.organization.memberships.select_related("user").first().user
                login(request, owner, backend="tinhso.accounts.backends.EmailOrPhoneBackend")
                _saved(request, f"Cửa hàng “{shop.name}” đã mở: thêm sản phẩm đầu tiên.",
                       f"“{shop.name}” is open: add your first product.")
                return redirect("market_selling:products")
    return render(request, "market/selling/open_shop.html",
                  _shop_context(data, errors, step=step), status=422 if errors else 200)


@login_required
def open_on_behalf(request):
    """A commune officer opens a shop for a household that has no smartphone."""
    if not has_perm(request.user, "market.open_shop_for_household"):
        raise PermissionDenied
    data: dict = {}
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        try:
            shop = shop_services.register_shop(actor=request.user, form=_shop_form(data),
                                               on_behalf=True)
        except (InvalidInput, DomainError) as error:
            errors = _errors(error)
        else:
            _saved(request, f"Đã mở cửa hàng “{shop.name}” cho hộ gia đình.",
                   f"“{shop.name}” opened for the household.")
            return redirect(shop_url(shop))
    return render(request, "market/selling/open_on_behalf.html", _shop_context(data, errors),
                  status=422 if errors else 200)


def _my_shop(request) -> Shop | None:
    """The signed-in seller's shop (the one asked for by ``?shop=`` when they run several);
    None for someone who may sell but has no shop yet."""
    if not has_perm(request.user, "market.sell"):
        raise PermissionDenied
    shops = shop_services.shops_of(request.user).select_related("commune").order_by("name")
    wanted = request.GET.get("shop") or request.POST.get("shop")
    return (shops.filter(slug=wanted).first() if wanted else None) or shops.first()


def _shop_or_403(request) -> Shop:
    shop = _my_shop(request)
    if shop is None:
        raise PermissionDenied
    return shop


@login_required
def products(request):
    shop = _my_shop(request)
    if shop is None:  # an administrator, or a household whose shop is not open yet
        return render(request, "market/selling/no_shop.html")
    today = timezone.localdate()
    rows = []
    for product in (Product.objects.filter(shop=shop).select_related("category")
                    .prefetch_related("photos").order_by("-is_active", "name")):
        photos = list(product.photos.all())
        rows.append({
            "product": product, "unit": unit_label(product.unit),
            "stock": quantity_text(product.stock),
            "photo": photo_url(photos[0]) if photos else None,
            "ocop_valid": product.ocop_valid_on(today),
            "ocop_expired": bool(product.ocop_stars) and not product.ocop_valid_on(today),
            "low_stock": product.stock < product.min_quantity,
            "url": product_url(product) if product.is_active and shop.is_active else None,
        })
    return render(request, "market/selling/products.html", {
        "shop": shop, "rows": rows, "shop_url": shop_url(shop),
        "other_shops": shop_services.shops_of(request.user).exclude(pk=shop.pk)})


def _form_from_post(data) -> catalogue_services.ProductForm:
    price = _int(data.get("price_vnd"))
    return catalogue_services.ProductForm(
        name=data.get("name", ""), category=data.get("category", ""),
        unit=data.get("unit", ""), price_vnd=price if price is not None else -1,
        description=data.get("description", ""),
        quantity_step=data.get("quantity_step") or "1",
        min_quantity=data.get("min_quantity") or "1", stock=data.get("stock") or "0",
        season_start_month=_int(data.get("season_start_month")),
        season_end_month=_int(data.get("season_end_month")),
        origin_commune=_int(data.get("origin_commune")),
        is_specialty=data.get("is_specialty") == "1",
        is_active=data.get("is_active", "1") == "1",
        ocop_stars=_int(data.get("ocop_stars")),
        ocop_certificate_no=data.get("ocop_certificate_no", ""),
        ocop_decision=data.get("ocop_decision", ""),
        ocop_issued_on=_date(data.get("ocop_issued_on")),
        ocop_expires_on=_date(data.get("ocop_expires_on")))


def _data_from(product: Product) -> dict:
    form = catalogue_services.form_from(product)
    data = {name: ("" if value is None else value) for name, value in vars(form).items()}
    data["is_specialty"] = "1" if product.is_specialty else ""
    data["is_active"] = "1" if product.is_active else "0"
    for name in ("quantity_step", "min_quantity", "stock"):
        data[name] = _plain(getattr(product, name))
    for name in ("ocop_issued_on", "ocop_expires_on"):
        value = getattr(product, name)
        data[name] = value.isoformat() if value else ""
    return data


def _plain(number) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@login_required
def product_new(request):
    return _product_form(request, _shop_or_403(request), None)


@login_required
def product_edit(request, pk: int):
    _shop_or_403(request)
    product = Product.objects.select_related("shop", "category", "origin_commune").filter(
        pk=pk, shop__in=shop_services.shops_of(request.user)).first()
    if product is None:
        raise Http404
    return _product_form(request, product.shop, product)


def _product_form(request, shop: Shop, product: Product | None):
    data = _data_from(product) if product else {
        "unit": "kg", "quantity_step": "0.5", "min_quantity": "1", "stock": "0",
        "is_active": "1", "origin_commune": shop.commune.code}
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        form = _form_from_post(data)
        try:
            if product is None:
                product = catalogue_services.create_product(actor=request.user, shop=shop,
                                                            form=form)
                created = True
            else:
                product = catalogue_services.update_product(actor=request.user,
                                                            product=product, form=form)
                created = False
        except (InvalidInput, DomainError) as error:
            errors = _errors(error)
        else:
            upload = request.FILES.get("photo")
            if upload is not None:
                try:
                    catalogue_services.add_photo(actor=request.user, product=product,
                                                 upload=upload)
                except (InvalidInput, DomainError) as error:
                    errors = _errors(error)
            if not errors:
                _saved(request, f"Đã lưu “{product.name}”.", f"“{product.name}” saved.")
                return redirect("market_selling:products")
            if created:  # saved, but the photo was refused: stay on the product's form
                messages.warning(request, _("The product was saved; its photo was not."))
                return redirect(reverse("market_selling:product", args=[product.pk]) +
                                "?photo=refused")
    photos = [photo_url(p) for p in product.photos.all()] if product else []
    return render(request, "market/selling/product_form.html", {
        "shop": shop, "product": product, "data": data, "errors": errors, "photos": photos,
        "categories": Category.objects.all(), "communes": _communes(),
        "units": [(code, names[0]) for code, names in UNITS.items()], "months": MONTHS,
        "stars": (3, 4, 5),
        "can_add_photo": len(photos) < catalogue_services.MAX_PHOTOS,
    }, status=422 if errors else 200)
