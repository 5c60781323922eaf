"""Meetings API under /api/v1/meetings: the same services as the pages. A point's own
actions (acknowledge, connection check, attendance, join) take the point's booking token,
the capability link its contact received; everything else needs a session."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from tinhso.accounts.auth import session_auth
from tinhso.accounts.models import Organization
from tinhso.accounts.permissions import has_perm, organizations_with_role, require
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Code, Id
from tinhso.meetings import selectors, services
from tinhso.meetings.models import Conclusion, ConferencePoint, Meeting, PointBooking, Room
from tinhso.meetings.presenters import booking_out, meeting_detail_out, meeting_out, task_out
from tinhso.meetings.schemas import (
    AttendanceIn,
    BoardOut,
    BookingOut,
    CheckInIn,
    CheckOut,
    ConflictErrorOut,
    JoinOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    PointOut,
    PointStateIn,
    ProgressIn,
    ReadinessIn,
    RescheduleIn,
    RoomOut,
    SeriesIn,
    TaskOut,
    Token,
)

router = Router(tags=["meetings"])


def _today():
    return timezone.localdate()


def organizer_of(user) -> Organization:
    """The agency a user schedules for: the first where they hold a scheduling role."""
    from tinhso.accounts.permissions import PERMISSIONS

    orgs = organizations_with_role(user, PERMISSIONS["meetings.schedule"])
    if not orgs and getattr(user, "is_superuser", False):
        orgs = organizations_with_role(user, {r for r, _o in _roles(user)})
    if not orgs:
        require(user, "meetings.schedule")
    return Organization.objects.filter(pk__in=orgs).order_by("pk").first()


def _roles(user):
    from tinhso.accounts.permissions import roles_of

    return roles_of(user)


def visible_meeting(user, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(user).select_related(
        "host_room__point", "organizer"), pk=pk)


def managed_meeting(user, pk: int, permission: str = "meetings.schedule") -> Meeting:
    """A meeting the user may change: visible, and a scheduler (or secretary) of its
    organising agency."""
    meeting = visible_meeting(user, pk)
    require(user, permission, meeting.organizer_id)
    return meeting


def booking_by_token(token: str) -> PointBooking:
    booking = (PointBooking.objects.select_related("meeting__host_room__point", "point")
               .filter(token=token, active=True).first())
    if booking is None:
        raise Http404
    return booking


def _request_of(payload: MeetingIn) -> services.MeetingRequest:
    return services.MeetingRequest(
        title=payload.title, level=payload.level, host_room_id=payload.host_room,
        starts_at=payload.starts_at, ends_at=payload.ends_at, point_codes=list(payload.points),
        groups=list(payload.groups), buffer_minutes=payload.buffer_minutes,
        agenda=[services.AgendaEntry(a.title, a.document, a.outgoing_document,
                                     a.incoming_document) for a in payload.agenda],
        provider=payload.provider)


@router.get("/points", response=Page[PointOut], auth=session_auth)
def list_points(request, page: Query[PageIn], kind: Code = "", former_district: Code = ""):
    """The conference points (213 in the demo, marked as sample)."""
    require(request.user, "meetings.use")
    rows = ConferencePoint.objects.select_related("unit").order_by("kind", "name")
    if kind:
        rows = rows.filter(kind=kind)
    if former_district:
        rows = rows.filter(unit__former_district=former_district)
    return page_of(rows, page, lambda p: {
        "code": p.code, "name": p.name, "kind": p.kind, "former_district": p.former_district,
        "location": p.location, "equipment": p.equipment, "contact_name": p.contact_name,
        "contact_phone": p.contact_phone, "connection": p.connection, "state": p.state,
        "is_sample": p.is_sample})


@router.post("/points/{code}/state", response=PointOut, auth=session_auth)
def set_point_state(request, code: Code, payload: PointStateIn):
    """The points' administrator, or the point's own operator."""
    point = get_object_or_404(ConferencePoint, code=code)
    p = services.set_point_state(actor=request.user, point=point, state=payload.state,
                                 note=payload.note)
    return {"code": p.code, "name": p.name, "kind": p.kind, "former_district": p.former_district,
            "location": p.location, "equipment": p.equipment, "contact_name": p.contact_name,
            "contact_phone": p.contact_phone, "connection": p.connection, "state": p.state,
            "is_sample": p.is_sample}


@router.get("/rooms", response=list[RoomOut], auth=session_auth)
def list_rooms(request):
    require(request.user, "meetings.use")
    return [{"id": r.pk, "name": r.name, "capacity": r.capacity, "point": r.point.code}
            for r in Room.objects.select_related("point").order_by("point__kind", "point__name")]


@router.get("", response=Page[MeetingOut], auth=session_auth)
def list_meetings(request, page: Query[PageIn]):
    require(request.user, "meetings.use")
    rows = selectors.meetings_in(user=request.user).prefetch_related("agenda")
    return page_of(rows.order_by("-starts_at"), page,
                   lambda m: meeting_out(m, viewer=request.user))


@router.post("/check", response=CheckOut, auth=session_auth)
def check(request, payload: MeetingIn):
    """Would this meeting fit? The conflicts, and the nearest windows in which the room and
    every requested point are free. Books nothing."""
    require(request.user, "meetings.schedule")
    try:
        services.check_meeting(request=_request_of(payload), actor=request.user)
    except services.BookingConflict as conflict:
        return {"free": False, "conflicts": conflict.conflicts,
                "suggestions": [{"starts_at": s, "ends_at": e} for s, e in conflict.suggestions]}
    return {"free": True, "conflicts": [], "suggestions": []}


@router.post("", response={201: MeetingOut, 409: ConflictErrorOut}, auth=session_auth)
def schedule(request, payload: MeetingIn):
    """Book a meeting. 409 with the conflicts and the nearest free windows when a point or
    the room is taken; 422 naming the field for bad input; nothing half-booked either way."""
    organizer = organizer_of(request.user)
    meeting = services.schedule_meeting(actor=request.user, organizer=organizer,
                                        request=_request_of(payload))
    return Status(201, meeting_out(meeting, viewer=request.user))


@router.post("/series", response={201: list[MeetingOut], 409: ConflictErrorOut},
             auth=session_auth)
def schedule_series(request, payload: SeriesIn):
    """A weekly series, every occurrence or none; ``exceptions`` are dates skipped."""
    organizer = organizer_of(request.user)
    series = services.schedule_series(actor=request.user, organizer=organizer,
                                      request=_request_of(payload), count=payload.count,
                                      until=payload.until, exceptions=list(payload.exceptions))
    return Status(201, [meeting_out(m, viewer=request.user)
                        for m in series.meetings.order_by("starts_at")])


@router.get("/tasks", response=Page[TaskOut], auth=session_auth)
def list_tasks(request, page: Query[PageIn], overdue: bool = False):
    """Conclusions assigned as tasks: the user's agencies', or all for the province office."""
    require(request.user, "meetings.use")
    today = _today()
    rows = selectors.tasks_for(request.user, today=today, overdue_only=overdue)
    return page_of(rows, page, lambda c: task_out(c, today=today))


@router.post("/tasks/{pk}/progress", response=TaskOut, auth=session_auth)
def report_progress(request, pk: Id, payload: ProgressIn):
    conclusion = get_object_or_404(selectors.tasks_for(request.user, today=_today()), pk=pk)
    require(request.user, "meetings.report_task", conclusion.assignee_id)
    c = services.report_progress(actor=request.user, conclusion=conclusion,
                                 percent=payload.percent, note=payload.note)
    return task_out(Conclusion.objects.select_related("meeting", "assignee").get(pk=c.pk),
                    today=_today())


@router.get("/statistics", auth=session_auth)
def statistics(request, year: int = Query(2026, ge=2000, le=2099)):
    """Meetings per month and level, hours, point availability and fault rate, attendance
    rate and conclusions done on time (the operations dashboard)."""
    require(request.user, "meetings.follow_up")
    return selectors.statistics(year=year, now=timezone.now())


@router.get("/bookings/{token}", response=BookingOut, auth=None)
def get_booking(request, token: Token):
    return booking_out(booking_by_token(token))


@router.post("/bookings/{token}/acknowledge", response=BookingOut, auth=None)
def acknowledge(request, token: Token):
    """The point's contact acknowledges the invitation (one tap)."""
    return booking_out(services.acknowledge(booking=booking_by_token(token)))


