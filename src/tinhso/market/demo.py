"""Demo data of the digital stores (idempotent), loaded by ``seed_demo``.

- six product categories;
- 30 households with a shop each, in eight communes of Lạng Sơn, each with its shop owner
  (the first one, ``cuahang@demo.tinhso.vn``, logs in with the demo password; the others
  by their mobile number once they set a password);
- one cooperative hub (HTX Nông sản Chi Lăng) with its receiving account, its manager
  (``htx@demo.tinhso.vn``) and accountant (``ketoan.htx@demo.tinhso.vn``), the shops of
  two communes as its members;
- 150 products (five a shop), each with a photo *drawn* here with Pillow (the product's
  fruit or package and its name: no download) and stored through ``core.files`` like an
  upload; OCOP items among them, one whose certificate has expired and one expiring soon;
- then the orders (``demo_orders.seed_demo_orders``: one in every state) and the hubs'
  payouts, reviews and KPIs (``demo_hubs.seed_demo_hubs``).

Everything is keyed (organisation codes, shop and product slugs): a second run creates
nothing, and photos are drawn only for products that have none.
"""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core import files
from tinhso.core.models import AdministrativeUnit
from tinhso.core.searchtext import fold
from tinhso.market.demo_hubs import seed_demo_hubs
from tinhso.market.demo_orders import seed_demo_orders
from tinhso.market.models import Category, Hub, Product, ProductPhoto, Shop
from tinhso.market.services.catalogue import add_months
from tinhso.payments.models import PayeeAccount

CATEGORIES = [
    ("trai-cay", "Trái cây", "Fruit"),
    ("dac-san", "Đặc sản khô", "Dried specialities"),
    ("rau", "Rau, củ", "Vegetables"),
    ("gia-vi", "Gia vị, tinh dầu", "Spices and oils"),
    ("do-uong", "Chè, đồ uống", "Tea and drinks"),
    ("thuc-pham", "Thực phẩm chế biến", "Prepared food"),
]

# Communes of the demo shops, by former district (the first commune of each in code order).
DISTRICTS = ["Chi Lăng", "Bắc Sơn", "Tràng Định", "Cao Lộc", "Văn Quan", "Lộc Bình",
             "Đình Lập", "Hữu Lũng"]
HUB_DISTRICTS = ("Chi Lăng", "Văn Quan")

# name, category, unit, price (₫ per unit), step, minimum, season (months), speciality,
# drawing (shape, colour)
PRODUCE = [
    ("Na Chi Lăng", "trai-cay", "kg", 45_000, "0.5", "1", (7, 9), True, ("fruit", "#8fbf4d")),
    ("Quýt Bắc Sơn", "trai-cay", "kg", 40_000, "0.5", "1", (10, 2), True,
     ("fruit", "#f39c12")),
    ("Hồng vành khuyên", "trai-cay", "kg", 50_000, "0.5", "1", (9, 12), True,
     ("fruit", "#e67e22")),
    ("Mận hậu", "trai-cay", "kg", 35_000, "0.5", "1", (5, 7), False, ("fruit", "#8e44ad")),
    ("Đào Mẫu Sơn", "trai-cay", "kg", 60_000, "0.5", "1", (6, 8), True, ("fruit", "#f1948a")),
    ("Thạch đen Tràng Định", "dac-san", "pack", 30_000, "1", "1", None, True,
     ("pack", "#2c3e50")),
    ("Miến dong", "dac-san", "kg", 70_000, "0.5", "0.5", None, True, ("pack", "#d5c4a1")),
    ("Măng khô", "dac-san", "kg", 220_000, "0.1", "0.2", None, False, ("pack", "#b7950b")),
    ("Gạo nếp cái hoa vàng", "dac-san", "kg", 38_000, "1", "2", None, False,
     ("pack", "#f7dc6f")),
    ("Hồi khô", "gia-vi", "kg", 120_000, "0.1", "0.2", None, True, ("star", "#a04000")),
    ("Tinh dầu hồi", "gia-vi", "bottle", 180_000, "1", "1", None, True,
     ("bottle", "#a04000")),
    ("Gừng", "gia-vi", "kg", 30_000, "0.5", "0.5", None, False, ("fruit", "#d4ac0d")),
    ("Lá mác mật khô", "gia-vi", "pack", 25_000, "1", "1", None, True, ("pack", "#27ae60")),
    ("Rau bò khai", "rau", "bunch", 15_000, "1", "1", (2, 6), True, ("leaf", "#229954")),
    ("Khoai môn", "rau", "kg", 28_000, "0.5", "1", (9, 12), False, ("fruit", "#a9a9c8")),
    ("Chè Shan tuyết Mẫu Sơn", "do-uong", "pack", 150_000, "1", "1", None, True,
     ("pack", "#1e8449")),
    ("Mật ong rừng", "do-uong", "bottle", 250_000, "1", "1", None, False,
     ("bottle", "#f5b041")),
    ("Khâu nhục", "thuc-pham", "box", 160_000, "1", "1", None, True, ("pack", "#922b21")),
    ("Lạp sườn hun khói", "thuc-pham", "kg", 280_000, "0.5", "0.5", (11, 2), True,
     ("pack", "#c0392b")),
    ("Tương Bản", "thuc-pham", "jar", 45_000, "1", "1", None, True, ("bottle", "#6e2c00")),
    ("Bánh khảo", "thuc-pham", "box", 55_000, "1", "1", None, False, ("pack", "#fdebd0")),
]
QUALITIES = ["", "loại 1", "nhà trồng", "sạch", "đặc biệt", "hữu cơ"]
FAMILY = ["Hoàng", "Nông", "Lương", "Vi", "Lý", "Triệu", "Hà", "Chu", "Lộc", "Đinh"]
GIVEN = ["Văn Nam", "Thị Hoa", "Văn Sáng", "Thị Mai", "Đức Tài", "Thị Lan", "Văn Thắng",
         "Thị Hằng", "Văn Bình", "Thị Thu"]
