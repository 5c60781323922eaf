"""Operations dashboard API under /api/v1/ioc: the same services and selectors as the
pages. Open data (``/open/…``) needs no login; everything else a session."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from tinhso.accounts.auth import session_auth
from tinhso.accounts.permissions import require
from tinhso.core.errors import FieldCollector
from tinhso.core.validators import check_date_in_window
from tinhso.ioc import reports, selectors, services
from tinhso.ioc.models import Alert, ManualValue, Report
from tinhso.ioc.schemas import (
    AcknowledgeIn,
    AlertOut,
    DashboardOut,
    KioskIn,
    KioskOut,
    ManualValueIn,
    ManualValueOut,
    OpenDataOut,
    ReportIn,
    ReportOut,
    ReturnIn,
    TargetIn,
    TargetOut,
)

router = Router(tags=["ioc"])


def _figure(s) -> dict | None:
    if s is None:
        return None
    return {"period": s.period, "value": s.value, "target": s.target, "status": s.status,
            "state": s.state, "computed_at": s.computed_at, "last_good_at": s.last_good_at}


def _tile(t: selectors.Tile) -> dict:
    i = t.indicator
    return {"code": i.code, "name_vi": i.name_vi, "name_en": i.name_en, "unit": i.unit,
            "owner": i.owner.name, "frequency": i.frequency, "direction": i.direction,
            "is_public": i.is_public, "system_url": i.system_url,
            "latest": _figure(t.latest), "trend": [_figure(s) for s in t.series]}


def _value(v: ManualValue) -> dict:
    return {"id": v.pk, "indicator": v.indicator.code, "period": v.period, "value": v.value,
            "state": v.state, "entered_at": v.entered_at, "reviewed_at": v.reviewed_at,
            "return_reason": v.return_reason}


def _alert(a: Alert) -> dict:
    return {"id": a.pk, "indicator": a.indicator.code, "rule": a.rule, "period": a.period,
            "value": a.value, "target": a.target, "raised_at": a.raised_at,
            "acknowledged_at": a.acknowledged_at, "note": a.note}


@router.get("/dashboard", response=DashboardOut, auth=session_auth)
def dashboard(request, commune: int | None = None):
    """The tiles the user may see: the province's, or one commune's (``commune`` = code)."""
    require(request.auth, "ioc.dashboard")
    unit = None
    if commune is not None:
        unit = selectors.commune_for(request.auth, commune)
        if unit is None:
            raise Http404
    elif selectors.access.communes_visible_to(request.auth) is not None:
        raise Http404  # a commune officer reads their commune, not the province
    return {"commune": commune, "tiles": [_tile(t) for t in selectors.dashboard(
        request.auth, commune=unit)]}


@router.post("/values", response={201: ManualValueOut}, auth=session_auth)
def submit_value(request, payload: Form[ManualValueIn],
                 document: File[UploadedFile] = None):
    """A quarter's manual figure with its source document (multipart)."""
    row = services.submit_manual_value(
        actor=request.auth, indicator_code=payload.indicator, period=payload.period,
        value=payload.value, unit=payload.unit, document=document, note=payload.note,
        now=timezone.now())
    return Status(201, _value(row))


def _review(request, pk: int, act) -> dict:
    try:
        return _value(act())
    except ManualValue.DoesNotExist:
        raise Http404 from None


@router.post("/values/{int:pk}/approve", response=ManualValueOut, auth=session_auth)
def approve_value(request, pk: int):
    return _review(request, pk, lambda: services.approve_manual_value(
        actor=request.auth, value_id=pk, now=timezone.now()))


@router.post("/values/{int:pk}/return", response=ManualValueOut, auth=session_auth)
def return_value(request, pk: int, payload: ReturnIn):
    return _review(request, pk, lambda: services.return_manual_value(
        actor=request.auth, value_id=pk, reason=payload.reason, note=payload.note,
        now=timezone.now()))


@router.post("/targets", response=TargetOut, auth=session_auth)
def set_target(request, payload: TargetIn):
    target = services.set_target(actor=request.auth, indicator_code=payload.indicator,
                                 year=payload.year, value=payload.value, now=timezone.now())
    return {"indicator": payload.indicator, "year": target.year, "value": target.value}


@router.get("/alerts", response=list[AlertOut], auth=session_auth)
def alerts(request):
    require(request.auth, "ioc.dashboard")
    return [_alert(a) for a in selectors.open_alerts(request.auth)[:200]]


@router.post("/alerts/{int:pk}/acknowledge", response=AlertOut, auth=session_auth)
def acknowledge(request, pk: int, payload: AcknowledgeIn):
    get_object_or_404(selectors.open_alerts(request.auth), pk=pk)
    try:
        alert = services.acknowledge_alert(actor=request.auth, alert_id=pk, note=payload.note,
                                           now=timezone.now())
    except Alert.DoesNotExist:
        raise Http404 from None
    return _alert(alert)


@router.post("/reports", response={201: ReportOut}, auth=session_auth)
def regenerate_report(request, payload: ReportIn):
    """(Re)generate the weekly or monthly report of the period containing ``day``."""
    require(request.auth, "ioc.reports")
    check = FieldCollector()
    day = check.field("day", check_date_in_window, payload.day, "day")
    check.raise_if_invalid()
    report = reports.generate(kind=payload.kind, day=day, now=timezone.now(),
                              actor=request.auth)
    return Status(201, _report(report))


def _report(r: Report) -> dict:
    return {"id": r.pk, "kind": r.kind, "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(), "generated_at": r.generated_at}


@router.get("/reports", response=list[ReportOut], auth=session_auth)
def list_reports(request):
    require(request.auth, "ioc.reports")
    return [_report(r) for r in Report.objects.all()[:100]]


@router.post("/kiosk-tokens", response={201: KioskOut}, auth=session_auth)
def kiosk_token(request, payload: KioskIn):
    """A token for a wall screen of the operations room (shown once)."""
    row, token = services.issue_kiosk_token(actor=request.auth, name=payload.name,
                                            now=timezone.now())
    return Status(201, {"name": row.name, "token": token,
                        "url": reverse("ioc:wall", kwargs={"token": token})})


# ---------------------------------------------------------------- open data (no login)


@router.get("/open/indicators", response=OpenDataOut, url_name="ioc_open_json")
def open_indicators(request):
    """The public indicators with definitions, targets and figures, and the licence."""
    return {"licence": selectors.LICENCE, "indicators": selectors.open_data()}


@router.get("/open/indicators.csv", url_name="ioc_open_csv")
def open_indicators_csv(request):
    response = HttpResponse(selectors.open_data_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chi-tieu-chuyen-doi-so.csv"'
    return response

