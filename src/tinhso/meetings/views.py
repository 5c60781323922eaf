"""Pages of the meetings system (phone-first, Vietnamese first): the schedule and its form,
a meeting's page, the host's console with the live readiness board (htmx), minutes and
conclusions, the point's own page (from the invitation link: acknowledge, connection check,
attendance, join, hall QR), QR check-in, tasks, statistics; and the local engine simulator.
Every write goes through `services`, as the API does."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tinhso.accounts.models import Organization
from tinhso.accounts.permissions import has_perm, require, roles_of
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.meetings import selectors, services
from tinhso.meetings.api import booking_by_token, managed_meeting, organizer_of, visible_meeting
from tinhso.meetings.conferencing import simulator
from tinhso.meetings.models import Conclusion, ConferencePoint, Meeting, PointBooking, Room

CONCLUSION_ROWS = 3
AGENDA_ROWS = 5


def _errors(error: InvalidInput) -> dict[str, str]:
    language = current_language()
    return {e.field: e.message(language) for e in error.errors}


def _may_schedule(user) -> bool:
    return has_perm(user, "meetings.schedule")


def _parse_day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "")[:10])
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2099 else None


def _parse_time(value: str | None) -> time | None:
    try:
        return time.fromisoformat((value or "")[:5])
    except ValueError:
        return None


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((value or "")[:40])
    except ValueError:
        return None
    if not 2000 <= moment.year <= 2099:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def schedule(request):
    """Upcoming meetings the user may see (and those of the last day)."""
    require(request.user, "meetings.use")
    today = timezone.localdate()
    rows = selectors.meetings_in(user=request.user, day_from=today - timedelta(days=1))
    return render(request, "meetings/schedule.html", {
        "meetings": rows.filter(state=Meeting.State.SCHEDULED)[:100],
        "may_schedule": _may_schedule(request.user),
        "my_points": selectors.upcoming_for_points(
            {org for _r, org in roles_of(request.user)}, now=timezone.now())[:50]
        if has_perm(request.user, "meetings.operate_point") else [],
    })


def _agenda_rows(data) -> list[dict]:
    """The agenda as typed on the page: title, linked document (``outgoing:<id>`` or
    ``incoming:<id>``) and a free-text reference for a paper from outside, row by row."""
    if not hasattr(data, "getlist"):
        return []
    titles, documents, refs = (data.getlist(name)[:30] for name in
                               ("agenda_title", "agenda_document", "agenda_ref"))
    rows = []
    for n in range(max(len(titles), len(documents), len(refs))):
        row = {"title": (titles[n] if n < len(titles) else "").strip()[:300],
               "document": (documents[n] if n < len(documents) else "").strip()[:40],
               "ref": (refs[n] if n < len(refs) else "").strip()[:120]}
        if any(row.values()):
            rows.append(row)
    return rows


def _agenda_entry(row: dict) -> services.AgendaEntry:
    kind, _sep, number = row["document"].partition(":")
    doc_id = _int(number) if number.isdigit() else None
    entry = services.AgendaEntry(row["title"], row["ref"])
    if kind == selectors.OUTGOING:
        entry.outgoing_document = doc_id
    elif kind == selectors.INCOMING:
        entry.incoming_document = doc_id
    elif row["document"]:
        entry.outgoing_document = -1  # not a choice offered: refused as an unknown document
    return entry


def _field_labels() -> dict[str, str]:
    return {"title": _("Title"), "level": _("Level"), "host_room": _("Host room"),
            "starts_at": _("Starts"), "ends_at": _("Ends"), "count": _("Number of weeks"),
            "until": _("last day"), "exceptions": _("Skipped dates"),
            "buffer_minutes": _("Set-up buffer (minutes)"),
            "points": _("Participating points")}


def _error_summary(errors: dict[str, str]) -> list[tuple[str, str]]:
    """The errors of a long form, on top and each with its field's label: on a phone the
    field in error may be screens below (the messages under each field stay)."""
    labels = _field_labels()
    summary = []
    for name, text in errors.items():
        if name.startswith("agenda["):
            number = _int(name[len("agenda["):].split("]", 1)[0], 0) + 1
            label = f"{_('Agenda')} — " + _("Item %(n)s") % {"n": number}
        else:
            label = labels.get(name, "")
        summary.append((label, text))
    return summary


def _rooms_for(user):
    """Host rooms, the organiser's own agency's first (the pre-selected one is then their
    own hall, not the first commune's alphabetically), then province, department and
    commune points; the biggest room of a point first."""
    own = {org for _r, org in roles_of(user)}
    rank = Case(When(point__organization_id__in=own, then=Value(0)),
                When(point__kind=ConferencePoint.Kind.PROVINCE, then=Value(1)),
                When(point__kind=ConferencePoint.Kind.DEPARTMENT, then=Value(2)),
                When(point__kind=ConferencePoint.Kind.COMMUNE, then=Value(3)),
                default=Value(4), output_field=IntegerField())
    return (Room.objects.select_related("point").annotate(rank=rank)
            .order_by("rank", "point__name", "-capacity", "name"))


def _form_context(request, data=None, errors=None, **extra) -> dict:
    data = data or {}
    errors = errors or {}
    chosen = set(data.getlist("points")) if hasattr(data, "getlist") else set()
    groups = set(data.getlist("groups")) if hasattr(data, "getlist") else set()
    typed = _agenda_rows(data)
    blank = {"title": "", "document": "", "ref": ""}
    agenda_rows = [{**row, "error": " ".join(v for k, v in errors.items()
                                             if k == f"agenda[{n}]"
                                             or k.startswith(f"agenda[{n}]."))}
                   for n, row in enumerate(typed + [blank] * max(0, AGENDA_ROWS - len(typed)))]
    points = ConferencePoint.objects.select_related("unit").order_by("kind", "name")
    by_district: dict[str, list] = {}
    for p in points:
        by_district.setdefault(p.former_district or _("Province bodies"), []).append(p)
    return {"data": data, "chosen": chosen, "groups": groups, "rooms": _rooms_for(request.user),
            "levels": Meeting.Level.choices, "by_district": sorted(by_district.items()),
            "districts": selectors.former_districts(), "errors": errors,
            "error_summary": _error_summary(errors),
            "agenda_rows": agenda_rows,
            "documents": selectors.agenda_document_choices(request.user), **extra}


@login_required
def new_meeting(request):
    return _schedule_page(request, weekly=False)


@login_required
def new_series(request):
    """The page for the API's weekly series: the same service, every week or none."""
    return _schedule_page(request, weekly=True)


def _schedule_page(request, *, weekly: bool):
    require(request.user, "meetings.schedule")
    if request.method != "POST":
        return render(request, "meetings/new.html", _form_context(request, weekly=weekly))
    data = request.POST
    window = data.get("use_window", "")
    day, start, end = _parse_day(data.get("day")), _parse_time(data.get("start")), \
        _parse_time(data.get("end"))
    if window and "|" in window:
        starts_at, ends_at = (_moment(v) for v in window.split("|", 1))
    else:
        starts_at = services.local_moment(day, start) if day and start else None
        ends_at = services.local_moment(day, end) if day and end else None
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Give the day and the start time.")
    if ends_at is None:
        errors["ends_at"] = _("Give the end time.")
    room = _int(data.get("host_room"))
    buffer = _int(data.get("buffer_minutes") or "15", -1)
    count, until, exceptions = None, None, []
    if weekly:
        count, until, exceptions = _series_fields(data, errors)
    if errors:
        return render(request, "meetings/new.html",
                      _form_context(request, data, errors=errors, weekly=weekly), status=422)
    agenda = [_agenda_entry(row) for row in _agenda_rows(data)]
    req = services.MeetingRequest(
        title=(data.get("title") or "")[:300], level=data.get("level") or "",
        host_room_id=room, starts_at=starts_at, ends_at=ends_at,
        point_codes=[c[:40] for c in data.getlist("points")[:500]],
        groups=[g[:120] for g in data.getlist("groups")[:20]], buffer_minutes=buffer,
        agenda=agenda[:30])
    try:
        if weekly:
            series = services.schedule_series(
                actor=request.user, organizer=organizer_of(request.user), request=req,
                count=count, until=until, exceptions=exceptions)
            meeting = series.meetings.order_by("starts_at").first()
        else:
            meeting = services.schedule_meeting(actor=request.user,
                                                organizer=organizer_of(request.user), request=req)
    except InvalidInput as error:
        return render(request, "meetings/new.html", _form_context(
            request, data, errors=_errors(error), weekly=weekly), status=422)
    except services.BookingConflict as conflict:
        return render(request, "meetings/new.html", _form_context(
            request, data, conflict=conflict, message=conflict.message(current_language()),
            weekly=weekly), status=409)
    except DomainError as error:
        return render(request, "meetings/new.html", _form_context(
            request, data, message=error.message(current_language()), weekly=weekly),
            status=error.status)
    messages.success(request, _("Meeting scheduled; the points have been invited."))
    return redirect("meetings:detail", pk=meeting.pk)


def _series_fields(data, errors: dict) -> tuple[int | None, date | None, list[date]]:
    """The series' length (a number of weeks, or a last day, which then wins: the page
    shows both and a user who picks a last day should not have to clear the count) and the
    dates skipped, typed as day/month/year (or ISO), separated by commas, spaces or lines."""
    raw_until = (data.get("until") or "").strip()
    until = _parse_vn_day(raw_until) if raw_until else None
    if raw_until and until is None:
        errors["until"] = _("“%(value)s” is not a date (day/month/year).") % {
            "value": raw_until[:20]}
    raw_count = (data.get("count") or "").strip()
    count = None if raw_until else (_int(raw_count) if raw_count else None)
    exceptions = []
    for token in (data.get("exceptions") or "")[:2000].replace(",", " ").replace(";", " ").split():
        day = _parse_vn_day(token)
        if day is None:
            errors["exceptions"] = _("“%(value)s” is not a date (day/month/year).") % {
                "value": token[:20]}
            break
        exceptions.append(day)
    return count, until, exceptions[:60]


def _parse_vn_day(value: str) -> date | None:
    """A date as a Vietnamese user writes it (21/12/2026, 21-12-2026) or as a date input
    sends it (2026-12-21)."""
    value = value.strip()
    if len(value) >= 8 and value[4] == "-":
        return _parse_day(value)
    parts = value.replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2099 else None


@login_required
def detail(request, pk: int):
    meeting = visible_meeting(request.user, pk)
    manages = has_perm(request.user, "meetings.schedule", meeting.organizer_id)
    own_points = {org for _r, org in roles_of(request.user)}
    series = None
    if meeting.series_id:
        occurrences = meeting.series.meetings.filter(state=Meeting.State.SCHEDULED)
        series = {"series": meeting.series, "count": occurrences.count(),
                  "first": occurrences.order_by("starts_at").first(),
                  "skipped": [_parse_day(d) for d in meeting.series.exceptions]}
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "manages": manages, "series": series,
        "writes_minutes": has_perm(request.user, "meetings.minutes", meeting.organizer_id),
        "bookings": meeting.point_bookings.filter(active=True).select_related("point")
        .order_by("point__kind", "point__name"),
        "own_bookings": meeting.point_bookings.filter(
            active=True, point__organization_id__in=own_points).select_related("point"),
        "agenda": selectors.agenda_for(meeting, request.user),
        "conclusions": meeting.conclusions.select_related("assignee"),
        "minutes": getattr(meeting, "minutes", None) if hasattr(meeting, "minutes") else None,
        "today": timezone.localdate(),
    })