BANKS = [("970405", "Agribank"), ("970418", "BIDV"), ("970436", "Vietcombank"),
         ("970415", "VietinBank")]

SELLER_EMAIL = "cuahang@demo.tinhso.vn"
HUB_MANAGER_EMAIL = "htx@demo.tinhso.vn"
HUB_ACCOUNTANT_EMAIL = "ketoan.htx@demo.tinhso.vn"
BUYER_EMAIL = "congdan@demo.tinhso.vn"  # the citizen of the public-services demo
#: (email, phone, role) of the market's demo logins, printed by ``seed_demo``.
MARKET_LOGINS = [(SELLER_EMAIL, "0915000001", Role.SHOP_OWNER),
                 (HUB_MANAGER_EMAIL, "0915100101", Role.HUB_MANAGER),
                 (HUB_ACCOUNTANT_EMAIL, "0915100102", Role.HUB_ACCOUNTANT)]
HUB_CODE = "htx-nong-san-chi-lang"
HUB_PAYEE = {
    "code": "htx-nong-san-chi-lang",
    "bank_bin": "970405",
    "bank_name": "Agribank",
    "account_number": "8800000000001",  # placeholder: the cooperative enters its own
    "account_name": "HTX NONG SAN CHI LANG",
    "display_name": "Hợp tác xã Nông sản Chi Lăng",
    "is_default": False,
    "is_placeholder": True,
}
SHOPS = 30
PRODUCTS_PER_SHOP = 5
PHOTO_SIZE = (320, 240)


def _communes() -> dict[str, AdministrativeUnit]:
    out = {}
    for district in DISTRICTS:
        unit = (AdministrativeUnit.objects.filter(former_district=district)
                .exclude(kind=AdministrativeUnit.Kind.PROVINCE).order_by("code").first())
        if unit is not None:
            out[district] = unit
    return out


def seed_categories() -> dict[str, Category]:
    out = {}
    for position, (slug, name, name_en) in enumerate(CATEGORIES):
        out[slug], _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position})
    return out


def _member(email: str | None, phone: str, full_name: str, organization: Organization,
            role: str, password: str | None) -> User:
    user = (User.objects.filter(email=email).first() if email else None) or \
        User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(email, password, phone=phone, full_name=full_name)
    Membership.objects.get_or_create(user=user, organization=organization, role=role)
    return user


def seed_hub(commune: AdministrativeUnit, password: str) -> Hub:
    organization, _ = Organization.objects.get_or_create(
        code=HUB_CODE, defaults={"name": "Hợp tác xã Nông sản Chi Lăng",
                                 "kind": OrganizationKind.COOPERATIVE})
    payee, _ = PayeeAccount.objects.get_or_create(code=HUB_PAYEE["code"], defaults=HUB_PAYEE)
    hub, _ = Hub.objects.get_or_create(organization=organization, defaults={
        "slug": HUB_CODE, "name": "HTX Nông sản Chi Lăng", "kind": Hub.Kind.COOPERATIVE,
        "commune": commune, "address": "Thôn Đồng Bành", "phone": "0915100100",
        "pickup_hours": "7:00–17:00, thứ Hai đến thứ Bảy", "commission_bp": 500,
        "payee": payee, "bank_bin": HUB_PAYEE["bank_bin"], "bank_name": "Agribank",
        "account_number": HUB_PAYEE["account_number"],
        "account_name": HUB_PAYEE["account_name"]})
    _member(HUB_MANAGER_EMAIL, "0915100101", "Lương Văn Cường", organization,
            Role.HUB_MANAGER, password)
    _member(HUB_ACCOUNTANT_EMAIL, "0915100102", "Hà Thị Ngọc", organization,
            Role.HUB_ACCOUNTANT, password)
    return hub


