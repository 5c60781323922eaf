"""A shop's products: create and edit (price per unit, decimal quantities on a step,
stock, season, OCOP certificate, origin and speciality tag), photos through core.files,
and the reminder before an OCOP certificate expires."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from tinhso.accounts.permissions import has_perm
from tinhso.core import audit, files
from tinhso.core.errors import FieldCollector, InvalidInput
from tinhso.core.models import AdministrativeUnit
from tinhso.core.notifications import Notification, send
from tinhso.core.searchtext import fold
from tinhso.core.validators import InvalidValue, check_date_in_window, check_text
from tinhso.market.errors_catalogue import CatalogueError as E
from tinhso.market.errors_catalogue import catalogue_error, catalogue_invalid
from tinhso.market.models import Category, Product, ProductPhoto, Shop
from tinhso.market.units import MAX_QUANTITY, UNITS, BadQuantity, parse_quantity

OCOP_MONTHS = 36  # a provincial OCOP certificate is valid 36 months from issue
OCOP_REMIND_DAYS = 60
MAX_PRICE = 10**10
MAX_PHOTOS = 8
PHOTO_MAX_BYTES = 8 * files.MB


@dataclass
class ProductForm:
    name: str
    category: str  # slug
    unit: str
    price_vnd: int
    description: str = ""
    quantity_step: str | Decimal = "1"
    min_quantity: str | Decimal = "1"
    stock: str | Decimal = "0"
    season_start_month: int | None = None
    season_end_month: int | None = None
    origin_commune: int | None = None  # AdministrativeUnit code
    is_specialty: bool = False
    is_active: bool = True
    ocop_stars: int | None = None
    ocop_certificate_no: str = ""
    ocop_decision: str = ""
    ocop_issued_on: date | None = None
    ocop_expires_on: date | None = None  # default: issue + 36 months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def require_seller(actor, shop: Shop) -> None:
    """Only the shop's own people edit it; anyone else gets the 404 of a missing shop."""
    if getattr(actor, "is_superuser", False):
        return
    if not has_perm(actor, "market.sell", organization_id=shop.organization_id):
        raise catalogue_error(E.NOT_YOURS)


def _sized(value: str, field: str, low: int, high: int) -> str:
    text = check_text((value or "").strip(), field)
    if not low <= len(text) <= high:
        raise catalogue_invalid(E.TEXT_LENGTH, field=field, low=low, high=high)
    return text


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug or "").first()
    if category is None:
        raise catalogue_invalid(E.CATEGORY, field="category")
    return category


def _unit(code: str) -> str:
    if code not in UNITS:
        raise catalogue_invalid(E.UNIT, field="unit")
    return code


