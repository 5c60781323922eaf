"""Pages of the one-stop public services: statistics (Decision 766), public tracking and
rating, the officers' consoles (my dossiers, the desk's queue, the leader's approvals),
the dossier page with its actions, and the tracking register (BM.06). Same rule as the
API: parse, authorise, call a service or selector, render."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Window
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.permissions import require, roles_of
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.periods import period_for_page
from tinhso.core.request_context import client_address
from tinhso.core.validators import InvalidValue
from tinhso.publicservices import selectors, services, statistics
from tinhso.publicservices.access import (
    OFFICER_ROLES,
    PROVINCE_ROLES,
    agencies_of,
    visible_dossier,
)
from tinhso.publicservices.errors import PublicServiceError, public_service_error
from tinhso.publicservices.models import DossierState, RefusalReason, StepKind
from tinhso.publicservices.ratings import CRITERIA, RatingLevel
from tinhso.publicservices.services import feedback, fees
from tinhso.publicservices.stats_export import (
    COLUMNS,
    DIMENSION_LABELS_VI,
    GROUP_LABELS_VI,
    INDICATOR_LABELS_VI,
    row_label,
    workbook,
)
from tinhso.publicservices.workflow import OPEN_STATES

S = DossierState
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS = (2020, 2100)


def _error_text(error) -> str:
    if isinstance(error, InvalidValue):
        return error.message(current_language())
    if isinstance(error, InvalidInput):
        return " ".join(item["message"] for item in error.as_list(current_language()))
    return error.message(current_language())


# ---------------------------------------------------------------- statistics


def _year(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = 0
    if not YEARS[0] <= year <= YEARS[1]:
        messages.error(request, public_service_error(
            PublicServiceError.YEAR_RANGE, field="year", low=YEARS[0], high=YEARS[1],
        ).message(current_language()))
        return today.year, 422
    return year, 200


def _chart(rows: list[dict], label, value_key: str = "total", top: int = 15) -> dict:
    """A horizontal bar chart as data for the SVG template (no inline style: sizes are
    SVG attributes, colours CSS classes)."""
    bars = [r for r in rows if r.get(value_key) is not None][:top]
    height = 22
    return {"height": height * len(bars) + 4, "bars": [
        {"label": label(r)[:48], "value": r[value_key], "y": i * height + 2,
         "text_y": i * height + 16, "width": round(max(float(r[value_key]), 0) * 3, 1),
         "value_x": round(200 + max(float(r[value_key]), 0) * 3 + 4, 1)}
        for i, r in enumerate(bars)]}


@login_required
def statistics_page(request):
    """Decision 766 index of the province, the agencies and the communes for one year,
    the counts by agency, field, procedure or month, charts and the Excel export."""
    require(request.user, "publicservices.statistics")
    year, status = _year(request)
    by = request.GET.get("by") if request.GET.get("by") in DIMENSION_LABELS_VI else "agency"
    period = statistics.Period.year(year)
    # The province leader sees the province; a head or leader their own agencies.
    agencies = None
    if not (request.user.is_superuser
            or any(role in PROVINCE_ROLES for role, _org in roles_of(request.user))):
        agencies = agencies_of(request.user, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    data = statistics.province_statistics(period) if agencies is None else {
        "total": (statistics.counts(period, agencies=agencies) or [None])[0],
        "agencies": statistics.counts(period, by="agency", agencies=agencies),
        "province_ranking": [], "commune_ranking": []}
    table = data["agencies"] if by == "agency" else statistics.counts(
        period, by=by, agencies=agencies)
    if request.GET.get("format") == "xlsx" and status == 200:
        tables = {"agency": data["agencies"], **{
            key: statistics.counts(period, by=key, agencies=agencies)
            for key in ("field", "procedure", "month")}}
        response = HttpResponse(workbook(f"năm {year}", data["total"], tables),
                                content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="chi-so-766-{year}.xlsx"'
        return response
    total = data["total"]
    groups = []
    if total:
        for group in total["index"]["groups"]:
            groups.append({**group, "label": GROUP_LABELS_VI[group["key"]],
                           "width": round((group["points"] or 0) * 300 / group["max"], 1),
                           "indicators": [{**i, "label": INDICATOR_LABELS_VI[i["key"]],
                                           "percent": None if i["share"] is None
                                           else round(i["share"] * 100, 1)}
                                          for i in group["indicators"]]})
    name = lambda r: r["agency__name"]  # noqa: E731
    return render(request, "publicservices/statistics.html", {
        "year": year, "by": by, "dimensions": DIMENSION_LABELS_VI.items(),
        "total": total, "groups": groups, "columns": COLUMNS,
        "rows": [{"label": row_label(r, by), "cells": [r.get(k) for k, _l in COLUMNS]}
                 for r in table],
        "province_ranking": data["province_ranking"],
        "commune_ranking": data["commune_ranking"],
        "province_chart": _chart(data["province_ranking"], name),
        "commune_chart": _chart(data["commune_ranking"], name),
    }, status=status)


# ---------------------------------------------------------------- tracking and rating

TRACKED_KEY = "publicservices_tracked"


def tracking(request):
    """Public: the timeline of a dossier for its code plus the applicant's phone or the
    last digits of the ID. Nothing is shown without both."""
    context, status = {"code": request.GET.get("code", "")[:40], "dossier": None}, 200
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        factor = request.POST.get("factor", "")[:20]
        context["code"] = code
        try:
            dossier = feedback.track(code, factor, address=client_address(request))
        except DomainError as error:
            messages.error(request, _error_text(error))
            return render(request, "publicservices/tracking.html", context,
                          status=error.status)
        if dossier is None:
            messages.error(request, "Không tìm thấy hồ sơ với mã và thông tin đã nhập. "
                                    "Kiểm tra lại mã hồ sơ và số điện thoại hoặc các số "
                                    "cuối của số định danh.")
            status = 404
        else:
            tracked = request.session.get(TRACKED_KEY, [])[-9:]
            request.session[TRACKED_KEY] = [*tracked, dossier.pk]
            context.update(dossier=dossier, timeline=feedback.timeline(dossier),
                           can_rate=(dossier.state in (S.RESOLVED, S.RETURNED)
                                     and not hasattr_rating(dossier)))
    return render(request, "publicservices/tracking.html", context, status=status)


def hasattr_rating(dossier) -> bool:
    from tinhso.publicservices.ratings import SatisfactionRating

    return SatisfactionRating.objects.filter(dossier=dossier).exists()


def _rateable(request, code: str):
    """The dossier the visitor proved (tracking's second factor, kept in the session) or
    applied for with their account; anything else is 404."""
    from tinhso.publicservices.models import Dossier

    dossier = Dossier.objects.select_related("agency", "procedure").filter(
        code=code[:40]).first()
    if dossier is None:
        raise Http404("dossier")
    proved = dossier.pk in request.session.get(TRACKED_KEY, [])
    own = request.user.is_authenticated and dossier.applicant_user_id == request.user.pk
    if not (proved or own):
        raise Http404("dossier")
    return dossier


def rate(request, code: str):
    dossier = _rateable(request, code)
    errors, status = {}, 200
    if request.method == "POST":
        levels = {field: request.POST.get(field) for field, _l in CRITERIA}
        try:
            feedback.rate_dossier(dossier=dossier, levels=levels,
                                  comment=request.POST.get("comment", "")[:2000],
                                  actor=request.user)
        except DomainError as error:
            if error.field in levels:
                errors[error.field] = _error_text(error)
                status = 422
            else:
                messages.error(request, _error_text(error))
                return redirect("publicservices:tracking")
        else:
            messages.success(request, "Cảm ơn bạn đã đánh giá mức độ hài lòng.")
            return redirect("publicservices:tracking")
    return render(request, "publicservices/rate.html", {
        "dossier": dossier, "levels": RatingLevel.choices,
        "criteria": [{"field": f, "label": label, "error": errors.get(f),
                      "value": request.POST.get(f, "")} for f, label in CRITERIA],
    }, status=status)


# ---------------------------------------------------------------- officer consoles


def _require_officer(user) -> None:
    if not (user.is_superuser or agencies_of(user, OFFICER_ROLES)):
        raise PermissionDenied("publicservices officer")


#: What a console line shows (``_lines.html``): read only these columns and the
#: procedure's name, not the whole dossier with four joined rows (the page's cost is
#: mostly building objects and rendering, not the query).
LINE_FIELDS = ("id", "code", "state", "channel", "applicant_name", "due_at",
               "extended_due_at", "fee_vnd", "fee_paid_at", "procedure__name")


def _line_urls() -> tuple[str, str]:
    """The dossier page and action URLs with placeholders, reversed once per page
    (fifty lines would otherwise reverse a hundred URLs)."""
    return (reverse("publicservices:dossier", args=[0]).replace("/0/", "/{pk}/"),
            reverse("publicservices:act", args=[0, "X"]).replace("/0/X/", "/{pk}/{action}/"))


#: The one-click action of a line, by list (``_lines.html`` draws each).
MODE_ACTIONS = {"return": "return", "approve": "resolve"}


def _line_action(mode: str, dossier, unpaid: bool) -> str:
    if mode == "queue":
        return "unpaid" if unpaid else "accept"
    if mode in MODE_ACTIONS:
        return MODE_ACTIONS[mode]
    return "hand-over" if dossier.state == S.PROCESSING else ""


def _lines(dossiers, now, limit, mode: str = "mine"):
    """What each line shows, worked out here rather than in the template (the console
    is the officers' most visited page): link, due moment, colour, one action."""
    page_url, act_url = _line_urls()
    lines = []
    for d in dossiers:
        due = d.effective_due_at
        unpaid = fees.fee_due(d)
        action = _line_action(mode, d, unpaid)
        lines.append({
            "d": d, "due": selectors.due_class(d, now, limit), "url": page_url.format(pk=d.pk),
            "due_text": f"{timezone.localtime(due):%d/%m/%Y %H:%M}" if due else "—",
            "paused": d.state == S.SUPPLEMENT, "action": action,
            "action_url": act_url.format(pk=d.pk, action=action) if action else ""})
    return lines


CONSOLE_PAGE = 50


def _listing(rows, now, limit, page: int = 1, mode: str = "mine") -> dict:
    """One page of a console list (soonest due first) with its total count: one query
    (the count rides along as a window aggregate) of only the columns a line shows."""
    rows = rows.select_related(None).select_related("procedure").only(*LINE_FIELDS)
    counted = rows.annotate(_total=Window(Count("pk")))
    chunk = list(counted[(page - 1) * CONSOLE_PAGE: page * CONSOLE_PAGE])
    count = chunk[0]._total if chunk else (rows.count() if page > 1 else 0)
    last = max((count - 1) // CONSOLE_PAGE + 1, 1)
    if page > last:  # past the end: show the last page
        page = last
        chunk = list(counted[(page - 1) * CONSOLE_PAGE: page * CONSOLE_PAGE])
    return {"lines": _lines(chunk, now, limit, mode), "count": count, "page": page,
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if page < last else None}


@login_required
def console(request):
    """My dossiers by due date (colours: due soon, overdue), the desk's reception queue
    and results to return, the leader's approvals, the head's open dossiers; 50 a page."""
    _require_officer(request.user)
    now = timezone.now()
    limit = selectors.soon_limit(selectors.cached_calendar(), now)
    user = request.user
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), 10_000)
    is_desk = bool(agencies_of(user, {Role.ONE_STOP_OFFICER}))
    is_leader = bool(agencies_of(user, {Role.AGENCY_LEADER}))
    is_head = bool(agencies_of(user, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}))
    return render(request, "publicservices/console.html", {
        "mine": _listing(selectors.my_dossiers(user), now, limit, page),
        "queue": (_listing(selectors.reception_queue(user), now, limit, mode="queue")
                  if is_desk else None),
        "to_return": (_listing(selectors.results_to_return(user), now, limit, mode="return")
                      if is_desk else None),
        "approvals": (_listing(selectors.approval_list(user), now, limit, mode="approve")
                      if is_leader else None),
        "unit": (_listing(selectors.agency_open_dossiers(user), now, limit, mode="unit")
                 if is_head else None),
        "is_desk": is_desk, "is_leader": is_leader, "is_head": is_head,
    })