@login_required
def console(request, pk: int):
    meeting = managed_meeting(request.user, pk)
    # Before the start a point that has not joined is not yet absent.
    context = {"meeting": meeting, "board": selectors.board(meeting),
               "started": timezone.now() >= meeting.starts_at,
               "host": meeting.point_bookings.filter(is_host=True).first()}
    if request.headers.get("HX-Request"):
        return render(request, "meetings/_board.html", context)
    return render(request, "meetings/console.html", context)


@login_required
@require_POST
def remind(request, pk: int):
    meeting = managed_meeting(request.user, pk)
    count = services.remind_silent_points(actor=request.user, meeting=meeting)
    messages.success(request, _("%(count)s silent points were sent a reminder.")
                     % {"count": count})
    return redirect("meetings:console", pk=pk)


@login_required
@require_POST
def move(request, pk: int):
    """Move a meeting (same points and room): checked again, invitations re-sent with the
    same UID; a conflict names the taken points and the nearest free windows."""
    meeting = managed_meeting(request.user, pk)
    day = _parse_day(request.POST.get("day"))
    start, end = _parse_time(request.POST.get("start")), _parse_time(request.POST.get("end"))
    if not (day and start and end):
        messages.error(request, _("Give the day and the start time."))
        return redirect("meetings:detail", pk=pk)
    try:
        services.reschedule_meeting(actor=request.user, meeting=meeting,
                                    starts_at=services.local_moment(day, start),
                                    ends_at=services.local_moment(day, end))
    except services.BookingConflict as conflict:
        windows = ", ".join(f"{s.astimezone(selectors.tz()):%H:%M %d/%m}"
                            for s, _e in conflict.suggestions)
        free = _("Free")
        messages.error(request, conflict.message(current_language())
                       + (f" {free}: {windows}" if windows else ""))
    except InvalidInput as error:
        messages.error(request, " ".join(_errors(error).values()))
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Meeting moved; the points have been told."))
    return redirect("meetings:detail", pk=pk)