def seed_shops(communes: dict[str, AdministrativeUnit], hub: Hub | None,
               password: str) -> list[Shop]:
    rng = random.Random(11)
    districts = list(communes)
    shops = []
    for i in range(SHOPS):
        district = districts[i % len(districts)]
        commune = communes[district]
        owner = f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i * 3) % len(GIVEN)]}"
        phone = f"0915{i + 1:06d}"
        code = f"ho-demo-{i + 1:02d}"
        name = f"Nhà {owner.split()[0]} {owner.split()[-1]} — {district}"
        organization, _ = Organization.objects.get_or_create(
            code=code, defaults={"name": f"Hộ {owner}", "kind": OrganizationKind.HOUSEHOLD,
                                 "phone": phone, "address": f"Thôn {i % 7 + 1}, {commune.name}"})
        _member(SELLER_EMAIL if i == 0 else None, phone, owner, organization,
                Role.SHOP_OWNER, password if i == 0 else None)
        bank_bin, bank_name = BANKS[i % len(BANKS)]
        shop = Shop.objects.filter(organization=organization).first()
        if shop is None:
            shop = Shop.objects.create(
                organization=organization, slug=f"{district_slug(district)}-{i + 1:02d}",
                name=name, commune=commune, address=f"Thôn {i % 7 + 1}, {commune.name}",
                phone=phone, phone_verified_at=timezone.now(),
                description=f"Hàng nhà trồng, nhà làm ở {district}, giao toàn tỉnh.",
                hub=hub if hub is not None and district in HUB_DISTRICTS else None,
                bank_bin=bank_bin, bank_name=bank_name,
                account_number=f"{rng.randrange(10**11, 10**12)}",
                account_name=fold(owner).upper(), delivery_fee_vnd=20_000,
                free_delivery_from_vnd=300_000)
        shops.append(shop)
    return shops


def district_slug(district: str) -> str:
    return "-".join(fold(district).split())


def _ocop(index: int, today: date) -> dict:
    """Every ninth product is OCOP-certified: the first expired, the second expiring in a
    month (the seller's reminder), the others valid."""
    if index % 9:
        return {}
    rank = index // 9
    if rank == 0:
        issued = add_months(today, -40)  # expired four months ago: no badge
    elif rank == 1:
        issued = add_months(today, -35)  # expires in about a month
    else:
        issued = add_months(today, -(rank % 24) - 1)
    return {"ocop_stars": 3 + rank % 3, "ocop_certificate_no": f"OCOP-LS-{2020 + rank:04d}",
            "ocop_decision": f"QĐ {100 + rank}/QĐ-UBND tỉnh Lạng Sơn",
            "ocop_issued_on": issued, "ocop_expires_on": add_months(issued, 36)}


def _origin(name: str, shop: Shop, communes: dict[str, AdministrativeUnit]):
    """A speciality named after its place comes from there ("Na Chi Lăng": Chi Lăng)."""
    for district, unit in communes.items():
        if district in name:
            return unit
    return shop.commune


def seed_products(shops: list[Shop], categories: dict[str, Category],
                  communes: dict[str, AdministrativeUnit]) -> list[Product]:
    today = timezone.localdate()
    rng = random.Random(7)
    products = []
    for s, shop in enumerate(shops):
        district = shop.name.rsplit("— ", 1)[-1]
        for n in range(PRODUCTS_PER_SHOP):
            index = s * PRODUCTS_PER_SHOP + n
            name, category, unit, price, step, minimum, season, specialty, drawing = \
                PRODUCE[(s * 2 + n * 5) % len(PRODUCE)]
            quality = QUALITIES[index % len(QUALITIES)]
            full = " ".join(part for part in (name, quality) if part)
            slug = "-".join(fold(full).split())[:100]
            product = Product.objects.filter(shop=shop, slug=slug).first()
            if product is None:
                product = Product.objects.create(
                    shop=shop, slug=slug, name=full, category=categories[category],
                    description=f"{name} của {shop.name.split(' —')[0]}, {district}. "
                                "Hàng nhà làm, đóng gói cẩn thận.",
                    unit=unit, price_vnd=price + rng.randrange(0, 6) * 1000,
                    quantity_step=Decimal(step), min_quantity=Decimal(minimum),
                    stock=Decimal(rng.randrange(20, 200)),
                    season_start_month=season[0] if season else None,
                    season_end_month=season[1] if season else None,
                    origin_commune=_origin(name, shop, communes), is_specialty=specialty,
                    **_ocop(index, today))
            products.append(product)
    return products