def _colleagues(dossier):
    org = dossier.agency.organization_id
    if org is None:
        return User.objects.none()
    return (User.objects.filter(memberships__organization_id=org,
                                memberships__role__in=list(OFFICER_ROLES), is_active=True)
            .distinct().order_by("full_name"))


@login_required
def dossier_page(request, pk: int):
    """One dossier for the officers who may see it (another agency's is 404): its data,
    the process control sheet (BM.05), the timeline and the actions its state allows."""
    _require_officer(request.user)
    dossier = visible_dossier(request.user, pk)
    now = timezone.now()
    step = dossier.current_step
    return render(request, "publicservices/dossier.html", {
        "dossier": dossier, "steps": dossier.steps.select_related("assignee", "agency"),
        "timeline": feedback.timeline(dossier),
        "due": selectors.due_class(dossier, now,
                                   selectors.soon_limit(selectors.cached_calendar(), now)),
        "colleagues": _colleagues(dossier),
        "can_accept": dossier.state == S.SUBMITTED,
        "can_work": dossier.state == S.PROCESSING,
        "at_approval": (dossier.state == S.PROCESSING and step is not None
                        and step.kind == StepKind.APPROVAL),
        "can_return": dossier.state == S.RESOLVED,
        "can_refuse": dossier.state in (S.SUBMITTED, S.INCOMPLETE, *OPEN_STATES),
        "reasons": RefusalReason.choices,
    })