@login_required
def cancel(request, pk: int):
    """Cancelling asks first (no JavaScript needed): the GET is the confirmation page."""
    meeting = managed_meeting(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        scope = request.POST.get("scope") if meeting.series_id else None
        if scope == "following":
            cancelled = services.end_series(actor=request.user, meeting=meeting)
            messages.success(request, ngettext(
                "%(n)d meeting cancelled; the points have been told.",
                "%(n)d meetings cancelled; the points have been told.",
                len(cancelled)) % {"n": len(cancelled)})
            return redirect("meetings:detail", pk=pk)
        if scope == "occurrence":
            services.skip_occurrence(actor=request.user, meeting=meeting)
        else:
            services.cancel_meeting(actor=request.user, meeting=meeting)
        messages.success(request, _("Meeting cancelled; the points have been told."))
        return redirect("meetings:detail", pk=pk)
    return render(request, "meetings/confirm_cancel.html", {
        "meeting": meeting, "points": meeting.point_bookings.filter(active=True).count()})


@login_required
def minutes(request, pk: int):
    meeting = managed_meeting(request.user, pk, "meetings.minutes")
    existing = getattr(meeting, "minutes", None) if hasattr(meeting, "minutes") else None
    agencies = Organization.objects.filter(kind="state_agency", is_active=True).order_by("name")
    context = {"meeting": meeting, "existing": existing, "agencies": agencies,
               "rows": range(CONCLUSION_ROWS), "conclusions": meeting.conclusions
               .select_related("assignee"), "today": timezone.localdate(),
               # Before the start the service refuses the minutes: say so instead of
               # offering a form whose text would be lost on saving.
               "too_early": not services.minutes_open(meeting, timezone.now())}
    if request.method != "POST":
        return render(request, "meetings/minutes.html", context)
    data = request.POST
    conclusions = []
    for n in range(CONCLUSION_ROWS):
        body = (data.get(f"c{n}_text") or "").strip()[:2000]
        if not body:
            continue
        days = _int(data.get(f"c{n}_days")) or None
        conclusions.append(services.ConclusionIn(body, (data.get(f"c{n}_assignee") or "")[:40],
                                                 days))
    try:
        services.record_minutes(actor=request.user, meeting=meeting,
                                text=(data.get("text") or "")[:20000], conclusions=conclusions)
    except InvalidInput as error:
        return render(request, "meetings/minutes.html",
                      {**context, "errors": _errors(error), "data": data}, status=422)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
        return redirect("meetings:detail", pk=pk)
    messages.success(request, _("Minutes saved."))
    return redirect("meetings:minutes", pk=pk)


def _minutes_file(request, pk: int, kind: str) -> HttpResponse:
    from tinhso.meetings import minutes_export

    meeting = visible_meeting(request.user, pk)
    record = getattr(meeting, "minutes", None) if hasattr(meeting, "minutes") else None
    if record is None:
        raise Http404
    if kind == "docx":
        data, content_type = minutes_export.as_docx(meeting, record), minutes_export.DOCX_TYPE
    else:
        data, content_type = minutes_export.as_pdf(meeting, record), "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{meeting.pk}.{kind}"'
    return response


@login_required
def minutes_pdf(request, pk: int):
    return _minutes_file(request, pk, "pdf")


@login_required
def minutes_docx(request, pk: int):
    return _minutes_file(request, pk, "docx")


@login_required
def tasks(request):
    require(request.user, "meetings.use")
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.tasks_for(request.user, today=today, overdue_only=overdue)
    if request.method == "POST":
        conclusion = get_object_or_404(rows, pk=_int(request.POST.get("task")))
        require(request.user, "meetings.report_task", conclusion.assignee_id)
        try:
            services.report_progress(actor=request.user, conclusion=conclusion,
                                     percent=_int(request.POST.get("percent"), -1),
                                     note=(request.POST.get("note") or "")[:1000])
            messages.success(request, _("Progress recorded."))
        except InvalidInput as error:
            messages.error(request, " ".join(_errors(error).values()))
        return redirect(request.get_full_path())
    return render(request, "meetings/tasks.html", {
        "tasks": rows[:200], "overdue": overdue, "today": today,
        "reports": {c for _r, c in roles_of(request.user)}})


def _int(value, default: int = 0) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if -(2**31) < number < 2**31 else default


@login_required
def points(request):
    require(request.user, "meetings.use")
    rows = ConferencePoint.objects.select_related("unit", "organization").order_by("kind", "name")
    state = request.GET.get("state", "")
    if state in ConferencePoint.State.values:
        rows = rows.filter(state=state)
    return render(request, "meetings/points.html", {
        "points": rows, "state": state, "states": ConferencePoint.State.choices,
        "count": ConferencePoint.objects.count()})


@login_required
def point_detail(request, code: str):
    """A conference point: its details and state history; its operator (or the points'
    administrator) marks it ready, faulty or under maintenance here."""
    point = get_object_or_404(ConferencePoint.objects.select_related("unit", "organization"),
                              code=code[:40])
    may_change = selectors.may_set_point_state(request.user, point)
    if not (may_change or has_perm(request.user, "meetings.use")):
        raise Http404
    if request.method == "POST":
        try:
            services.set_point_state(actor=request.user, point=point,
                                     state=request.POST.get("state", "")[:20],
                                     note=(request.POST.get("note") or "")[:500])
            messages.success(request, _("The point's state is saved."))
        except InvalidInput as error:
            messages.error(request, " ".join(_errors(error).values()))
        return redirect("meetings:point", code=point.code)
    return render(request, "meetings/point_detail.html", {
        "point": point, "may_change": may_change, "states": ConferencePoint.State.choices,
        "history": point.state_changes.select_related("by").order_by("-at")[:20]})


@login_required
def statistics(request):
    require(request.user, "meetings.follow_up")
    year = _int(request.GET.get("year"), timezone.localdate().year)
    year = year if 2000 <= year <= 2099 else timezone.localdate().year
    stats = selectors.statistics(year=year, now=timezone.now())
    peak = max([sum(v for k, v in m.items() if k != "month") for m in stats["per_month"]] or [1])
    bars = [{"month": m["month"], "total": sum(v for k, v in m.items() if k != "month"),
             "width": round(100 * sum(v for k, v in m.items() if k != "month") / peak)}
            for m in stats["per_month"]]
    return render(request, "meetings/statistics.html", {"stats": stats, "bars": bars,
                                                        "year": year,
                                                        "chart_height": 10 * len(bars)})


@login_required
def statistics_xlsx(request):
    from openpyxl import Workbook

    require(request.user, "meetings.follow_up")
    year = _int(request.GET.get("year"), timezone.localdate().year)
    year = year if 2000 <= year <= 2099 else timezone.localdate().year
    stats = selectors.statistics(year=year, now=timezone.now())
    book = Workbook()
    sheet = book.active
    sheet.title = "Tong hop"
    for key in ("meetings", "hours", "points", "availability_pct", "fault_rate_pct",
                "attendance_rate_pct", "conclusions", "conclusions_on_time", "on_time_pct"):
        sheet.append([key, stats[key]])
    months = book.create_sheet("Theo thang")
    months.append(["Tháng", "Cấp tỉnh", "Cấp sở", "Cấp xã"])
    for m in stats["per_month"]:
        months.append([m["month"], m["province"], m["department"], m["commune"]])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-"
                            "officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="hoi-nghi-{year}.xlsx"'
    return response


# ---------------------------------------------------------------------------
# The point's own page (the invitation link: no login), QR check-in
# ---------------------------------------------------------------------------

def point_page(request, token: str):
    booking = booking_by_token(token[:40])
    meeting = booking.meeting
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.acknowledge(booking=booking)
                messages.success(request, _("Thank you: the invitation is acknowledged."))
            elif action == "readiness":
                services.confirm_readiness(actor=_user(request), booking=booking,
                                           status=request.POST.get("status", "")[:20],
                                           note=(request.POST.get("note") or "")[:500])
                messages.success(request, _("Connection check recorded."))
            elif action == "attendance":
                people = []
                for line in (request.POST.get("people") or "")[:20000].splitlines()[:200]:
                    name, _sep, role = line.partition(",")
                    if name.strip():
                        people.append((name.strip()[:150], role.strip()[:150]))
                services.record_attendance(actor=_user(request), booking=booking,
                                           count=_int(request.POST.get("count"), -1),
                                           people=people)
                messages.success(request, _("Attendance recorded."))
        except InvalidInput as error:
            messages.error(request, " ".join(_errors(error).values()))
        except DomainError as error:
            messages.error(request, error.message(current_language()))
        return redirect("meetings:point_page", token=booking.token)
    now = timezone.now()
    checkin_url = request.build_absolute_uri(
        f"/meetings/checkin/{meeting.checkin_token}/{booking.point.code}/")
    return render(request, "meetings/point.html", {
        "booking": booking, "meeting": meeting, "agenda": selectors.agenda_for(meeting, None),
        "attendees": booking.attendees.all(), "checkin_url": checkin_url,
        "qr": _qr_svg(checkin_url),
        "check_open": services._readiness_open(meeting, now),
        "ended": now >= meeting.ends_at,
    })


def _qr_svg(payload: str) -> str:
    import segno
    from django.utils.safestring import mark_safe

    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="svg", scale=4, xmldecl=False,
                                        svgns=True, nl=False)
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 - segno's own SVG


