"""Demo data of payouts, reviews and KPIs, on top of the market's demo shops and orders
(call ``seed_demo_hubs()`` after them). Idempotent: running it again changes nothing.

- the province's targets (50 % by 2025, 80 % by 2030);
- a household count for every commune that has a demo shop (illustrative figures, and
  the source says so) and the demo commune officer's office (UBND xã Đồng Đăng);
- reviews of delivered order lines by their buyers, with the sellers' replies, one review
  hidden by the administrator;
- a few orders of the hub's members placed last month by the demo buyer and completed
  through the order flow (``demo_orders``), so that the hub has a finished month to pay out;
- the hub's payout statements of the finished months with completed orders, one marked
  paid by its accountant.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.market.models import (
    CommuneOffice,
    Fulfilment,
    HouseholdCount,
    Hub,
    KpiTarget,
    Order,
    OrderLine,
    OrderState,
    PaymentMethod,
    PayoutState,
    PayoutStatement,
    Product,
    Review,
    Shop,
    ShopOrder,
)
from tinhso.market.services import hubs, kpis, orders, reviews

TARGETS = [(2025, 50, 50), (2030, 80, 80)]
TARGET_SOURCE = ("Mục tiêu của tỉnh Lạng Sơn: “mỗi hộ gia đình một cửa hàng số”, "
                 "50 % đến 2025, trên 80 % đến 2030")
COUNT_SOURCE = "Số liệu minh họa cho bản demo (không phải số liệu thống kê chính thức)"
REVIEW_TEXTS = [
    (5, "Hàng đúng như mô tả, đóng gói cẩn thận. Sẽ ủng hộ tiếp!",
     "Cảm ơn anh/chị đã tin dùng sản phẩm của gia đình."),
    (4, "Thơm, khô đều. Giao hơi chậm một ngày.", "Cảm ơn góp ý, lần sau shop sẽ gửi sớm hơn."),
    (5, "Ngon, ngọt đậm, đúng đặc sản Lạng Sơn.", None),
    (3, "Hàng ổn nhưng quả hơi nhỏ so với ảnh.", "Vụ này quả nhỏ hơn, shop xin lỗi anh/chị."),
    (1, "Gọi cho tôi số 09xx để mua rẻ hơn ngoài sàn.", None),  # hidden by the administrator
]


def _user_of(organization_id: int, role: str):
    membership = (Membership.objects.filter(organization_id=organization_id, role=role,
                                            user__is_active=True)
                  .select_related("user").order_by("id").first())
    return membership.user if membership else None


def _admin():
    membership = (Membership.objects.filter(role=Role.SYSTEM_ADMIN, user__is_active=True)
                  .select_related("user").order_by("id").first())
    return membership.user if membership else None


def seed_targets_and_counts(admin) -> None:
    for year, shop_pct, account_pct in TARGETS:
        if not KpiTarget.objects.filter(year=year).exists():
            kpis.set_target(actor=admin, year=year, shop_pct=shop_pct,
                            payment_account_pct=account_pct, source=TARGET_SOURCE)
    year = timezone.localdate().year
    commune_ids = set(Shop.objects.values_list("commune_id", flat=True))
    for unit in AdministrativeUnit.objects.filter(pk__in=commune_ids).order_by("code"):
        if HouseholdCount.objects.filter(commune=unit, year=year).exists():
            continue
        shops = Shop.objects.filter(commune=unit).count()
        # Illustrative: a few times the demo shops, so the shares read like early progress.
        households = max(shops * 4, 12) + unit.code % 17
        kpis.set_household_count(actor=admin, commune=unit, year=year, households=households,
                                 source=COUNT_SOURCE)
    office = Organization.objects.filter(code="xa-dong-dang").first()
    dong_dang = AdministrativeUnit.objects.filter(name__icontains="Đồng Đăng").order_by(
        "code").first()
    if office is not None and dong_dang is not None:
        CommuneOffice.objects.get_or_create(organization=office,
                                            defaults={"commune": dong_dang})


def seed_reviews(admin) -> None:
    if Review.objects.exists():
        return
    lines = (OrderLine.objects.filter(shop_order__state__in=reviews.REVIEWABLE_STATES,
                                      shop_order__order__buyer__isnull=False)
             .select_related("shop_order__order__buyer", "shop_order__shop")
             .order_by("id")[:len(REVIEW_TEXTS)])
    for line, (stars, text, reply) in zip(lines, REVIEW_TEXTS, strict=False):
        review = reviews.write_review(actor=line.shop_order.order.buyer, order_line=line,
                                      stars=stars, text=text)
        owner = _user_of(line.shop_order.shop.organization_id, Role.SHOP_OWNER)
        if reply and owner is not None:
            reviews.reply(actor=owner, review=review, text=reply)
        if stars == 1 and admin is not None:
            reviews.hide(actor=admin, review=review, reason="personal_data",
                         note="Đánh giá chứa số điện thoại, mời mua ngoài sàn.")


def seed_statements() -> None:
    now = timezone.now()
    yesterday = timezone.localdate(now) - timedelta(days=1)
    for hub in Hub.objects.order_by("id"):
        manager = _user_of(hub.organization_id, Role.HUB_MANAGER)
        if manager is None:
            continue
        first = (ShopOrder.objects.filter(order__hub=hub, state=OrderState.COMPLETED,
                                          order__payment_method=PaymentMethod.VIETQR,
                                          payout_line__isnull=True)
                 .aggregate(first=Min("order__completed_at"))["first"])
        if first is not None:
            start = max(timezone.localdate(first).replace(day=1),
                        yesterday - timedelta(days=hubs.MAX_PERIOD_DAYS - 1))
            if start <= yesterday:
                hubs.make_statements(actor=manager, hub=hub, period_start=start,
                                     period_end=yesterday, now=now)
        accountant = _user_of(hub.organization_id, Role.HUB_ACCOUNTANT)
        statements = PayoutStatement.objects.filter(hub=hub)
        if accountant is not None and statements.exists() and \
                not statements.filter(state=PayoutState.PAID).exists():
            hubs.mark_paid(actor=accountant, statement=statements.order_by("id").first(),
                           reference="FT-DEMO-0001", now=now)


HUB_BUYER_PHONE = "0978000222"


def seed_hub_orders(buyer=None) -> int:
    """Three orders of the first hub's members, placed by ``buyer`` in the previous month
    and completed (paid to the hub by VietQR), unless the hub has finished months already."""
    from tinhso.market.demo_orders import PATHS, _walk

    hub = Hub.objects.filter(is_active=True, payee__isnull=False).order_by("id").first()
    if hub is None:
        return 0
    tz = timezone.get_current_timezone()
    month_start = timezone.localdate().replace(day=1)
    if Order.objects.filter(hub=hub, completed_at__lt=datetime.combine(
            month_start, time.min, tz)).exists():
        return 0
    first_day = (month_start - timedelta(days=1)).replace(day=1)
    made = 0
    for i in range(3):
        placed = datetime.combine(first_day + timedelta(days=3 + 7 * i), time(9, 30), tz)
        picked, shops = [], set()
        for product in (Product.objects.filter(shop__hub=hub, shop__is_active=True,
                                               is_active=True)
                        .select_related("shop").order_by("id")):
            if product.shop_id in shops or not product.in_season(placed.month) or \
                    product.stock < product.min_quantity + product.quantity_step * 3:
                continue
            picked.append(product)
            shops.add(product.shop_id)
            if len(picked) == 2:
                break
        if not picked:
            break
        lines = [orders.LineRequest(p.pk, p.min_quantity + p.quantity_step * ((i + n) % 3))
                 for n, p in enumerate(picked)]
        contact = orders.Contact(
            buyer_name=(buyer.get_full_name() if buyer else "") or "Hoàng Thị Mai (khách mẫu)",
            buyer_phone=HUB_BUYER_PHONE, fulfilment=Fulfilment.DELIVERY,
            commune_code=picked[0].shop.commune.code, address="Số 12, đường Trần Đăng Ninh",
            payment_method=PaymentMethod.VIETQR)
        order = orders.place_order(actor=buyer, lines=lines, contact=contact, now=placed)
        _walk(order, PATHS[OrderState.COMPLETED][2], at=placed + timedelta(days=2))
        made += 1
    return made


def _demo_buyer():
    from tinhso.accounts.models import User

    return (User.objects.filter(is_active=True, memberships__role=Role.CITIZEN)
            .order_by("id").first())


def seed_demo_hubs(*, buyer=None) -> dict[str, int]:
    """Seed (idempotently) and say what there is. ``buyer``: the demo buyer's account
    (default: the first citizen account), who places and reviews the hub's orders."""
    admin = _admin()
    if admin is not None:
        seed_targets_and_counts(admin)
    seed_hub_orders(buyer or _demo_buyer())
    seed_reviews(admin)
    seed_statements()
    return {"household_counts": HouseholdCount.objects.count(),
            "targets": KpiTarget.objects.count(), "reviews": Review.objects.count(),
            "hidden_reviews": Review.objects.exclude(hidden_at=None).count(),
            "payout_statements": PayoutStatement.objects.count()}
