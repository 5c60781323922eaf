"""Commune KPIs of "every household a digital store": per commune and for the province.

For a year ``Y`` and a moment ``now`` (for "the last 30 days"):

- **households**: the commune's latest ``HouseholdCount`` of year ``Y`` or before (entered
  by an administrator with its source);
- **households with a shop**: open shops of the commune created by the end of ``Y`` (a shop
  is one household's);
- **households with a payment account**: those of them with a payout bank account;
- **active shops**: open shops with an order placed or a product changed in the 30 days
  up to ``now``;
- **orders, sales**: orders placed in ``Y`` with money received or on its way (paid, or
  cash on delivery being fulfilled; not cancelled, expired or refunded) and their goods;
- **targets**: the ``KpiTarget`` of the next milestone year at or after ``Y`` (50 % by
  2025, 80 % by 2030), shown against the actual shares.

The province's shares count only the communes that have a household figure, so a commune
nobody counted yet does not inflate them. Everything is aggregated in the database: five
queries whatever the number of communes and shops.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from tinhso.accounts.models import ApiKey, ApiScope, Role
from tinhso.accounts.permissions import has_perm, organizations_with_role
from tinhso.core import audit
from tinhso.core.models import AdministrativeUnit
from tinhso.core.validators import EARLIEST_YEAR, LATEST_YEAR, check_text
from tinhso.market.hub_errors import HubError, hub_error
from tinhso.market.models import (
    CommuneOffice,
    HouseholdCount,
    KpiTarget,
    OrderState,
    Product,
    Shop,
    ShopOrder,
)

ACTIVE_DAYS = 30
MAX_HOUSEHOLDS = 10_000_000
SOLD_STATES = (OrderState.PAID, OrderState.PACKED, OrderState.SHIPPED,
               OrderState.READY_FOR_PICKUP, OrderState.DELIVERED, OrderState.COMPLETED)
API_KEY_SCOPE = ApiScope.MARKET_KPIS
COMMUNE_KINDS = (AdministrativeUnit.Kind.COMMUNE, AdministrativeUnit.Kind.WARD)


def _pct(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Kpi:
    code: int | None
    name: str
    households: int | None = None
    households_year: int | None = None
    households_source: str = ""
    shops: int = 0
    with_payment_account: int = 0
    active_shops_30d: int = 0
    orders: int = 0
    sales_vnd: int = 0
    shop_pct: float | None = None
    payment_account_pct: float | None = None
    target_shop_pct: int | None = None
    target_payment_account_pct: int | None = None

    def finish(self, target: KpiTarget | None) -> Kpi:
        self.shop_pct = _pct(self.shops, self.households)
        self.payment_account_pct = _pct(self.with_payment_account, self.households)
        if target is not None:
            self.target_shop_pct = target.shop_pct
            self.target_payment_account_pct = target.payment_account_pct
        return self

    @property
    def shop_on_track(self) -> bool | None:
        if self.shop_pct is None or self.target_shop_pct is None:
            return None
        return self.shop_pct >= self.target_shop_pct

    @property
    def payment_on_track(self) -> bool | None:
        if self.payment_account_pct is None or self.target_payment_account_pct is None:
            return None
        return self.payment_account_pct >= self.target_payment_account_pct


@dataclass
class KpiReport:
    year: int
    at: datetime
    communes: list[Kpi]
    province: Kpi | None
    target: KpiTarget | None
    targets: list[KpiTarget] = field(default_factory=list)

    def as_dict(self) -> dict:
        def one(k: Kpi) -> dict:
            return {**asdict(k), "shop_on_track": k.shop_on_track,
                    "payment_on_track": k.payment_on_track}

        return {"year": self.year, "at": self.at,
                "target": ({"year": self.target.year, "shop_pct": self.target.shop_pct,
                            "payment_account_pct": self.target.payment_account_pct}
                           if self.target else None),
                "targets": [{"year": t.year, "shop_pct": t.shop_pct,
                             "payment_account_pct": t.payment_account_pct}
                            for t in self.targets],
                "province": one(self.province) if self.province else None,
                "communes": [one(k) for k in self.communes]}


# ---------------------------------------------------------------- who sees what


def scope_for(actor) -> set[int] | None:
    """The communes ``actor`` may read: None = all (province leader, administrator, an API
    key of the operations dashboard with scope ``market.kpis``); a commune officer's
    communes (``CommuneOffice`` of their organisations); PermissionDenied otherwise."""
    if isinstance(actor, ApiKey):
        if actor.has_scope(API_KEY_SCOPE):
            return None
        raise PermissionDenied(API_KEY_SCOPE)
    if has_perm(actor, "market.kpis_province"):
        return None
    if has_perm(actor, "market.kpis"):
        orgs = organizations_with_role(actor, {Role.COMMUNE_OFFICER})
        return set(CommuneOffice.objects.filter(organization_id__in=orgs)
                   .values_list("commune_id", flat=True))
    raise PermissionDenied("market.kpis")


def check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or \
            not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise hub_error(HubError.YEAR, field="year", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return year


# ---------------------------------------------------------------- the computation


def target_for(year: int, targets: list[KpiTarget]) -> KpiTarget | None:
    ahead = [t for t in targets if t.year >= year]
    if ahead:
        return min(ahead, key=lambda t: t.year)
    return max(targets, key=lambda t: t.year) if targets else None


def commune_kpis(*, year: int, now: datetime | None = None,
                 communes: set[int] | None = None) -> KpiReport:
    """The KPIs of ``year`` for ``communes`` (ids; None = every commune and ward, with
    the province's totals)."""
    now = now or timezone.now()
    year = check_year(year)
    tz = timezone.get_current_timezone()
    year_start = datetime.combine(date(year, 1, 1), time.min, tz)
    year_end = datetime.combine(date(year + 1, 1, 1), time.min, tz)
    since = now - timedelta(days=ACTIVE_DAYS)

    units = AdministrativeUnit.objects.filter(kind__in=COMMUNE_KINDS).order_by("name", "code")
    if communes is not None:
        units = units.filter(pk__in=communes)
    rows = {u.pk: Kpi(u.code, u.name) for u in units}

    counts = HouseholdCount.objects.filter(year__lte=year).order_by("commune_id", "-year")
    if communes is not None:
        counts = counts.filter(commune_id__in=communes)
    for count in counts.only("commune_id", "year", "households", "source"):
        row = rows.get(count.commune_id)
        if row is not None and row.households is None:
            row.households, row.households_year = count.households, count.year
            row.households_source = count.source

    shops = Shop.objects.filter(is_active=True, created_at__lt=year_end)
    if communes is not None:
        shops = shops.filter(commune_id__in=communes)
    recent_order = ShopOrder.objects.filter(shop=OuterRef("pk"), order__placed_at__gte=since,
                                            order__placed_at__lte=now)
    recent_product = Product.objects.filter(shop=OuterRef("pk"), updated_at__gte=since,
                                            updated_at__lte=now)
    has_account = ~Q(bank_bin="") & ~Q(account_number="")
    for agg in (shops.annotate(recent=Exists(recent_order) | Exists(recent_product))
                .values("commune_id")
                .annotate(n=Count("id"), with_account=Count("id", filter=has_account),
                          active=Count("id", filter=Q(recent=True)))
                .order_by()):
        row = rows.get(agg["commune_id"])
        if row is not None:
            row.shops, row.with_payment_account = agg["n"], agg["with_account"]
            row.active_shops_30d = agg["active"]

    sold = ShopOrder.objects.filter(state__in=SOLD_STATES, order__placed_at__gte=year_start,
                                    order__placed_at__lt=year_end)
    if communes is not None:
        sold = sold.filter(shop__commune_id__in=communes)
    for agg in (sold.values("shop__commune_id")
                .annotate(orders=Count("order_id", distinct=True), sales=Sum("items_total_vnd"))
                .order_by()):
        row = rows.get(agg["shop__commune_id"])
        if row is not None:
            row.orders, row.sales_vnd = agg["orders"], int(agg["sales"] or 0)

    targets = list(KpiTarget.objects.order_by("year"))
    target = target_for(year, targets)
    listed = [row.finish(target) for row in rows.values()]
    province = None
    if communes is None:
        counted = [r for r in listed if r.households]
        province = Kpi(None, "Tỉnh Lạng Sơn",
                       households=sum(r.households for r in counted) or None,
                       households_year=year,
                       shops=sum(r.shops for r in listed),
                       with_payment_account=sum(r.with_payment_account for r in listed),
                       active_shops_30d=sum(r.active_shops_30d for r in listed),
                       orders=sum(r.orders for r in listed),
                       sales_vnd=sum(r.sales_vnd for r in listed))
        province.finish(target)
        # The shares count the communes with a household figure only.
        households = province.households
        province.shop_pct = _pct(sum(r.shops for r in counted), households)
        province.payment_account_pct = _pct(sum(r.with_payment_account for r in counted),
                                            households)
    return KpiReport(year, now, listed, province, target, targets)


def kpis_for(actor, *, year: int, now: datetime | None = None) -> KpiReport:
    return commune_kpis(year=year, now=now, communes=scope_for(actor))


# ---------------------------------------------------------------- the figures an admin enters


def set_household_count(*, actor, commune: AdministrativeUnit, year: int, households: int,
                        source: str, now: datetime | None = None) -> HouseholdCount:
    """Enter (or correct) a commune's household count for a year, with its source."""
    now = now or timezone.now()
    if not has_perm(actor, "market.household_counts"):
        raise PermissionDenied("market.household_counts")
    year = check_year(year)
    if isinstance(households, bool) or not isinstance(households, int) or \
            not 1 <= households <= MAX_HOUSEHOLDS:
        raise hub_error(HubError.HOUSEHOLDS, field="households", max=MAX_HOUSEHOLDS)
    source = check_text((source or "").strip(), "source")
    if not source:
        raise hub_error(HubError.SOURCE_REQUIRED, field="source")
    if len(source) > 255:
        raise hub_error(HubError.TEXT_TOO_LONG, field="source", max=255)
    with transaction.atomic():
        before = HouseholdCount.objects.select_for_update().filter(
            commune=commune, year=year).first()
        row, _ = HouseholdCount.objects.update_or_create(
            commune=commune, year=year,
            defaults={"households": households, "source": source, "entered_by": actor,
                      "entered_at": now})
        audit.record(actor=actor, action="market.household_count.set", obj=row,
                     before=({"households": before.households, "source": before.source}
                             if before else None),
                     after={"commune": commune.code, "year": year, "households": households,
                            "source": source})
    return row


def set_target(*, actor, year: int, shop_pct: int, payment_account_pct: int,
               source: str = "") -> KpiTarget:
    if not has_perm(actor, "market.household_counts"):
        raise PermissionDenied("market.household_counts")
    year = check_year(year)
    for name, value in (("shop_pct", shop_pct), ("payment_account_pct", payment_account_pct)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise hub_error(HubError.PERCENT, field=name)
    source = check_text((source or "").strip(), "source")[:255]
    with transaction.atomic():
        row, _ = KpiTarget.objects.update_or_create(
            year=year, defaults={"shop_pct": shop_pct, "payment_account_pct": payment_account_pct,
                                 "source": source})
        audit.record(actor=actor, action="market.kpi_target.set", obj=row,
                     after={"year": year, "shop_pct": shop_pct,
                            "payment_account_pct": payment_account_pct})
    return row


# ---------------------------------------------------------------- Excel

COLUMNS = [
    ("name", "Xã / phường / Commune"),
    ("households", "Số hộ / Households"),
    ("households_source", "Nguồn số hộ / Source"),
    ("shops", "Hộ có cửa hàng số / Households with a shop"),
    ("shop_pct", "Tỷ lệ (%) / Share (%)"),
    ("target_shop_pct", "Mục tiêu (%) / Target (%)"),
    ("with_payment_account", "Hộ có tài khoản thanh toán / With a payment account"),
    ("payment_account_pct", "Tỷ lệ (%) / Share (%)"),
    ("target_payment_account_pct", "Mục tiêu (%) / Target (%)"),
    ("active_shops_30d", "Cửa hàng hoạt động 30 ngày / Active shops (30 days)"),
    ("orders", "Đơn hàng / Orders"),
    ("sales_vnd", "Doanh số (₫) / Sales (VND)"),
]


def kpis_xlsx(report: KpiReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Chi tieu {report.year}"
    sheet.append([f"Chỉ tiêu cửa hàng số năm {report.year} / Digital-store KPIs {report.year}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.communes:
        sheet.append([getattr(row, key) for key, _ in COLUMNS])
    if report.province is not None:
        sheet.append([getattr(report.province, key) for key, _ in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for column, (key, _) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=2, column=column).column_letter
        sheet.column_dimensions[letter].width = 28 if key in {"name", "households_source"} \
            else 16
        if key == "sales_vnd":
            for cell in sheet[letter][2:]:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
