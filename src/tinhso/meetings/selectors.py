"""Reads of the meetings system: conflicts, free windows, boards, follow-up, statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse

from tinhso.meetings.engine.scheduling import Busy, DayHours, nearest_free_windows
from tinhso.meetings.models import (
    Conclusion,
    ConferencePoint,
    Meeting,
    PointBooking,
    PointStateChange,
    RoomBooking,
)

#: How far around the asked window the nearest free windows are searched.
SEARCH_HORIZON = timedelta(days=14)
GROUPS_ALL = "all"
GROUPS_COMMUNES = "communes"
GROUPS_PROVINCE = "province"
FORMER_PREFIX = "former:"


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _overlapping(rows, held_from: datetime, held_until: datetime):
    """Bookings whose held interval overlaps [held_from, held_until). On PostgreSQL as a
    range overlap, which the GiST index of migration 0002 answers without a scan."""
    if connection.vendor == "postgresql":
        return rows.extra(  # noqa: S610 - fixed SQL, values as parameters
            where=["tstzrange(held_from, held_until, '[)') && tstzrange(%s, %s, '[)')"],
            params=[held_from, held_until])
    return rows.filter(held_from__lt=held_until, held_until__gt=held_from)


def busy_of(*, point_ids, room_id: int | None, held_from: datetime, held_until: datetime,
            exclude_meeting: int | None = None) -> list[Busy]:
    """Active bookings of these points (resource = point id) and this room (resource = -room
    id) overlapping [held_from, held_until)."""
    if connection.vendor == "postgresql":
        return _busy_of_postgresql(list(point_ids), room_id, held_from, held_until,
                                   exclude_meeting)
    points = _overlapping(PointBooking.objects.filter(point_id__in=list(point_ids), active=True),
                          held_from, held_until)
    rooms = _overlapping(RoomBooking.objects.filter(room_id=room_id, active=True), held_from,
                         held_until) if room_id else None
    if exclude_meeting:
        points = points.exclude(meeting_id=exclude_meeting)
        rooms = rooms.exclude(meeting_id=exclude_meeting) if rooms is not None else None
    found = [Busy(p, s, e, m) for p, s, e, m in points.values_list(
        "point_id", "held_from", "held_until", "meeting_id")]
    if rooms is not None:
        found += [Busy(-room_id, s, e, m) for s, e, m in rooms.values_list(
            "held_from", "held_until", "meeting_id")]
    return found


_BUSY_SQL = """
    SELECT point_id, held_from, held_until, meeting_id FROM meetings_pointbooking
     WHERE active AND point_id = ANY(%(points)s) AND meeting_id <> %(exclude)s
       AND tstzrange(held_from, held_until, '[)') && tstzrange(%(lo)s, %(hi)s, '[)')
    UNION ALL
    SELECT -room_id, held_from, held_until, meeting_id FROM meetings_roombooking
     WHERE active AND room_id = %(room)s AND meeting_id <> %(exclude)s
       AND tstzrange(held_from, held_until, '[)') && tstzrange(%(lo)s, %(hi)s, '[)')
"""


def _busy_of_postgresql(point_ids: list[int], room_id: int | None, held_from: datetime,
                        held_until: datetime, exclude_meeting: int | None) -> list[Busy]:
    """One round trip, the ids as one array parameter (a 213-item IN list costs more to plan
    than the query costs to run), both range overlaps answered by the GiST indexes."""
    with connection.cursor() as cursor:
        cursor.execute(_BUSY_SQL, {"points": point_ids, "room": room_id or 0,
                                   "exclude": exclude_meeting or 0, "lo": held_from,
                                   "hi": held_until})
        return [Busy(resource, start, end, meeting)
                for resource, start, end, meeting in cursor.fetchall()]


_MERGED_SQL = """
    SELECT lower(r), upper(r) FROM (SELECT unnest(range_agg(held)) AS r FROM (
        SELECT tstzrange(held_from, held_until, '[)') AS held FROM meetings_pointbooking
         WHERE active AND point_id = ANY(%(points)s) AND meeting_id <> %(exclude)s
           AND tstzrange(held_from, held_until, '[)') && tstzrange(%(lo)s, %(hi)s, '[)')
        UNION ALL
        SELECT tstzrange(held_from, held_until, '[)') FROM meetings_roombooking
         WHERE active AND room_id = %(room)s AND meeting_id <> %(exclude)s
           AND tstzrange(held_from, held_until, '[)') && tstzrange(%(lo)s, %(hi)s, '[)')
    ) AS busy) AS merged
