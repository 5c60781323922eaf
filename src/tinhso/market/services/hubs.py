"""Payouts to the sellers: statements per period, marking them paid, the accountant's
VietQR per member payout, and the Excel export.

Which shop orders a statement pays (the split itself is the pure rule of
``market/payouts.py``):

- the order was paid by bank transfer (VietQR) into a payee account and is **completed**
  (``orderflow``: delivered and confirmed, or the dispute period ended), with its
  ``completed_at`` inside the period (Vietnam dates, both ends included);
- the **payer** is the hub that received the money (``Order.hub``), at its commission, or
  the market's collection account (``Order.hub`` empty: independent shops, or shops of
  several hubs in one order) at no commission;
- a shop order is in one statement only (``PayoutLine.shop_order`` is unique), so periods
  may be re-run or overlap without paying anything twice.

Cash on delivery is outside the statements: the cash is taken by whoever hands the goods
over, and nobody holds it for the seller.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, organizations_with_role
from tinhso.core import audit
from tinhso.core.validators import check_date_in_window, check_text
from tinhso.market import payouts
from tinhso.market.hub_errors import HubError, hub_error
from tinhso.market.models import (
    Hub,
    Order,
    OrderState,
    PaymentMethod,
    PayoutLine,
    PayoutState,
    PayoutStatement,
    Shop,
    ShopOrder,
)
from tinhso.payments.vietqr import build_payload

MAX_PERIOD_DAYS = 366
REFERENCE_MAX = 60


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tz),
            datetime.combine(end + timedelta(days=1), time.min, tz))


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or bool(
        organizations_with_role(user, {Role.SYSTEM_ADMIN}))


# ---------------------------------------------------------------- who may do what


def can_make_statements(user, hub: Hub | None) -> bool:
    if hub is None:
        return has_perm(user, "market.market_payouts")
    return _is_admin(user) or has_perm(user, "market.hub_payouts", hub.organization_id)


def can_mark_paid(user, statement: PayoutStatement) -> bool:
    if statement.hub_id is None:
        return has_perm(user, "market.market_payouts")
    return _is_admin(user) or has_perm(user, "market.pay_out", statement.hub.organization_id)


def statements_visible_to(user) -> QuerySet[PayoutStatement]:
    """The one row-level rule for statements: the shop's owners see theirs, the hub's
    staff their hub's, the administrator all; anyone else none (a detail is a 404)."""
    rows = PayoutStatement.objects.select_related("hub__organization", "shop")
    if user is None or not getattr(user, "is_authenticated", False):
        return rows.none()
    if _is_admin(user):
        return rows
    rule = Q(pk__in=[])
    shops = organizations_with_role(user, {Role.SHOP_OWNER})
    if shops:
        rule |= Q(shop__organization_id__in=shops)
    hubs = organizations_with_role(user, {Role.HUB_MANAGER, Role.HUB_ACCOUNTANT})
    if hubs:
        rule |= Q(hub__organization_id__in=hubs)
    return rows.filter(rule)


# ---------------------------------------------------------------- statements


def payable_shop_orders(hub: Hub | None, start: date, end: date) -> QuerySet[ShopOrder]:
    """Completed, transfer-paid shop orders of the period not yet in any statement."""
    lower, upper = _local_bounds(start, end)
    rows = ShopOrder.objects.filter(
        state=OrderState.COMPLETED, order__state=OrderState.COMPLETED,
        order__payment_method=PaymentMethod.VIETQR, order__payee__isnull=False,
        order__completed_at__gte=lower, order__completed_at__lt=upper,
        payout_line__isnull=True)
    rows = rows.filter(order__hub=hub) if hub is not None else rows.filter(order__hub__isnull=True)
    return rows.select_related("order", "shop").order_by("shop_id", "order__completed_at", "id")


def check_period(start: date, end: date, *, today: date) -> tuple[date, date]:
    check_date_in_window(start, "period_start")
    check_date_in_window(end, "period_end")
    if end < start:
        raise hub_error(HubError.PERIOD_ORDER, field="period_end")
    if end >= today:
        raise hub_error(HubError.PERIOD_OPEN, field="period_end",
                        today=today.strftime("%d/%m/%Y"))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise hub_error(HubError.PERIOD_TOO_LONG, field="period_end", days=MAX_PERIOD_DAYS)
    return start, end


def _code(statement: PayoutStatement) -> str:
    return f"CT{statement.period_start:%y%m}-{statement.pk:06d}"