def _act(action: str, user, dossier, post, files=None):
    if action == "accept":
        return services.accept_dossier(actor=user, dossier=dossier.pk)
    if action == "hand-over":
        assignee = _assignee(dossier, post.get("assignee"))
        return services.hand_over(actor=user, dossier=dossier.pk, assignee=assignee,
                                  note=post.get("note", "")[:2000])
    if action == "assign":
        assignee = _assignee(dossier, post.get("assignee"))
        return services.assign_dossier(actor=user, dossier=dossier.pk, assignee=assignee)
    if action == "supplement":
        missing = post.get("missing", "")[:5000]
        if dossier.state == S.SUBMITTED:
            return services.request_completion(actor=user, dossier=dossier.pk,
                                               missing=missing,
                                               reason=post.get("reason", "")[:2000])
        return services.request_supplement(actor=user, dossier=dossier.pk, missing=missing,
                                           reason=post.get("reason", "")[:2000])
    if action == "resolve":
        return _resolve_with_document(user, dossier, post, files)
    if action == "return":
        return services.return_result(actor=user, dossier=dossier.pk)
    if action == "refuse":
        return services.refuse_dossier(actor=user, dossier=dossier.pk,
                                       reason=post.get("reason", "")[:40],
                                       note=post.get("note", "")[:2000])
    raise Http404("action")