# ------------------------------------------------------------------ drawn photos


@lru_cache(maxsize=2)
def _font(size: int):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"):
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(), False  # no Vietnamese glyphs: the name is folded


def draw_photo(name: str, shape: str, colour: str) -> bytes:
    """A small JPEG of the product: its fruit, bottle, leaf, star anise or package on a
    light background, with its name across the bottom."""
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, "#fbf7ee")
    pen = ImageDraw.Draw(image)
    cx, cy = width // 2, height // 2 - 22
    if shape == "fruit":
        for dx, dy, r in ((-42, 12, 40), (40, 14, 38), (0, -18, 46)):
            pen.ellipse((cx + dx - r, cy + dy - r, cx + dx + r, cy + dy + r), fill=colour,
                        outline="#4d4d4d", width=2)
        pen.polygon([(cx, cy - 64), (cx + 18, cy - 84), (cx + 8, cy - 60)], fill="#3c8d2f")
    elif shape == "bottle":
        pen.rounded_rectangle((cx - 30, cy - 40, cx + 30, cy + 60), 12, fill=colour,
                              outline="#4d4d4d", width=2)
        pen.rectangle((cx - 12, cy - 70, cx + 12, cy - 40), fill=colour, outline="#4d4d4d")
        pen.rectangle((cx - 24, cy, cx + 24, cy + 30), fill="#ffffff")
    elif shape == "leaf":
        for dx in (-50, 0, 50):
            pen.ellipse((cx + dx - 22, cy - 60, cx + dx + 22, cy + 60), fill=colour,
                        outline="#1d5e2c", width=2)
            pen.line((cx + dx, cy - 58, cx + dx, cy + 70), fill="#1d5e2c", width=2)
    elif shape == "star":
        import math

        points = []
        for k in range(16):
            radius = 62 if k % 2 == 0 else 22
            angle = math.pi * k / 8
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        pen.polygon(points, fill=colour, outline="#4d2600")
    else:  # a package with a label
        pen.rounded_rectangle((cx - 70, cy - 55, cx + 70, cy + 60), 10, fill=colour,
                              outline="#4d4d4d", width=2)
        pen.rectangle((cx - 50, cy - 20, cx + 50, cy + 25), fill="#ffffff")
        pen.line((cx - 40, cy, cx + 40, cy), fill=colour, width=3)
    font, unicode_ok = _font(20)
    label = name if unicode_ok else fold(name)
    while pen.textlength(label, font=font) > width - 16 and len(label) > 4:
        label = label[:-2].rstrip() + "…"
    pen.rectangle((0, height - 44, width, height), fill="#ffffff")
    pen.text((width // 2, height - 22), label, font=font, fill="#1f2d1f", anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed_photos(products: list[Product]) -> int:
    """A drawn photo for each product that has none, stored as an upload would be."""
    drawings = {row[0]: row[8] for row in PRODUCE}
    have = set(ProductPhoto.objects.filter(product__in=products).values_list(
        "product_id", flat=True))
    made = 0
    for product in products:
        if product.pk in have:
            continue
        base = next((name for name in drawings if product.name.startswith(name)), None)
        shape, colour = drawings.get(base, ("pack", "#95a5a6"))
        upload = ContentFile(draw_photo(product.name, shape, colour), name="anh.jpg")
        # Drawn at thumbnail size already: the original serves as thumbnail and large.
        stored = files.store_image(upload, folder=f"market/{product.shop_id}", field="photo",
                                   label="Ảnh sản phẩm", sizes=())
        ProductPhoto.objects.create(product=product, original=stored.original,
                                    thumbnail=stored.original, large=stored.original,
                                    width=stored.width, height=stored.height, position=0)
        made += 1
    return made


def seed_market(password: str) -> dict[str, int]:
    """The shops, hub, products and photos, then the orders and the hubs' share."""
    communes = _communes()
    if not communes:
        return {}
    with transaction.atomic():
        categories = seed_categories()
        chi_lang = communes.get("Chi Lăng") or next(iter(communes.values()))
        hub = seed_hub(chi_lang, password)
        shops = seed_shops(communes, hub, password)
        products = seed_products(shops, categories, communes)
        photos = seed_photos(products)
    result = {"shops": len(shops), "products": len(products), "photos_drawn": photos}
    buyer = User.objects.filter(email=BUYER_EMAIL).first()
    with transaction.atomic():
        result["orders"] = seed_demo_orders(buyer=buyer)
    with transaction.atomic():
        seed_demo_hubs(buyer=buyer)
    return result