"""


def _merged_busy_postgresql(point_ids: list[int], room_id: int | None, lo: datetime,
                            hi: datetime, exclude_meeting: int | None):
    """The union of every busy interval of the points and the room, merged by PostgreSQL
    (``range_agg``, a multirange): a few intervals a day instead of every booking."""
    with connection.cursor() as cursor:
        cursor.execute(_MERGED_SQL, {"points": point_ids, "room": room_id or 0,
                                     "exclude": exclude_meeting or 0, "lo": lo, "hi": hi})
        return list(cursor.fetchall())


def free_windows(*, point_ids, room_id: int | None, starts_at: datetime, ends_at: datetime,
                 buffer: timedelta, now: datetime, exclude_meeting: int | None = None,
                 limit: int = 3) -> list[tuple[datetime, datetime]]:
    """The nearest windows of the same length in which every point and the room are free."""
    lo, hi = starts_at - SEARCH_HORIZON - buffer, ends_at + SEARCH_HORIZON + buffer
    if connection.vendor == "postgresql":
        busy = _merged_busy_postgresql(list(point_ids), room_id, lo, hi, exclude_meeting)
    else:
        busy = [(b.start, b.end) for b in busy_of(point_ids=point_ids, room_id=room_id,
                                                  held_from=lo, held_until=hi,
                                                  exclude_meeting=exclude_meeting)]
    return nearest_free_windows(start=starts_at, duration=ends_at - starts_at, buffer=buffer,
                                busy=busy, hours=DayHours(), tz=tz(), not_before=now,
                                horizon=SEARCH_HORIZON, limit=limit)


def resolve_groups(groups: list[str]) -> set[int]:
    """Point ids of groups: "all", "communes", "province", "former:<district name>"."""
    ids: set[int] = set()
    points = ConferencePoint.objects.all()
    for group in groups:
        if group == GROUPS_ALL:
            ids |= set(points.values_list("pk", flat=True))
        elif group == GROUPS_COMMUNES:
            ids |= set(points.filter(kind__in=[ConferencePoint.Kind.COMMUNE,
                                               ConferencePoint.Kind.SECONDARY])
                       .values_list("pk", flat=True))
        elif group == GROUPS_PROVINCE:
            ids |= set(points.filter(kind__in=[ConferencePoint.Kind.PROVINCE,
                                               ConferencePoint.Kind.DEPARTMENT])
                       .values_list("pk", flat=True))
        elif group.startswith(FORMER_PREFIX):
            ids |= set(points.filter(unit__former_district=group[len(FORMER_PREFIX):])
                       .values_list("pk", flat=True))
    return ids


def former_districts() -> list[str]:
    return sorted({d for d in ConferencePoint.objects.exclude(unit=None)
                   .values_list("unit__former_district", flat=True) if d})


def board(meeting: Meeting) -> dict:
    """The host's live board: every point with its readiness and attendance."""
    rows = list(meeting.point_bookings.filter(active=True).select_related("point")
                .annotate(present=Count("attendees")).order_by("point__kind", "point__name"))
    counts = defaultdict(int)
    for row in rows:
        counts[row.readiness] += 1
        row.people = row.attendee_count if row.attendee_count is not None else row.present
    return {"rows": rows, "ok": counts[PointBooking.Readiness.OK],
            "problem": counts[PointBooking.Readiness.PROBLEM],
            "silent": counts[PointBooking.Readiness.UNCONFIRMED], "total": len(rows),
            "joined": sum(1 for r in rows if r.joined_at),
            "people": sum(r.people or 0 for r in rows)}


