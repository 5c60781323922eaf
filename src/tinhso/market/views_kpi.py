"""The commune KPI page (commune officer: their commune; province leader: every commune
and the province) and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tinhso.core.money import format_vnd
from tinhso.core.validators import EARLIEST_YEAR, LATEST_YEAR
from tinhso.market.services import kpis


def _year(request) -> tuple[int, bool]:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if not raw:
        return this_year, True
    try:
        year = int(raw)
    except ValueError:
        return this_year, False
    return (year, True) if EARLIEST_YEAR <= year <= LATEST_YEAR else (this_year, False)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _row(k: kpis.Kpi) -> dict:
    return {"k": k, "shop_pct": _pct(k.shop_pct),
            "payment_pct": _pct(k.payment_account_pct), "sales": format_vnd(k.sales_vnd),
            "bar": min(int(k.shop_pct or 0), 100),
            "households": f"{k.households:,}".replace(",", ".") if k.households else "—"}


@login_required
def kpi_page(request):
    year, ok = _year(request)
    report = kpis.kpis_for(request.user, year=year)  # PermissionDenied → 403
    if request.GET.get("format") == "xlsx" and ok:
        response = HttpResponse(
            kpis.kpis_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="chi-tieu-cua-hang-so-{year}.xlsx"'
        return response
    return render(request, "market/hub/kpis.html", {
        "report": report, "year": year, "bad_year": not ok,
        "years": list(range(timezone.localdate().year, 2020, -1)),
        "province": _row(report.province) if report.province else None,
        "rows": [_row(k) for k in report.communes]}, status=200 if ok else 422)