@router.post("/bookings/{token}/readiness", response=BookingOut, auth=None)
def readiness(request, token: Token, payload: ReadinessIn):
    booking = services.confirm_readiness(actor=_actor(request), booking=booking_by_token(token),
                                         status=payload.status, note=payload.note)
    return booking_out(booking)


@router.post("/bookings/{token}/attendance", response=BookingOut, auth=None)
def attendance(request, token: Token, payload: AttendanceIn):
    booking = services.record_attendance(
        actor=_actor(request), booking=booking_by_token(token), count=payload.count,
        people=[(p.full_name, p.role_title) for p in payload.people])
    return booking_out(booking)


@router.get("/bookings/{token}/join", response=JoinOut, auth=None)
def join(request, token: Token):
    """The engine's link for this point, inside the meeting's window only."""
    booking = booking_by_token(token)
    return {"url": services.join_link(booking=booking), "moderator": booking.is_host}


@router.post("/check-in/{token}", response={201: dict}, auth=None)
def check_in(request, token: Token, payload: CheckInIn):
    """A person in a point's hall checks in from the QR code shown there."""
    meeting = Meeting.objects.filter(checkin_token=token).first()
    if meeting is None:
        raise Http404
    attendee = services.qr_check_in(meeting=meeting, point_code=payload.point,
                                    full_name=payload.full_name, role_title=payload.role_title)
    return Status(201, {"full_name": attendee.full_name, "late": attendee.late})