@dataclass
class Generated:
    statements: list[PayoutStatement]
    shop_orders: int


def make_statements(*, actor, hub: Hub | None, period_start: date, period_end: date,
                    now: datetime | None = None) -> Generated:
    """One statement per shop with payable shop orders in the period (none for a shop
    whose statement of this exact period exists already: running it again adds nothing).
    The hub's staff make their hub's; the administrator the market's."""
    now = now or timezone.now()
    if not can_make_statements(actor, hub):
        raise PermissionDenied("market.hub_payouts")
    check_period(period_start, period_end, today=timezone.localdate(now))
    bp = hub.commission_bp if hub is not None else 0
    try:
        with transaction.atomic():
            if hub is not None:  # one maker at a time per hub
                Hub.objects.select_for_update().filter(pk=hub.pk).first()
            existing = set(PayoutStatement.objects.filter(
                hub=hub, period_start=period_start, period_end=period_end)
                .values_list("shop_id", flat=True))
            by_shop: dict[int, list[ShopOrder]] = {}
            for part in payable_shop_orders(hub, period_start, period_end):
                if part.shop_id not in existing:
                    by_shop.setdefault(part.shop_id, []).append(part)
            made = []
            for shop_id, parts in by_shop.items():
                made.append(_statement(actor=actor, hub=hub, shop_id=shop_id, parts=parts,
                                       bp=bp, start=period_start, end=period_end, now=now))
    except IntegrityError as exc:  # another maker took these shop orders meanwhile
        raise hub_error(HubError.PAYOUT_BUSY) from exc
    return Generated(made, sum(len(v) for v in by_shop.values()))


