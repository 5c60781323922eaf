"""Daily and monthly reports of the border gate: crossings, dwell time, fee revenue; CSV
and Excel export. Read-only (selectors), so pages and exports share one computation."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone, translation

from tinhso.border.models import Declaration, DeclarationState, Direction

PERIODS = {"day": TruncDate, "month": TruncMonth}
COLUMNS = [
    ("period", "Kỳ / Period"),
    ("gate", "Cửa khẩu / Gate"),
    ("direction_label", "Loại hình / Direction"),
    ("goods", "Hàng hóa / Goods"),
    ("enterprise", "Doanh nghiệp / Enterprise"),
    ("crossings", "Lượt xe / Crossings"),
]
DWELL_COLUMNS = [
    ("period", "Kỳ / Period"),
    ("gate", "Cửa khẩu / Gate"),
    ("crossings", "Lượt xe / Crossings"),
    ("mean_dwell_h", "Thời gian chờ TB (giờ) / Mean dwell (h)"),
    ("p95_dwell_h", "Thời gian chờ P95 (giờ) / P95 dwell (h)"),
    ("revenue_vnd", "Thu phí (₫) / Fee revenue (VND)"),
]


@dataclass
class BorderReport:
    period: str
    start: date
    end: date
    rows: list[dict]
    summary: list[dict]

    @property
    def total_crossings(self) -> int:
        return sum(r["crossings"] for r in self.rows)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def crossings_report(*, period: str, start: date, end: date) -> BorderReport:
    trunc = PERIODS[period]
    lower, upper = _bounds(start, end)
    crossed = Declaration.objects.filter(state=DeclarationState.CROSSED,
                                         crossed_at__gte=lower, crossed_at__lt=upper)
    bucket = trunc("crossed_at", tzinfo=timezone.get_current_timezone())
    rows = [
        {"period": r["bucket"], "gate": r["gate__name"], "direction": r["direction"],
         "direction_label": _direction_label(r["direction"]),
         "goods": r["goods__name"], "enterprise": r["enterprise__name"],
         "crossings": r["crossings"]}
        for r in crossed.annotate(bucket=bucket)
        .values("bucket", "gate__name", "direction", "goods__name", "enterprise__name")
        .annotate(crossings=Count("id"))
        .order_by("bucket", "gate__name", "direction", "goods__name", "enterprise__name")
    ]
    dwell: dict[tuple, list[float]] = defaultdict(list)
    for when, gate, checked_in, crossed_at in crossed.annotate(bucket=bucket).values_list(
            "bucket", "gate__name", "checked_in_at", "crossed_at"):
        hours = (crossed_at - checked_in).total_seconds() / 3600 if checked_in else None
        dwell[(when, gate)].append(hours)
    revenue = _revenue(lower, upper, trunc)
    summary = []
    for (when, gate), values in sorted(dwell.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        known = [v for v in values if v is not None]
        summary.append({
            "period": when, "gate": gate, "crossings": len(values),
            "mean_dwell_h": round(sum(known) / len(known), 2) if known else None,
            "p95_dwell_h": round(_p95(known), 2) if known else None,
            "revenue_vnd": revenue.get((when, gate), 0),
        })
    return BorderReport(period, start, end, rows, summary)


def _revenue(lower: datetime, upper: datetime, trunc) -> dict[tuple, int]:
    """Paid infrastructure fees per period and gate (payments app), when it is installed."""
    from django.apps import apps

    if not apps.is_installed("tinhso.payments"):
        return {}
    try:
        invoice = apps.get_model("payments", "Invoice")
    except LookupError:
        return {}
    from django.db.models import Sum

    paid = (invoice.objects.filter(status="paid", paid_at__gte=lower, paid_at__lt=upper,
                                   declaration__isnull=False)
            .annotate(bucket=trunc("paid_at", tzinfo=timezone.get_current_timezone()))
            .values("bucket", "declaration__gate__name").annotate(total=Sum("amount_vnd")))
    return {(r["bucket"], r["declaration__gate__name"]): r["total"] for r in paid}


def _direction_label(code: str) -> str:
    """``'export'`` → ``'Xuất khẩu / Export'`` (both languages, whoever downloads it)."""
    try:
        direction = Direction(code)
    except ValueError:
        return code
    with translation.override("vi"):
        vi = str(direction.label)
    with translation.override("en"):
        en = str(direction.label)
    return f"{vi} / {en}"


def _cell(value):
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def as_csv(report: BorderReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    for row in report.rows:
        writer.writerow([_cell(row[key]) for key, _ in COLUMNS])
    writer.writerow([])
    writer.writerow([label for _, label in DWELL_COLUMNS])
    for row in report.summary:
        writer.writerow([_cell(row[key]) for key, _ in DWELL_COLUMNS])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Vietnamese correctly


def as_xlsx(report: BorderReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for sheet, columns, rows in ((book.active, COLUMNS, report.rows),
                                 (book.create_sheet(), DWELL_COLUMNS, report.summary)):
        sheet.title = "Luot xe" if columns is COLUMNS else "Thoi gian cho - Thu phi"
        sheet.append([label for _, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row[key] for key, _ in columns])
        for column, (key, _) in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=column).column_letter
            sheet.column_dimensions[letter].width = 16 if key != "enterprise" else 40
            if key == "period":
                for cell in sheet[letter][1:]:
                    cell.number_format = "DD/MM/YYYY" if report.period == "day" else "MM/YYYY"
            if key == "revenue_vnd":
                for cell in sheet[letter][1:]:
                    cell.number_format = "#,##0"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