def absent_points(meeting: Meeting):
    return (meeting.point_bookings.filter(active=True, joined_at__isnull=True)
            .select_related("point"))


def tasks_for(user, *, today: date, overdue_only: bool = False):
    """Conclusions assigned to the user's agencies (all of them for the province office)."""
    from tinhso.accounts.permissions import has_perm, roles_of

    rows = (Conclusion.objects.filter(assignee__isnull=False)
            .select_related("meeting", "assignee").order_by("due_on", "pk"))
    if not has_perm(user, "meetings.follow_up") or not has_perm(user, "meetings.view_all"):
        rows = rows.filter(assignee_id__in={org for _r, org in roles_of(user)})
    if overdue_only:
        rows = rows.filter(done_on__isnull=True, due_on__lt=today)
    return rows


def overdue(today: date):
    return Conclusion.objects.filter(done_on__isnull=True, due_on__lt=today,
                                     assignee__isnull=False)


def statistics(*, year: int, now: datetime) -> dict:
    """Meetings per month and level, hours, point availability and fault rate, attendance
    rate, conclusions done on time: the operations dashboard's figures."""
    zone = tz()
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    meetings = Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end,
                                      state=Meeting.State.SCHEDULED)
    per_month: dict[str, dict[str, int]] = {}
    hours = 0.0
    for level, starts_at, ends_at in meetings.values_list("level", "starts_at", "ends_at"):
        month = f"{starts_at.astimezone(zone):%Y-%m}"
        per_month.setdefault(month, {lv: 0 for lv in Meeting.Level.values})[level] += 1
        hours += (ends_at - starts_at).total_seconds() / 3600
    past = PointBooking.objects.filter(active=True, meeting__in=meetings, meeting__ends_at__lt=now)
    attended = past.filter(joined_at__isnull=False).count()
    booked = past.count()
    points = ConferencePoint.objects.count()
    ready = ConferencePoint.objects.filter(state=ConferencePoint.State.READY).count()
    faults = PointStateChange.objects.filter(at__gte=start, at__lt=end,
                                             state=ConferencePoint.State.FAULTY)
    faulty_points = faults.values("point").distinct().count()
    conclusions = Conclusion.objects.filter(meeting__in=meetings, due_on__isnull=False)
    due = conclusions.filter(due_on__lt=now.astimezone(zone).date()) | conclusions.filter(
        done_on__isnull=False)
    on_time = conclusions.filter(done_on__isnull=False, done_on__lte=F("due_on")).count()
    due_count = due.distinct().count()
    return {
        "year": year,
        "meetings": meetings.count(),
        "hours": round(hours, 1),
        "per_month": [{"month": m, **v} for m, v in sorted(per_month.items())],
        "points": points,
        "points_ready": ready,
        "availability_pct": round(100 * ready / points, 1) if points else None,
        "faults": faults.count(),
        "fault_rate_pct": round(100 * faulty_points / points, 1) if points else None,
        "point_bookings": booked,
        "attendance_rate_pct": round(100 * attended / booked, 1) if booked else None,
        "conclusions": conclusions.count(),
        "conclusions_due": due_count,
        "conclusions_on_time": on_time,
        "on_time_pct": round(100 * on_time / due_count, 1) if due_count else None,
    }


def upcoming_for_points(org_ids, *, now: datetime):
    """Upcoming and current bookings of the points an agency operates (the point's page)."""
    return (PointBooking.objects.filter(point__organization_id__in=list(org_ids), active=True,
                                        meeting__ends_at__gte=now - timedelta(days=1))
            .select_related("meeting", "point").order_by("meeting__starts_at"))


def meetings_in(*, user, day_from: date | None = None, q: str = ""):
    rows = Meeting.objects.visible_to(user).select_related("host_room__point", "organizer")
    if day_from:
        rows = rows.filter(ends_at__gte=datetime.combine(day_from, datetime.min.time(), tz()))
    if q:
        rows = rows.filter(Q(title__icontains=q))
    return rows