def _statement(*, actor, hub, shop_id, parts, bp, start, end, now) -> PayoutStatement:
    member = payouts.member_payouts(
        [payouts.Part(shop_id, p.items_total_vnd, p.delivery_fee_vnd, key=p) for p in parts],
        bp)[shop_id]
    statement = PayoutStatement.objects.create(
        code=f"new-{shop_id}-{now.timestamp()}"[:25], hub=hub, shop_id=shop_id,
        period_start=start, period_end=end, items_total_vnd=member.items_total_vnd,
        delivery_total_vnd=member.delivery_total_vnd, commission_vnd=member.commission_vnd,
        amount_vnd=member.payout_vnd, created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    statement.code = _code(statement)
    statement.save(update_fields=["code"])
    PayoutLine.objects.bulk_create([
        PayoutLine(statement=statement, shop_order=s.part.key, order_code=s.part.key.order.code,
                   items_total_vnd=s.part.items_total_vnd, delivery_fee_vnd=s.part.delivery_fee_vnd,
                   commission_vnd=s.commission_vnd, payout_vnd=s.payout_vnd)
        for s in member.splits])
    for s in member.splits:
        s.part.key.commission_vnd, s.part.key.payout_vnd = s.commission_vnd, s.payout_vnd
    ShopOrder.objects.bulk_update([s.part.key for s in member.splits],
                                  ["commission_vnd", "payout_vnd"])
    audit.record(actor=actor, action="market.payout_statement.create", obj=statement,
                 after={"hub": hub.slug if hub else None, "shop": statement.shop_id,
                        "period": [start.isoformat(), end.isoformat()],
                        "shop_orders": len(member.splits), "commission_bp": bp,
                        "commission_vnd": member.commission_vnd,
                        "amount_vnd": member.payout_vnd},
                 organization=hub.organization if hub else None)
    return statement


def mark_paid(*, actor, statement: PayoutStatement, reference: str = "",
              now: datetime | None = None) -> PayoutStatement:
    """The accountant sent the money: the statement is paid (who, when, the bank's
    reference), once."""
    now = now or timezone.now()
    if not can_mark_paid(actor, statement):
        raise PermissionDenied("market.pay_out")
    reference = check_text((reference or "").strip(), "reference")
    if len(reference) > REFERENCE_MAX:
        raise hub_error(HubError.TEXT_TOO_LONG, field="reference", max=REFERENCE_MAX)
    with transaction.atomic():
        done = PayoutStatement.objects.filter(pk=statement.pk, state=PayoutState.DUE).update(
            state=PayoutState.PAID, paid_at=now, paid_by=actor, paid_reference=reference)
        if not done:
            raise hub_error(HubError.PAYOUT_ALREADY_PAID)
        statement.refresh_from_db()
        audit.record(actor=actor, action="market.payout_statement.paid", obj=statement,
                     before={"state": PayoutState.DUE},
                     after={"state": PayoutState.PAID, "amount_vnd": statement.amount_vnd,
                            "reference": reference},
                     organization=statement.hub.organization if statement.hub_id else None)
    return statement


# ---------------------------------------------------------------- paying: QR and Excel


def transfer_purpose(statement: PayoutStatement) -> str:
    return f"{statement.code} CHI TRA"


def payout_vietqr(statement: PayoutStatement) -> str | None:
    """The dynamic VietQR the accountant scans to pay this member: the shop's own account,
    the statement's amount, its code in the purpose. None when there is nothing to pay or
    the shop has no payout account yet."""
    shop: Shop = statement.shop
    if statement.amount_vnd <= 0 or not shop.has_bank_account:
        return None
    return build_payload(bank_bin=shop.bank_bin, account=shop.account_number,
                         amount=statement.amount_vnd, purpose=transfer_purpose(statement),
                         bill_number=statement.code)


COLUMNS = [
    ("code", "Mã bảng kê / Statement"),
    ("shop", "Hộ / cửa hàng / Shop"),
    ("commune", "Xã / phường / Commune"),
    ("bank", "Ngân hàng / Bank"),
    ("account_number", "Số tài khoản / Account"),
    ("account_name", "Chủ tài khoản / Account holder"),
    ("orders", "Số đơn / Orders"),
    ("items_total_vnd", "Tiền hàng (₫) / Goods (VND)"),
    ("delivery_total_vnd", "Phí giao (₫) / Delivery (VND)"),
    ("commission_vnd", "Hoa hồng (₫) / Commission (VND)"),
    ("amount_vnd", "Chi trả (₫) / Payout (VND)"),
    ("state", "Trạng thái / State"),
]
MONEY = {"items_total_vnd", "delivery_total_vnd", "commission_vnd", "amount_vnd"}
STATE_LABELS = {PayoutState.DUE: "Chờ chi trả / Due", PayoutState.PAID: "Đã chi trả / Paid"}


def statement_rows(statements) -> list[dict]:
    from django.db.models import Count

    counts = dict(PayoutLine.objects.filter(statement__in=[s.pk for s in statements])
                  .values_list("statement").annotate(n=Count("id")).values_list("statement", "n"))
    return [{"code": s.code, "shop": s.shop.name, "commune": str(s.shop.commune),
             "bank": s.shop.bank_name, "account_number": s.shop.account_number,
             "account_name": s.shop.account_name, "orders": counts.get(s.pk, 0),
             "items_total_vnd": s.items_total_vnd, "delivery_total_vnd": s.delivery_total_vnd,
             "commission_vnd": s.commission_vnd, "amount_vnd": s.amount_vnd,
             "state": STATE_LABELS.get(s.state, s.state)} for s in statements]


def statements_xlsx(title: str, statements) -> bytes:
    """A real workbook: a title line, the header, one row per member, the totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = statement_rows(list(statements))
    book = Workbook()
    sheet = book.active
    sheet.title = "Chi tra"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[key] for key, _ in COLUMNS])
    totals = ["Tổng cộng / Total", "", "", "", "", "", sum(r["orders"] for r in rows)]
    totals += [sum(r[key] for r in rows) for key, _ in COLUMNS[7:11]] + [""]
    sheet.append(totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, (key, _) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=2, column=column).column_letter
        sheet.column_dimensions[letter].width = 30 if key in {"shop", "account_name"} else 18
        if key in MONEY:
            for cell in sheet[letter][2:]:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reads for the pages


def hub_of_user(user, slug: str | None = None) -> Hub | None:
    """The hub whose staff the user is (the one named by ``slug`` if several), or None."""
    hubs = Hub.objects.select_related("organization", "commune")
    if not _is_admin(user):
        hubs = hubs.filter(organization_id__in=organizations_with_role(
            user, {Role.HUB_MANAGER, Role.HUB_ACCOUNTANT}))
    if slug:
        hubs = hubs.filter(slug=slug)
    return hubs.order_by("name", "id").first()


def hub_orders(hub: Hub) -> QuerySet[Order]:
    return (Order.objects.filter(Q(hub=hub) | Q(pickup_hub=hub))
            .prefetch_related("shop_orders__shop").order_by("-placed_at", "-id"))