def _user(request):
    return request.user if request.user.is_authenticated else None


def point_ics(request, token: str):
    booking = booking_by_token(token[:40])
    response = HttpResponse(services.invitation(booking.meeting, booking),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hoi-nghi-{booking.meeting_id}.ics"'
    return response


def point_join(request, token: str):
    booking = booking_by_token(token[:40])
    try:
        return redirect(services.join_link(booking=booking))
    except DomainError as error:
        messages.error(request, error.message(current_language()))
        return redirect("meetings:point_page", token=booking.token)


def check_in(request, token: str, point: str):
    meeting = Meeting.objects.filter(checkin_token=token[:40]).first()
    booking = PointBooking.objects.filter(meeting=meeting, point__code=point[:40],
                                          active=True).select_related("point").first()
    if meeting is None or booking is None:
        raise Http404
    context = {"meeting": meeting, "booking": booking}
    if request.method == "POST":
        try:
            attendee = services.qr_check_in(meeting=meeting, point_code=booking.point.code,
                                            full_name=(request.POST.get("full_name") or "")[:150],
                                            role_title=(request.POST.get("role_title") or "")[:150])
            context["done"] = attendee
        except InvalidInput as error:
            context["errors"] = _errors(error)
        except DomainError as error:
            context["message"] = error.message(current_language())
    return render(request, "meetings/checkin.html", context)


# ---------------------------------------------------------------------------
# The local conferencing engine (BigBlueButton's API, for the demo and the tests)
# ---------------------------------------------------------------------------

@csrf_exempt
def engine_api(request, call: str):
    status, body, params = simulator.handle(call[:40], request.META.get("QUERY_STRING", "")[:4000])
    if call == "join" and b"SUCCESS" in body:
        return render(request, "meetings/engine_room.html", {
            "name": params.get("fullName", "")[:200], "room": params.get("meetingID", "")[:200],
            "moderator": params.get("role") == "MODERATOR"})
    return HttpResponse(body, status=status, content_type="text/xml")


__all__ = ["Conclusion"]
