"""Reads of the seller's dashboard and the hub manager's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role
from tinhso.market.models import (
    Hub,
    OrderState,
    PaymentMethod,
    PayoutStatement,
    Product,
    Review,
    Shop,
    ShopOrder,
)

OCOP_WARNING_DAYS = 60
# Low stock: fewer than this many of the smallest purchase left.
LOW_STOCK_PURCHASES = 3
SALES_WEEKS = 8
# What the seller has to act on now: pack a paid order (or a cash one), ship it or hand
# it over, deliver it. A transfer order still awaiting payment is not theirs to act on.
TO_HANDLE = Q(state__in=[OrderState.PAID, OrderState.PACKED, OrderState.SHIPPED,
                         OrderState.READY_FOR_PICKUP]) | Q(
    state=OrderState.PLACED, order__payment_method=PaymentMethod.CASH_ON_DELIVERY)
SOLD_STATES = (OrderState.PAID, OrderState.PACKED, OrderState.SHIPPED,
               OrderState.READY_FOR_PICKUP, OrderState.DELIVERED, OrderState.COMPLETED)


def shops_of(user) -> QuerySet[Shop]:
    return Shop.objects.filter(organization_id__in=organizations_with_role(
        user, {Role.SHOP_OWNER})).select_related("hub", "commune").order_by("name", "id")


def orders_to_handle(shop: Shop) -> QuerySet[ShopOrder]:
    return (ShopOrder.objects.filter(TO_HANDLE, shop=shop).select_related("order")
            .prefetch_related("lines").order_by("order__placed_at", "id"))


def low_stock(shop: Shop) -> QuerySet[Product]:
    return (Product.objects.filter(shop=shop, is_active=True,
                                   stock__lt=F("min_quantity") * LOW_STOCK_PURCHASES)
            .order_by("stock", "name"))


def ocop_expiring(shop: Shop, today: date) -> QuerySet[Product]:
    """OCOP products whose certificate ends within 60 days, or has ended."""
    return (Product.objects.filter(shop=shop, ocop_stars__isnull=False,
                                   ocop_expires_on__lte=today + timedelta(days=OCOP_WARNING_DAYS))
            .order_by("ocop_expires_on", "name"))


@dataclass(frozen=True)
class Week:
    start: date
    sales_vnd: int

    @property
    def label(self) -> str:
        return self.start.strftime("%d/%m")


def weekly_sales(shop: Shop, now: datetime, weeks: int = SALES_WEEKS) -> list[Week]:
    """Goods sold per week (Monday to Sunday, Vietnam time) over the last ``weeks``,
    the current one included; empty weeks are zeros."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    lower = datetime.combine(first, datetime.min.time(), tz)
    rows = (ShopOrder.objects.filter(shop=shop, state__in=SOLD_STATES,
                                     order__placed_at__gte=lower, order__placed_at__lte=now)
            .annotate(week=TruncWeek("order__placed_at", tzinfo=tz)).values("week")
            .annotate(total=Sum("items_total_vnd")).order_by())
    totals = {}
    for row in rows:
        week = row["week"]
        key = week.date() if isinstance(week, datetime) else week
        totals[key] = int(row["total"] or 0)
    return [Week(first + timedelta(weeks=i), totals.get(first + timedelta(weeks=i), 0))
            for i in range(weeks)]


def recent_reviews(shop: Shop, limit: int = 10) -> QuerySet[Review]:
    return (Review.objects.shown().filter(product__shop=shop).select_related("product")
            .order_by("replied_at", "-created_at")[:limit])  # unanswered (NULL) first


def shop_statements(shop: Shop) -> QuerySet[PayoutStatement]:
    return PayoutStatement.objects.filter(shop=shop).select_related("hub")[:24]


@dataclass
class HubSummary:
    members: list[Shop]
    orders: list
    statements: list[PayoutStatement]
    commission_vnd: int
    due_vnd: int


def hub_summary(hub: Hub, *, orders: int = 30) -> HubSummary:
    from tinhso.market.models import Order

    members = list(hub.members.select_related("commune").order_by("name"))
    recent = list(Order.objects.filter(Q(hub=hub) | Q(pickup_hub=hub))
                  .order_by("-placed_at", "-id")[:orders])
    statements = list(PayoutStatement.objects.filter(hub=hub).select_related("shop")
                      .order_by("-period_start", "shop__name")[:200])
    sums = PayoutStatement.objects.filter(hub=hub).aggregate(
        c=Sum("commission_vnd"), due=Sum("amount_vnd", filter=Q(state="due")))
    return HubSummary(members, recent, statements, int(sums["c"] or 0), int(sums["due"] or 0))


def quantity_text(value: Decimal) -> str:
    """1.500 → '1,5' (Vietnamese decimal comma, no trailing zeros)."""
    return f"{value.normalize():f}".replace(".", ",")