def _price(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PRICE:
        raise catalogue_invalid(E.PRICE, field="price_vnd", high=f"{MAX_PRICE:,}".replace(",", "."))
    return value


def _quantity(value, field: str) -> Decimal:
    try:
        return parse_quantity(value)
    except BadQuantity:
        raise catalogue_invalid(E.QUANTITY, field=field) from None


def _stock(value) -> Decimal:
    try:
        stock = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise catalogue_invalid(E.STOCK, field="stock") from None
    if not stock.is_finite() or stock < 0 or stock > MAX_QUANTITY or \
            stock != stock.quantize(Decimal("0.001")):
        raise catalogue_invalid(E.STOCK, field="stock")
    return stock.quantize(Decimal("0.001"))


def _season(start, end) -> tuple[int | None, int | None]:
    if start is None and end is None:
        return None, None
    if not all(isinstance(m, int) and 1 <= m <= 12 for m in (start, end)):
        raise catalogue_invalid(E.SEASON, field="season_start_month")
    return start, end


def _commune(code) -> AdministrativeUnit | None:
    if code is None:
        return None
    unit = AdministrativeUnit.objects.filter(code=code).first() if isinstance(code, int) \
        else None
    if unit is None:
        raise catalogue_invalid(E.COMMUNE, field="origin_commune")
    return unit


def _ocop(form: ProductForm, today: date) -> dict:
    if form.ocop_stars is None:
        return {"ocop_stars": None, "ocop_certificate_no": "", "ocop_decision": "",
                "ocop_issued_on": None, "ocop_expires_on": None}
    if form.ocop_stars not in (3, 4, 5):
        raise catalogue_invalid(E.OCOP_STARS, field="ocop_stars")
    if not (form.ocop_certificate_no or "").strip() or not (form.ocop_decision or "").strip() \
            or form.ocop_issued_on is None:
        raise catalogue_invalid(E.OCOP_FIELDS, field="ocop_certificate_no")
    issued = check_date_in_window(form.ocop_issued_on, "ocop_issued_on")
    expires = form.ocop_expires_on or add_months(issued, OCOP_MONTHS)
    check_date_in_window(expires, "ocop_expires_on")
    if issued > today or expires <= issued:
        raise catalogue_invalid(E.OCOP_DATES, field="ocop_issued_on")
    return {"ocop_stars": form.ocop_stars,
            "ocop_certificate_no": _sized(form.ocop_certificate_no, "ocop_certificate_no", 1, 60),
            "ocop_decision": _sized(form.ocop_decision, "ocop_decision", 1, 120),
            "ocop_issued_on": issued, "ocop_expires_on": expires}


def _clean(form: ProductForm, today: date) -> dict:
    fields = FieldCollector()
    fields.field("name", _sized, form.name, "name", 2, 160)
    fields.field("category", _category, form.category)
    fields.field("unit", _unit, form.unit)
    fields.field("price_vnd", _price, form.price_vnd)
    fields.field("description", lambda: check_text((form.description or "").strip()[:5000],
                                                   "description"))
    fields.field("quantity_step", _quantity, form.quantity_step, "quantity_step")
    fields.field("min_quantity", _quantity, form.min_quantity, "min_quantity")
    fields.field("stock", _stock, form.stock)
    fields.field("season", _season, form.season_start_month, form.season_end_month)
    fields.field("origin_commune", _commune, form.origin_commune)
    fields.field("ocop", _ocop, form, today)
    fields.raise_if_invalid()
    data = dict(fields.cleaned)
    start, end = data.pop("season")
    data.update(data.pop("ocop"), season_start_month=start, season_end_month=end,
                is_specialty=bool(form.is_specialty), is_active=bool(form.is_active))
    return data


def _snapshot(product: Product) -> dict:
    return {"name": product.name, "price_vnd": product.price_vnd, "unit": product.unit,
            "stock": str(product.stock), "ocop_stars": product.ocop_stars,
            "ocop_expires_on": str(product.ocop_expires_on or ""),
            "is_active": product.is_active}


def create_product(*, actor, shop: Shop, form: ProductForm, today: date | None = None) -> Product:
    require_seller(actor, shop)
    data = _clean(form, today or timezone.localdate())
    with transaction.atomic():
        base = slugify(fold(data["name"]))[:100] or "san-pham"
        slug, n = base, 1
        while Product.objects.filter(shop=shop, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        product = Product.objects.create(shop=shop, slug=slug, **data)
        audit.record(actor=actor, action="market.product_created", obj=product,
                     organization=shop.organization, after=_snapshot(product))
    return product


def update_product(*, actor, product: Product, form: ProductForm,
                   today: date | None = None) -> Product:
    require_seller(actor, product.shop)
    data = _clean(form, today or timezone.localdate())
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = _snapshot(product)
        if data["ocop_expires_on"] != product.ocop_expires_on:
            product.ocop_reminded_for = None  # a new certificate gets its own reminder
        for name, value in data.items():
            setattr(product, name, value)
        product.save()
        audit.record(actor=actor, action="market.product_updated", obj=product,
                     organization=product.shop.organization, before=before,
                     after=_snapshot(product))
    return product


def form_from(product: Product) -> ProductForm:
    """The form of an existing product (to change a few fields of it)."""
    values = {f.name: getattr(product, f.name, None) for f in dataclass_fields(ProductForm)}
    values["category"] = product.category.slug
    values["origin_commune"] = product.origin_commune.code if product.origin_commune else None
    return ProductForm(**values)


def add_photo(*, actor, product: Product, upload) -> ProductPhoto:
    """Check (by content), clean and store a photo with its thumbnails."""
    require_seller(actor, product.shop)
    if product.photos.count() >= MAX_PHOTOS:
        raise catalogue_error(E.TOO_MANY_PHOTOS, field="photo", limit=MAX_PHOTOS)
    try:
        stored = files.store_image(upload, folder=f"market/{product.shop_id}", field="photo",
                                   label=files_label(), max_bytes=PHOTO_MAX_BYTES)
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    try:
        with transaction.atomic():
            photo = ProductPhoto.objects.create(
                product=product, original=stored.original,
                thumbnail=stored.thumbnails[320], large=stored.thumbnails[960],
                width=stored.width, height=stored.height, position=product.photos.count())
            audit.record(actor=actor, action="market.photo_added", obj=product,
                         organization=product.shop.organization,
                         after={"photo": photo.pk})
    except Exception:
        files.delete(*stored.names)  # nothing half-written: no orphan files either
        raise
    return photo


def files_label():
    from django.utils.translation import gettext_lazy

    return gettext_lazy("Product photo")


def remind_ocop_expiring(*, today: date | None = None, days: int = OCOP_REMIND_DAYS) -> int:
    """Tell each seller, once per certificate, that a product's OCOP certificate expires
    within ``days``; the badge disappears by itself on the day after expiry."""
    today = today or timezone.localdate()
    due = (Product.objects.select_related("shop")
           .filter(ocop_stars__isnull=False, ocop_expires_on__gte=today,
                   ocop_expires_on__lte=today + timedelta(days=days))
           .exclude(ocop_reminded_for=F("ocop_expires_on")))
    sent = 0
    for product in due:
        with transaction.atomic():
            updated = Product.objects.filter(pk=product.pk).exclude(
                ocop_reminded_for=product.ocop_expires_on).update(
                ocop_reminded_for=product.ocop_expires_on)
            if not updated:
                continue  # another scheduler got there first
            until = product.ocop_expires_on.strftime("%d/%m/%Y")
            send(Notification(
                recipient=product.shop.phone, kind="market.ocop_expiring",
                message_vi=f"Chứng nhận OCOP của “{product.name}” hết hạn ngày {until}. "
                           "Hãy gia hạn để giữ nhãn OCOP trên cửa hàng.",
                message_en=f"The OCOP certificate of “{product.name}” expires on {until}. "
                           "Renew it to keep the OCOP badge."))
            sent += 1
    return sent

