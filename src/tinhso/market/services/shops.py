"""Opening a shop from a phone: a one-time code to the mobile number, then the shop in one
step (name, commune, address, payout account, optional tax code). A commune officer may
open it for a household without a smartphone, recorded as such (``opened_by_officer``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.accounts.permissions import has_perm, organizations_with_permission
from tinhso.core import audit, onetime
from tinhso.core.errors import FieldCollector, InvalidInput
from tinhso.core.models import AdministrativeUnit
from tinhso.core.notifications import Notification, send
from tinhso.core.searchtext import fold
from tinhso.core.validators import InvalidValue, check_text, normalize_mobile, normalize_tax_code
from tinhso.market.errors_catalogue import CatalogueError as E
from tinhso.market.errors_catalogue import catalogue_error, catalogue_invalid
from tinhso.market.models import Shop
from tinhso.payments.banks import bank_by_bin, clean_account_number

CODE_SECONDS = onetime.CODE_SECONDS
CODE_ERRORS = {onetime.Refusal.TOO_SOON: E.CODE_TOO_SOON, onetime.Refusal.WRONG: E.CODE_WRONG,
               onetime.Refusal.TOO_MANY: E.CODE_TOO_MANY}


def request_code(phone: str) -> str:
    """Send a six-digit code to ``phone`` (through core.notifications); returns the
    normalised number."""
    try:
        phone = normalize_mobile(phone, "phone")
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    try:
        code = onetime.issue("market", phone)
    except onetime.CodeRefused as refused:
        raise catalogue_error(CODE_ERRORS[refused.refusal], field="phone") from None
    send(Notification(
        recipient=phone, kind="market.phone_code",
        message_vi=f"Mã xác nhận mở cửa hàng số: {code} (hiệu lực 10 phút). "
                   "Không chia sẻ mã này.",
        message_en=f"Your digital store code: {code} (valid 10 minutes). Do not share it."))
    return phone


def check_code(phone: str, code: str) -> None:
    """The code sent to ``phone``, once: a wrong one counts, five wrong ones burn it."""
    try:
        onetime.check("market", phone, code)
    except onetime.CodeRefused as refused:
        raise catalogue_error(CODE_ERRORS[refused.refusal], field="code") from None


@dataclass
class ShopForm:
    phone: str
    name: str
    owner_name: str
    commune: int  # AdministrativeUnit code
    address: str
    bank_bin: str
    account_number: str
    account_name: str
    tax_code: str = ""
    description: str = ""
    code: str = ""  # the one-time code (not needed when an officer opens it)
    password: str = ""  # optional: lets the household log in with a password later


def _sized(value: str, field: str, low: int, high: int) -> str:
    text = check_text((value or "").strip(), field)
    if not low <= len(text) <= high:
        raise catalogue_invalid(E.TEXT_LENGTH, field=field, low=low, high=high)
    return text


def _commune(code: int) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(
        code=code, parent__code=settings.PROVINCE_CODE).first() if isinstance(code, int) \
        else None
    if unit is None:
        raise catalogue_invalid(E.COMMUNE, field="commune")
    return unit


def _bank(bin_code: str):
    bank = bank_by_bin(bin_code)
    if bank is None:
        raise catalogue_invalid(E.BANK, field="bank_bin")
    return bank


def _account(number: str) -> str:
    cleaned = clean_account_number(number)
    if cleaned is None:
        raise catalogue_invalid(E.ACCOUNT_NUMBER, field="account_number")
    return cleaned


#: Fixed paths under /cho/ that a shop's address must never take (the selling pages, the
#: photos, and the cart and order pages).
RESERVED_SLUGS = frozenset({
    "anh", "ban-hang", "mo-cua-hang", "mo-ho", "gio-hang", "dat-hang", "don-hang",
    "thanh-toan", "tra-cuu", "htx", "kenh-ban", "quan-ly", "api", "admin",
})


def unique_slug(name: str, taken) -> str:
    """A readable address from the name ("Na Chi Lăng nhà Hoàng" → "na-chi-lang-nha-hoang"),
    with -2, -3… when taken (or reserved for a page of the site)."""
    base = slugify(fold(name))[:60].strip("-") or "cua-hang"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def may_open_on_behalf(user) -> bool:
    return has_perm(user, "market.open_shop_for_household") or \
        bool(getattr(user, "is_superuser", False))


def register_shop(*, actor, form: ShopForm, on_behalf: bool = False) -> Shop:
    """Open a household's shop. ``on_behalf``: a commune officer opens it for a household
    without a smartphone (no code; the officer is recorded). Every bad field is reported
    at once; nothing is written unless all are good."""
    if on_behalf and not may_open_on_behalf(actor):
        raise catalogue_error(E.NOT_YOURS, http_status=403)
    fields = FieldCollector()
    phone = fields.field("phone", normalize_mobile, form.phone, "phone")
    name = fields.field("name", _sized, form.name, "name", 2, 120)
    owner = fields.field("owner_name", _sized, form.owner_name, "owner_name", 2, 150)
    commune = fields.field("commune", _commune, form.commune)
    address = fields.field("address", _sized, form.address, "address", 3, 255)
    bank = fields.field("bank_bin", _bank, form.bank_bin)
    account = fields.field("account_number", _account, form.account_number)
    holder = fields.field("account_name", _sized, form.account_name, "account_name", 2, 120)
    description = fields.field("description", _sized, form.description or "-",
                               "description", 1, 2000)
    tax_code = ""
    if (form.tax_code or "").strip():
        tax_code = fields.field("tax_code", normalize_tax_code, form.tax_code, "tax_code",
                                today=timezone.localdate())
    fields.raise_if_invalid()
    if phone and Shop.objects.filter(phone=phone).exists():
        raise catalogue_error(E.PHONE_TAKEN, field="phone")
    if tax_code and Organization.objects.filter(tax_code=tax_code).exists():
        raise catalogue_error(E.TAX_CODE_TAKEN, field="tax_code")
    if not on_behalf:
        check_code(phone, form.code)
    with transaction.atomic():
        slug = unique_slug(name, lambda s: Shop.objects.filter(slug=s).exists()
                           or Organization.objects.filter(code=f"ho-{s}").exists())
        organization = Organization.objects.create(
            code=f"ho-{slug}"[:40], name=name, kind=OrganizationKind.HOUSEHOLD,
            tax_code=tax_code or None, address=address, phone=phone)
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(phone=phone, full_name=owner,
                                            password=form.password or None)
        Membership.objects.get_or_create(user=user, organization=organization,
                                         role=Role.SHOP_OWNER)
        shop = Shop.objects.create(
            organization=organization, slug=slug, name=name, commune=commune,
            address=address, phone=phone, description="" if description == "-" else description,
            tax_code=tax_code, bank_bin=bank.bin, bank_name=bank.short_name,
            account_number=account, account_name=holder,
            phone_verified_at=None if on_behalf else timezone.now(),
            opened_by_officer=actor if on_behalf else None)
        audit.record(actor=actor if on_behalf else user,
                     action="market.shop_opened", obj=shop, organization=organization,
                     after={"slug": slug, "commune": commune.code, "on_behalf": on_behalf,
                            "bank_bin": bank.bin},
                     note="opened by a commune officer" if on_behalf else "")
    return shop


def shops_of(user):
    """The shops ``user`` sells in (``market.sell`` in the shop's household)."""
    return Shop.objects.filter(organization_id__in=organizations_with_permission(
        user, "market.sell"))