@router.get("/{pk}", response=MeetingDetailOut, auth=session_auth)
def get_meeting(request, pk: Id):
    return meeting_detail_out(visible_meeting(request.user, pk), today=_today(),
                              viewer=request.user)


@router.post("/{pk}/reschedule", response={200: MeetingOut, 409: ConflictErrorOut},
             auth=session_auth)
def reschedule(request, pk: Id, payload: RescheduleIn):
    meeting = services.reschedule_meeting(actor=request.user,
                                          meeting=managed_meeting(request.user, pk),
                                          starts_at=payload.starts_at, ends_at=payload.ends_at)
    return Status(200, meeting_out(meeting, viewer=request.user))


@router.post("/{pk}/cancel", response=MeetingOut, auth=session_auth)
def cancel(request, pk: Id):
    return meeting_out(services.cancel_meeting(actor=request.user,
                                               meeting=managed_meeting(request.user, pk)),
                       viewer=request.user)


@router.post("/{pk}/skip", response=MeetingOut, auth=session_auth)
def skip(request, pk: Id):
    """An exception to a weekly series: this occurrence does not take place."""
    return meeting_out(services.skip_occurrence(actor=request.user,
                                                meeting=managed_meeting(request.user, pk)),
                       viewer=request.user)


@router.post("/{pk}/end-series", response=list[MeetingOut], auth=session_auth)
def end_series(request, pk: Id):
    """A weekly series ends with this occurrence: it and every later one are cancelled (the
    points told); the earlier ones stay."""
    cancelled = services.end_series(actor=request.user,
                                    meeting=managed_meeting(request.user, pk))
    return [meeting_out(meeting, viewer=request.user) for meeting in cancelled]


@router.get("/{pk}/board", response=BoardOut, auth=session_auth)
def board(request, pk: Id):
    """The host's live board: readiness and attendance of every point."""
    data = selectors.board(managed_meeting(request.user, pk))
    return {**{k: data[k] for k in ("total", "ok", "problem", "silent", "joined", "people")},
            "points": [booking_out(b) for b in data["rows"]]}


@router.post("/{pk}/remind", response=dict, auth=session_auth)
def remind(request, pk: Id):
    """Message the contacts of the points that have not confirmed their connection."""
    count = services.remind_silent_points(actor=request.user,
                                          meeting=managed_meeting(request.user, pk))
    return {"reminded": count}


@router.post("/{pk}/minutes", response=MeetingDetailOut, auth=session_auth)
def minutes(request, pk: Id, payload: MinutesIn):
    meeting = managed_meeting(request.user, pk, "meetings.minutes")
    services.record_minutes(actor=request.user, meeting=meeting, text=payload.text,
                            conclusions=[services.ConclusionIn(c.text, c.assignee,
                                                               c.working_days)
                                         for c in payload.conclusions])
    return meeting_detail_out(visible_meeting(request.user, pk), today=_today(),
                              viewer=request.user)


def _actor(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


__all__ = ["router", "has_perm"]