def _resolve_with_document(user, dossier, post, files):
    """Approve, with the result document (PDF) when one is attached: checked by content
    and stored privately (core.files); removed again if the approval is refused, so
    nothing half-written survives."""
    from tinhso.core import files as core_files

    name = ""
    upload = (files or {}).get("result_document")
    if upload:
        name, _type = core_files.store_document(
            upload, folder="publicservices/results", field="result_document",
            label="Văn bản kết quả", allowed=("pdf",))
    try:
        return services.resolve_dossier(actor=user, dossier=dossier.pk, result_file=name,
                                        result_summary=post.get("result_summary", "")[:2000])
    except Exception:
        core_files.delete(name)
        raise


def _assignee(dossier, value):
    if not value:
        return None
    try:
        return _colleagues(dossier).get(pk=int(value))
    except (ValueError, User.DoesNotExist):
        raise Http404("assignee") from None


ACTIONS = {"accept": False, "hand-over": False, "assign": False, "supplement": False,
           "resolve": True, "return": True, "refuse": True}
ACTION_LABELS = {"accept": "Tiếp nhận hồ sơ", "hand-over": "Chuyển bước tiếp theo",
                 "assign": "Phân công", "supplement": "Yêu cầu bổ sung",
                 "resolve": "Phê duyệt kết quả", "return": "Trả kết quả",
                 "refuse": "Từ chối hồ sơ"}


@login_required
def dossier_action(request, pk: int, action: str):
    """One action on a dossier. An irreversible one (approve, return, refuse) asks first:
    GET shows the confirmation page, only its form (``confirm=yes``) acts."""
    if action not in ACTIONS:
        raise Http404("action")
    _require_officer(request.user)
    dossier = visible_dossier(request.user, pk)
    irreversible = ACTIONS[action]
    if request.method != "POST" or (irreversible and request.POST.get("confirm") != "yes"):
        return render(request, "publicservices/confirm.html", {
            "dossier": dossier, "action": action, "label": ACTION_LABELS[action],
            "reasons": RefusalReason.choices, "data": request.POST})
    try:
        _act(action, request.user, dossier, request.POST, request.FILES)
    except (DomainError, InvalidInput, InvalidValue) as error:
        messages.error(request, _error_text(error))
        if irreversible:
            return render(request, "publicservices/confirm.html", {
                "dossier": dossier, "action": action, "label": ACTION_LABELS[action],
                "reasons": RefusalReason.choices, "data": request.POST}, status=422)
    else:
        messages.success(request, f"{ACTION_LABELS[action]}: đã thực hiện.")
    return redirect("publicservices:dossier", pk=dossier.pk)