def may_set_point_state(user, point) -> bool:
    """Who may mark a conference point ready / faulty / under maintenance: the points'
    administrator, or the point's own operator (``meetings.operate_point`` in the
    organisation the point belongs to)."""
    from tinhso.accounts.permissions import has_perm

    if has_perm(user, "meetings.manage_points"):
        return True
    return bool(point.organization_id
                and has_perm(user, "meetings.operate_point", point.organization_id))


# ---------------------------------------------------------------------------
# Agenda documents: what the organiser may attach, and what each viewer may see of it
# ---------------------------------------------------------------------------

#: How many of the newest documents of each direction the scheduling page offers.
AGENDA_DOCUMENT_CHOICES = 100
OUTGOING, INCOMING = "outgoing", "incoming"


def _document_querysets(user):
    """The documents system's own visibility rule (documents.access, through the models'
    ``visible_to``): secret papers only for those it lets see them, nobody's for anonymous."""
    from tinhso.documents.models import IncomingDocument, OutgoingDocument

    return (OutgoingDocument.objects.visible_to(user),
            IncomingDocument.objects.visible_to(user))


def document_label(doc) -> str:
    number = doc.number_symbol or ""
    return f"{number} — {doc.excerpt[:120]}" if number else doc.excerpt[:120]


def agenda_document_choices(user) -> dict[str, list[tuple[str, str]]]:
    """The documents the organiser may attach to an agenda item, newest first, as
    (``outgoing:<id>`` / ``incoming:<id>``, label)."""
    outgoing, incoming = _document_querysets(user)
    return {
        OUTGOING: [(f"{OUTGOING}:{d.pk}", document_label(d)) for d in
                   outgoing.only("pk", "number_symbol", "excerpt")
                   .order_by("-created_at", "-pk")[:AGENDA_DOCUMENT_CHOICES]],
        INCOMING: [(f"{INCOMING}:{d.pk}", document_label(d)) for d in
                   incoming.only("pk", "number_symbol", "excerpt")
                   .order_by("-arrived_at", "-pk")[:AGENDA_DOCUMENT_CHOICES]],
    }


def visible_document_ids(user, *, outgoing_ids, incoming_ids) -> tuple[set[int], set[int]]:
    outgoing, incoming = _document_querysets(user)
    return (set(outgoing.filter(pk__in=list(outgoing_ids)).values_list("pk", flat=True))
            if outgoing_ids else set(),
            set(incoming.filter(pk__in=list(incoming_ids)).values_list("pk", flat=True))
            if incoming_ids else set())


def agenda_for(meeting: Meeting, viewer) -> list[dict]:
    """A meeting's agenda as ``viewer`` may see it. A linked document the viewer may read
    comes with its number, excerpt and address; one they may not comes withheld: only
    whether it is classified (its secrecy mark, never its number or excerpt)."""
    from tinhso.documents.models import SECRET_VALUES

    items = list(meeting.agenda.select_related("outgoing_document", "incoming_document"))
    seen_out, seen_in = visible_document_ids(
        viewer if viewer is not None and viewer.is_authenticated else None,
        outgoing_ids={a.outgoing_document_id for a in items if a.outgoing_document_id},
        incoming_ids={a.incoming_document_id for a in items if a.incoming_document_id})
    rows = []
    for item in items:
        doc, kind, seen = None, "", False
        if item.outgoing_document_id:
            doc, kind = item.outgoing_document, OUTGOING
            seen = item.outgoing_document_id in seen_out
        elif item.incoming_document_id:
            doc, kind = item.incoming_document, INCOMING
            seen = item.incoming_document_id in seen_in
        linked = None
        if doc is not None and seen:
            linked = {"kind": kind, "id": doc.pk, "withheld": False, "secret":
                      doc.confidentiality in SECRET_VALUES, "number": doc.number_symbol,
                      "excerpt": doc.excerpt, "url": reverse(f"documents:{kind}", args=[doc.pk])}
        elif doc is not None:
            linked = {"kind": "", "id": None, "withheld": True,
                      "secret": doc.confidentiality in SECRET_VALUES, "number": "",
                      "excerpt": "", "url": ""}
        rows.append({"position": item.position, "title": item.title,
                     "document_ref": item.document_ref, "linked": linked})
    return rows