# ---------------------------------------------------------------- BM.06 register


def _register_period(request) -> tuple[date, date, int]:
    return period_for_page(request, days=31)


@login_required
def register_page(request):
    """The tracking register (sổ theo dõi hồ sơ, BM.06 of Circular 03/2025) of the
    dossiers received in the period; Excel export."""
    _require_officer(request.user)
    start, end, status = _register_period(request)
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=tz)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    rows = list(selectors.register(request.user, low, high)[:5000])
    if request.GET.get("format") == "xlsx" and status == 200:
        response = HttpResponse(register_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"')
        return response
    return render(request, "publicservices/register.html", {
        "rows": rows, "start": start, "end": end}, status=status)


REGISTER_COLUMNS = ("STT", "Mã hồ sơ", "Tên thủ tục", "Tên tổ chức, cá nhân", "Địa chỉ",
                    "Số điện thoại", "Ngày, giờ tiếp nhận", "Ngày hẹn trả kết quả",
                    "Cơ quan giải quyết", "Ngày có kết quả", "Ngày trả kết quả",
                    "Đúng hạn / quá hạn", "Trạng thái")


def register_xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    sheet.append(["SỔ THEO DÕI HỒ SƠ (Mẫu số 06)"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(REGISTER_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)

    def moment(value):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""

    for number, d in enumerate(rows, start=1):
        sheet.append([number, d.code or "", d.procedure.name, d.applicant_name,
                      d.applicant_address, d.applicant_phone, moment(d.received_at),
                      moment(d.effective_due_at), d.agency.name, moment(d.resolved_at),
                      moment(d.returned_at), d.get_outcome_display() if d.outcome else "",
                      d.get_state_display()])
    for letter, width in zip("ABCDEFGHIJKLM", (6, 24, 40, 28, 30, 14, 18, 18, 30, 18, 18,
                                              14, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()



# ---------------------------------------------------------------- forms and result


def _dossier_for_papers(request, pk: int):
    """The dossier for whoever may see it (officer, the applicant's account), or for the
    visitor who proved it on the tracking page in this session; else 404."""
    from tinhso.publicservices.models import Dossier

    dossier = None
    if request.user.is_authenticated:
        dossier = Dossier.objects.visible_to(request.user).filter(pk=pk).first()
    if dossier is None and pk in request.session.get(TRACKED_KEY, []):
        dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        raise Http404("dossier")
    return dossier


def form_pdf(request, pk: int, form: str):
    """The one-stop forms as PDFs: BM.01 receipt (QR to tracking), BM.02 supplement
    request, BM.03 refusal, BM.04 apology letter."""
    from tinhso.core.reasons import reason_label
    from tinhso.publicservices import forms_pdf
    from tinhso.publicservices.models import ExtensionLetter, SupplementRequest

    dossier = _dossier_for_papers(request, pk)
    if form == "bm01" and dossier.code and dossier.received_at:
        tracking_url = request.build_absolute_uri(
            reverse("publicservices:tracking") + f"?code={dossier.code}")
        content = forms_pdf.receipt_pdf(dossier, tracking_url)
    elif form == "bm02":
        last = SupplementRequest.objects.filter(dossier=dossier).order_by(
            "-requested_at").first()
        if last is None:
            raise Http404("supplement request")
        content = forms_pdf.supplement_pdf(dossier, last)
    elif form == "bm03" and dossier.state == S.REFUSED:
        label = reason_label(RefusalReason, dossier.refusal_reason) \
            if dossier.refusal_reason else ""
        content = forms_pdf.refusal_pdf(dossier, str(label))
    elif form == "bm04":
        letter = ExtensionLetter.objects.filter(dossier=dossier).first()
        if letter is None:
            raise Http404("letter")
        content = forms_pdf.apology_pdf(letter)
    else:
        raise Http404("form")
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{form}-{dossier.code or dossier.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def result_document(request, pk: int):
    """The result document, for the applicant's account and the officers who may see the
    dossier (never from the tracking page alone)."""
    from tinhso.core import files as core_files
    from tinhso.publicservices.workflow import RESOLVED_STATES

    dossier = visible_dossier(request.user, pk)
    if dossier.state not in RESOLVED_STATES or not dossier.result_file:
        raise Http404("result")
    return core_files.serve(dossier.result_file, attachment=True,
                            download_name=f"ket-qua-{dossier.code}.pdf")
