"""Every write of the meetings system: one function per use case, in one transaction, with
its audit entry; pages and the API call these.

Scheduling without conflicts: `schedule_meeting` locks the rows of the host room and of
every requested point (`select_for_update`, in primary-key order, room first, so two
schedulers never deadlock), then looks for overlapping active bookings of them (the held
interval: the window plus the set-up buffer), and only then writes. A conflict is refused
with `BookingConflict`, naming the conflicts and the nearest windows in which everything
asked for is free, and leaves nothing written. On PostgreSQL the exclusion constraints of
migration 0002 back the rule in the database.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.accounts.models import Organization
from tinhso.core import audit, notifications
from tinhso.core.errors import DomainError, FieldCollector
from tinhso.core.selectors import working_calendar
from tinhso.core.validators import ErrorCode as CoreCode
from tinhso.core.validators import check_text, invalid_value
from tinhso.meetings import ics, selectors
from tinhso.meetings.engine.scheduling import Conflict, find_conflicts, held_interval
from tinhso.meetings.engine.series import MAX_OCCURRENCES, weekly_occurrences
from tinhso.meetings.errors import MESSAGES, MeetingError, meeting_error, meeting_invalid
from tinhso.meetings.models import (
    AgendaItem,
    Attendee,
    Conclusion,
    ConferencePoint,
    Meeting,
    Minutes,
    PointBooking,
    PointStateChange,
    ProgressReport,
    Room,
    RoomBooking,
    Series,
)

MAX_HOURS = 12
MAX_BUFFER_MINUTES = 120
MAX_POINTS = 500


def _suggest(error: BookingConflict) -> BookingConflict:
    search = getattr(error, "search", None)
    if search and not error.suggestions:
        error.suggestions = selectors.free_windows(**search)
    return error


def _suggesting(function):
    """Fill a refused booking's free windows once the transaction is over."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BookingConflict as error:
            raise _suggest(error) from None
    return wrapper


class BookingConflict(DomainError):
    """A refused booking: which points or rooms are taken, by what, and where it would fit."""

    def __init__(self, conflicts: list[dict], suggestions: list[tuple[datetime, datetime]]):
        # The first few names in full (the count says how many): a list cut at a fixed
        # length ended mid-word on the page.
        unique = list(dict.fromkeys(c["name"] for c in conflicts))
        names = ", ".join(unique[:6]) + (", …" if len(unique) > 6 else "")
        template, status = MESSAGES[MeetingError.CONFLICT]
        super().__init__(MeetingError.CONFLICT, template, field="points", status=status,
                         params={"count": len({(c["kind"], c["id"]) for c in conflicts}),
                                 "names": names[:600]})
        self.conflicts = conflicts
        self.suggestions = suggestions

    def as_dict(self, language=None) -> dict:
        data = super().as_dict(language)
        data["conflicts"] = [{**c, "starts_at": c["starts_at"].isoformat(),
                              "ends_at": c["ends_at"].isoformat()} for c in self.conflicts]
        data["suggestions"] = [{"starts_at": s.isoformat(), "ends_at": e.isoformat()}
                               for s, e in self.suggestions]
        return data


@dataclass
class AgendaEntry:
    """An agenda item: its title, a paper from outside named in free text, and optionally a
    document of the documents system (outgoing or incoming, by id) the organiser may see."""

    title: str
    document_ref: str = ""
    outgoing_document: int | None = None
    incoming_document: int | None = None


def _entry(item) -> AgendaEntry:
    # Callers from before documents could be linked pass (title, reference) pairs.
    if isinstance(item, AgendaEntry):
        return item
    title, ref = item
    return AgendaEntry(title, ref or "")


@dataclass
class MeetingRequest:
    title: str
    level: str
    host_room_id: int
    starts_at: datetime
    ends_at: datetime
    point_codes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    buffer_minutes: int = 15
    agenda: list[AgendaEntry | tuple[str, str]] = field(default_factory=list)
    provider: str = ""


# ---------------------------------------------------------------------------
# Validation shared by the page and the API
# ---------------------------------------------------------------------------

def _clean_text(collector: FieldCollector, name: str, value: str, max_length: int,
                *, required: bool = True) -> str:
    def clean():
        text = (value or "").strip()
        if required and not text:
            raise invalid_value(name, CoreCode.REQUIRED)
        if len(text) > max_length:
            raise meeting_invalid(MeetingError.TEXT_TOO_LONG, field=name, max=max_length)
        return check_text(text, name)
    return collector.field(name, clean) or ""


def _check_window(collector: FieldCollector, starts_at: datetime, ends_at: datetime,
                  now: datetime) -> None:
    if ends_at <= starts_at:
        collector.fail(meeting_invalid(MeetingError.ENDS_BEFORE_START, field="ends_at"))
    elif ends_at - starts_at > timedelta(hours=MAX_HOURS):
        collector.fail(meeting_invalid(MeetingError.TOO_LONG, field="ends_at", hours=MAX_HOURS))
    if starts_at < now:
        collector.fail(meeting_invalid(MeetingError.IN_THE_PAST, field="starts_at"))


def _resolve_points(collector: FieldCollector, codes: list[str], groups: list[str]) -> list[int]:
    codes = [c.strip() for c in codes if c and c.strip()]
    known = dict(ConferencePoint.objects.filter(code__in=codes).values_list("code", "pk"))
    for code in codes:
        if code not in known:
            collector.fail(meeting_invalid(MeetingError.UNKNOWN_POINT, field="points",
                                           code=code[:40]))
    ids = set(known.values()) | selectors.resolve_groups(groups)
    if not ids and not collector.errors:
        collector.fail(meeting_invalid(MeetingError.NO_POINTS, field="points"))
    return sorted(ids)


def _conflict_rows(busy_conflicts: list[Conflict], room: Room) -> list[dict]:
    point_ids = [c.resource for c in busy_conflicts if c.resource > 0]
    names = dict(ConferencePoint.objects.filter(pk__in=point_ids).values_list("pk", "name"))
    codes = dict(ConferencePoint.objects.filter(pk__in=point_ids).values_list("pk", "code"))
    titles = dict(Meeting.objects.filter(pk__in={c.meeting for c in busy_conflicts})
                  .values_list("pk", "title"))
    rows = []
    for c in busy_conflicts:
        if c.resource < 0:
            rows.append({"kind": "room", "id": room.pk, "code": "", "name": room.name,
                         "meeting_id": c.meeting, "meeting": titles.get(c.meeting, ""),
                         "starts_at": c.start, "ends_at": c.end})
        else:
            rows.append({"kind": "point", "id": c.resource, "code": codes.get(c.resource, ""),
                         "name": names.get(c.resource, ""), "meeting_id": c.meeting,
                         "meeting": titles.get(c.meeting, ""), "starts_at": c.start,
                         "ends_at": c.end})
    return rows


# ---------------------------------------------------------------------------
# Scheduling
# ---------------------------------------------------------------------------

def _lock(room_id: int, point_ids: list[int]) -> tuple[Room, list[ConferencePoint]]:
    """Lock the room, then the points with the room's own point among them, in primary-key
    order: every scheduler takes its locks in the same order, so none waits in a circle."""
    host_point = Room.objects.values_list("point_id", flat=True).get(pk=room_id)
    room = Room.objects.select_for_update(no_key=True).get(pk=room_id)
    points = list(ConferencePoint.objects.select_for_update(no_key=True)
                  .filter(pk__in={*point_ids, host_point}).order_by("pk"))
    return room, points


def _check_free(*, room: Room, point_ids: list[int], held_from: datetime, held_until: datetime,
                starts_at: datetime, ends_at: datetime, buffer: timedelta, now: datetime,
                exclude_meeting: int | None = None) -> None:
    busy = selectors.busy_of(point_ids=point_ids, room_id=room.pk, held_from=held_from,
                             held_until=held_until, exclude_meeting=exclude_meeting)
    conflicts = find_conflicts(held_from, held_until, [*point_ids, -room.pk], busy,
                               exclude_meeting=exclude_meeting)
    if conflicts:
        error = BookingConflict(_conflict_rows(conflicts, room), [])
        # The free windows are searched after the rollback (`_suggest`), not while the
        # request holds the locks of every point it asked for.
        error.search = {"point_ids": point_ids, "room_id": room.pk, "starts_at": starts_at,
                        "ends_at": ends_at, "buffer": buffer, "now": now,
                        "exclude_meeting": exclude_meeting}
        raise error


def _book(*, actor, organizer: Organization, title: str, level: str, room: Room,
          points: list[ConferencePoint], starts_at: datetime, ends_at: datetime,
          buffer_minutes: int, agenda, provider: str, now: datetime,
          series: Series | None = None) -> Meeting:
    buffer = timedelta(minutes=buffer_minutes)
    held_from, held_until = held_interval(starts_at, ends_at, buffer)
    point_ids = [p.pk for p in points]
    _check_free(room=room, point_ids=point_ids, held_from=held_from, held_until=held_until,
                starts_at=starts_at, ends_at=ends_at, buffer=buffer, now=now)
    for point in points:
        if point.state != ConferencePoint.State.READY:
            raise meeting_error(MeetingError.POINT_NOT_READY, field="points", name=point.name)
    seq = Meeting.objects.count() + 1
    stamp = f"{starts_at:%Y%m%d%H%M}-{seq}-{timezone.now().timestamp():.6f}".replace(".", "")
    meeting = Meeting.objects.create(
        title=title, level=level, organizer=organizer, chair=actor,
        chair_name=actor.full_name, host_room=room, starts_at=starts_at, ends_at=ends_at,
        buffer_minutes=buffer_minutes, series=series,
        provider=provider or settings.MEETINGS_PROVIDER,
        room_name=f"langson-{stamp}", uid=f"{stamp}@hoinghi.tinhso.langson.gov.vn",
        created_by=actor)
    try:
        with transaction.atomic():
            RoomBooking.objects.create(meeting=meeting, room=room, held_from=held_from,
                                       held_until=held_until)
            PointBooking.objects.bulk_create([
                PointBooking(meeting=meeting, point=p, held_from=held_from,
                             held_until=held_until, is_host=p.pk == room.point_id)
                for p in points])
    except IntegrityError as error:  # the exclusion constraint: another path booked first
        raise BookingConflict([], []) from error
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, position=n, title=t, document_ref=ref,
                   outgoing_document_id=out_id, incoming_document_id=in_id)
        for n, (t, ref, out_id, in_id) in enumerate(agenda, start=1)])
    audit.record(actor=actor, action="meeting.schedule", obj=meeting, organization=organizer,
                 after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                        "room": room.pk, "points": len(points)})
    _after_commit_invite(meeting.pk)
    return meeting


def _clean_agenda(collector: FieldCollector, items, actor) -> list[tuple]:
    """Titles and references checked; a linked document must be one the organiser may see
    (the documents system's rule: a secret paper only for those it is given to). The same
    refusal whether it is missing or hidden, so a refusal tells nothing of a secret."""
    agenda, wanted = [], []
    for n, item in enumerate(items[:30]):
        item = _entry(item)
        t = _clean_text(collector, f"agenda[{n}]", item.title, 300)
        r = _clean_text(collector, f"agenda[{n}].document_ref", item.document_ref or "", 120,
                        required=False)
        out_id, in_id = item.outgoing_document or None, item.incoming_document or None
        if out_id and in_id:
            collector.fail(meeting_invalid(MeetingError.CHOICE, field=f"agenda[{n}].document"))
            continue
        if out_id or in_id:
            wanted.append((n, out_id, in_id))
        if t:
            agenda.append((t, r, out_id, in_id))
    if wanted:
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        seen_out, seen_in = selectors.visible_document_ids(
            actor if authenticated else None,
            outgoing_ids={o for _n, o, _i in wanted if o},
            incoming_ids={i for _n, _o, i in wanted if i})
        for n, out_id, in_id in wanted:
            if (out_id and out_id not in seen_out) or (in_id and in_id not in seen_in):
                collector.fail(meeting_invalid(MeetingError.UNKNOWN_DOCUMENT,
                                               field=f"agenda[{n}].document"))
    return agenda


def _clean_request(request: MeetingRequest, now: datetime, *, actor=None,
                   collector: FieldCollector | None = None) -> tuple[dict, list[int]]:
    """Every field of a request checked at once. With ``collector`` given the caller adds
    its own checks and raises; otherwise the errors are raised here."""
    own = collector is None
    collector = collector or FieldCollector()
    title = _clean_text(collector, "title", request.title, 200)
    if request.level not in Meeting.Level.values:
        collector.fail(meeting_invalid(MeetingError.CHOICE, field="level"))
    if not 0 <= request.buffer_minutes <= MAX_BUFFER_MINUTES:
        collector.fail(meeting_invalid(MeetingError.RANGE, field="buffer_minutes",
                                       low=0, high=MAX_BUFFER_MINUTES))
    _check_window(collector, request.starts_at, request.ends_at, now)
    agenda = _clean_agenda(collector, request.agenda, actor)
    if not Room.objects.filter(pk=request.host_room_id).exists():
        collector.fail(meeting_invalid(MeetingError.UNKNOWN_ROOM, field="host_room"))
    point_ids = _resolve_points(collector, request.point_codes[:MAX_POINTS], request.groups[:20])
    if own:
        collector.raise_if_invalid()
    return {"title": title, "agenda": agenda}, point_ids


def schedule_meeting(*, actor, organizer: Organization, request: MeetingRequest,
                     now: datetime | None = None) -> Meeting:
    """Book the host room and the points for one meeting, or refuse with the conflicts."""
    now = now or timezone.now()
    cleaned, point_ids = _clean_request(request, now, actor=actor)
    try:
        with transaction.atomic():
            room, points = _lock(request.host_room_id, point_ids)
            return _book(actor=actor, organizer=organizer, title=cleaned["title"],
                         level=request.level, room=room, points=points,
                         starts_at=request.starts_at, ends_at=request.ends_at,
                         buffer_minutes=request.buffer_minutes, agenda=cleaned["agenda"],
                         provider=request.provider, now=now)
    except BookingConflict as error:
        raise _suggest(error) from None


def check_meeting(*, request: MeetingRequest, now: datetime | None = None,
                  exclude_meeting: int | None = None, actor=None) -> None:
    """Raise BookingConflict (conflicts + nearest free windows) if the request would not
    fit now; book nothing. The same validation as `schedule_meeting`."""
    now = now or timezone.now()
    _cleaned, point_ids = _clean_request(request, now, actor=actor)
    host_point = Room.objects.values_list("point_id", flat=True).get(pk=request.host_room_id)
    room = Room(pk=request.host_room_id, point_id=host_point)
    room.name = Room.objects.values_list("name", flat=True).get(pk=room.pk)
    buffer = timedelta(minutes=request.buffer_minutes)
    held_from, held_until = held_interval(request.starts_at, request.ends_at, buffer)
    try:
        _check_free(room=room, point_ids=sorted({*point_ids, host_point}), held_from=held_from,
                    held_until=held_until, starts_at=request.starts_at,
                    ends_at=request.ends_at, buffer=buffer, now=now,
                    exclude_meeting=exclude_meeting)
    except BookingConflict as error:
        raise _suggest(error) from None


@_suggesting
def schedule_series(*, actor, organizer: Organization, request: MeetingRequest,
                    count: int | None = None, exceptions: list[date] = (),
                    until: date | None = None, now: datetime | None = None) -> Series:
    """A weekly series: every occurrence booked in one transaction, or none. It runs for
    ``count`` weeks or up to ``until`` (its last day, one of the two); the occurrence on each
    date of ``exceptions`` is skipped (no meeting, so no invitation for that date)."""
    now = now or timezone.now()
    collector = FieldCollector()
    cleaned, point_ids = _clean_request(request, now, actor=actor, collector=collector)
    zone = selectors.tz()
    local = request.starts_at.astimezone(zone)
    first_day = local.date()
    exceptions = sorted(set(exceptions))
    if (count is None) == (until is None):
        collector.fail(meeting_invalid(MeetingError.SERIES_LENGTH,
                                       field="until" if until else "count"))
    elif until is not None:
        if until < first_day:
            collector.fail(meeting_invalid(MeetingError.SERIES_UNTIL, field="until"))
        else:
            count = (until - first_day).days // 7 + 1
            if count > MAX_OCCURRENCES:
                collector.fail(meeting_invalid(MeetingError.SERIES_COUNT, field="until"))
    elif not 1 <= count <= MAX_OCCURRENCES:
        collector.fail(meeting_invalid(MeetingError.SERIES_COUNT, field="count"))
    if count and not any(e.field in ("count", "until") for e in collector.errors):
        # The length is known: every skipped date must be one of the series', and at least
        # one meeting must be left (checked with the other fields, all refused at once).
        dates = {first_day + timedelta(weeks=n) for n in range(count)}
        strays = [day for day in exceptions if day not in dates]
        for day in strays:
            collector.fail(meeting_invalid(MeetingError.SERIES_EXCEPTION, field="exceptions",
                                           day=f"{day:%d/%m/%Y}"))
        if not strays and len(exceptions) >= count:
            collector.fail(meeting_invalid(MeetingError.SERIES_COUNT, field="exceptions"))
    collector.raise_if_invalid()
    occurrences = weekly_occurrences(first_day=first_day, starts=local.time(),
                                     duration=request.ends_at - request.starts_at, count=count,
                                     tz=zone, exceptions=exceptions)
    with transaction.atomic():
        room, points = _lock(request.host_room_id, point_ids)
        series = Series.objects.create(title=cleaned["title"], weekday=local.weekday(),
                                       exceptions=[d.isoformat() for d in exceptions],
                                       until=first_day + timedelta(weeks=count - 1))
        for starts_at, ends_at in occurrences:
            _book(actor=actor, organizer=organizer, title=cleaned["title"], level=request.level,
                  room=room, points=points, starts_at=starts_at, ends_at=ends_at,
                  buffer_minutes=request.buffer_minutes, agenda=cleaned["agenda"],
                  provider=request.provider, now=now, series=series)
        audit.record(actor=actor, action="meeting.series", obj=series, organization=organizer,
                     after={"count": len(occurrences), "exceptions": series.exceptions,
                            "until": series.until.isoformat()})
    return series


def skip_occurrence(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """An exception to a series: this occurrence does not take place (its bookings are freed
    and the invitations cancelled with the same UID)."""
    with transaction.atomic():
        meeting = cancel_meeting(actor=actor, meeting=meeting, now=now)
        if meeting.series_id:
            series = Series.objects.select_for_update().get(pk=meeting.series_id)
            day = meeting.starts_at.astimezone(selectors.tz()).date().isoformat()
            if day not in series.exceptions:
                series.exceptions = sorted([*series.exceptions, day])
                series.save(update_fields=["exceptions"])
    return meeting


def end_series(*, actor, meeting: Meeting, now: datetime | None = None) -> list[Meeting]:
    """A weekly series ends with this occurrence: it and every later one are cancelled as
    one meeting is (bookings freed, each point's invitation cancelled), and the series' last
    day becomes the day before. The earlier occurrences stay as they are. Returns the
    occurrences cancelled, in order."""
    if not meeting.series_id:
        raise meeting_error(MeetingError.NOT_A_SERIES)
    with transaction.atomic():
        series = Series.objects.select_for_update().get(pk=meeting.series_id)
        later = (Meeting.objects.filter(series=series, starts_at__gte=meeting.starts_at)
                 .exclude(state=Meeting.State.CANCELLED).order_by("starts_at"))
        cancelled = [cancel_meeting(actor=actor, meeting=occurrence, now=now)
                     for occurrence in later]
        last_day = meeting.starts_at.astimezone(selectors.tz()).date() - timedelta(days=1)
        before = series.until
        series.until = min(before, last_day) if before else last_day
        series.save(update_fields=["until"])
        audit.record(actor=actor, action="meeting.series_end", obj=series,
                     before={"until": before.isoformat() if before else None},
                     after={"until": series.until.isoformat(), "cancelled": len(cancelled)})
    return cancelled


@_suggesting
def reschedule_meeting(*, actor, meeting: Meeting, starts_at: datetime, ends_at: datetime,
                       now: datetime | None = None) -> Meeting:
    """Move a meeting: the same points and room, checked again; invitations updated with the
    same UID and a higher SEQUENCE."""
    now = now or timezone.now()
    collector = FieldCollector()
    _check_window(collector, starts_at, ends_at, now)
    collector.raise_if_invalid()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state == Meeting.State.CANCELLED:
            raise meeting_error(MeetingError.CANCELLED)
        point_ids = sorted(meeting.point_bookings.filter(active=True)
                           .values_list("point_id", flat=True))
        room, _points = _lock(meeting.host_room_id, point_ids)
        buffer = timedelta(minutes=meeting.buffer_minutes)
        held_from, held_until = held_interval(starts_at, ends_at, buffer)
        _check_free(room=room, point_ids=point_ids, held_from=held_from, held_until=held_until,
                    starts_at=starts_at, ends_at=ends_at, buffer=buffer, now=now,
                    exclude_meeting=meeting.pk)
        before = {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat()}
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.ics_sequence += 1
        meeting.save(update_fields=["starts_at", "ends_at", "ics_sequence"])
        RoomBooking.objects.filter(meeting=meeting, active=True).update(
            held_from=held_from, held_until=held_until)
        # A new time needs a new acknowledgement from every point.
        PointBooking.objects.filter(meeting=meeting, active=True).update(
            held_from=held_from, held_until=held_until, acknowledged_at=None)
        audit.record(actor=actor, action="meeting.reschedule", obj=meeting, before=before,
                     after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
        _after_commit_invite(meeting.pk)
    return meeting


def cancel_meeting(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state == Meeting.State.CANCELLED:
            return meeting
        meeting.state = Meeting.State.CANCELLED
        meeting.ics_sequence += 1
        meeting.save(update_fields=["state", "ics_sequence"])
        PointBooking.objects.filter(meeting=meeting).update(active=False)
        RoomBooking.objects.filter(meeting=meeting).update(active=False)
        audit.record(actor=actor, action="meeting.cancel", obj=meeting,
                     after={"state": meeting.state})
        _after_commit_invite(meeting.pk)
    return meeting


# ---------------------------------------------------------------------------
# Invitations (.ics) and links
# ---------------------------------------------------------------------------

def _after_commit_invite(meeting_id: int) -> None:
    def run() -> None:
        send_invitations(meeting_id)

    transaction.on_commit(run, robust=True)


def invitation(meeting: Meeting, booking: PointBooking | None = None) -> bytes:
    """The .ics of a meeting (REQUEST, or CANCEL once cancelled), the same UID for ever."""
    point = meeting.host_room.point
    return ics.render(ics.Invitation(
        uid=meeting.uid, sequence=meeting.ics_sequence, title=meeting.title,
        starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        location=f"{meeting.host_room.name}, {point.name}"
                 + (f" — {booking.point.name}" if booking else ""),
        organizer_name=meeting.organizer.name, organizer_email="hoinghi@langson.gov.vn",
        description=f"Chủ trì / Chair: {meeting.chair_name}", url=_point_link(booking),
        stamp=timezone.now(), cancelled=meeting.state == Meeting.State.CANCELLED))


def invitation_attachment(meeting: Meeting,
                          booking: PointBooking | None = None) -> notifications.Attachment:
    """The .ics as the invitation's attachment (METHOD REQUEST, or CANCEL, same UID)."""
    method = "CANCEL" if meeting.state == Meeting.State.CANCELLED else "REQUEST"
    return notifications.Attachment(filename=f"hoi-nghi-{meeting.pk}.ics",
                                    content_type=f"text/calendar; method={method}",
                                    content=invitation(meeting, booking))


def _point_link(booking: PointBooking | None) -> str:
    return f"/meetings/p/{booking.token}/" if booking else ""


def send_invitations(meeting_id: int) -> int:
    """Tell each point's contact (after the commit): new, moved or cancelled meeting, the
    .ics attached (same UID, its SEQUENCE raised on each change) and a link to the point's
    page, where the one-tap acknowledgement is."""
    meeting = Meeting.objects.select_related("host_room__point").get(pk=meeting_id)
    zone = selectors.tz()
    when = f"{meeting.starts_at.astimezone(zone):%H:%M %d/%m/%Y}"
    when_end = f"{meeting.ends_at.astimezone(zone):%H:%M}"
    cancelled = meeting.state == Meeting.State.CANCELLED
    kind = ("meeting.cancelled" if cancelled else
            "meeting.updated" if meeting.ics_sequence else "meeting.invited")
    sent = 0
    for booking in meeting.point_bookings.select_related("point"):
        phone = booking.point.contact_phone
        if not phone:
            continue
        if cancelled:
            vi = f"Hủy hội nghị “{meeting.title}” lúc {when}."
            en = f"Meeting “{meeting.title}” at {when} is cancelled."
        elif meeting.ics_sequence:
            vi = f"Đổi giờ hội nghị “{meeting.title}”: {when}–{when_end}. Xác nhận lại."
            en = f"Meeting “{meeting.title}” moved to {when}–{when_end}. Please acknowledge."
        else:
            vi = (f"Mời điểm cầu {booking.point.name} dự hội nghị “{meeting.title}” "
                  f"{when}–{when_end}. Xác nhận đã nhận.")
            en = (f"Point {booking.point.name} is invited to “{meeting.title}” "
                  f"{when}–{when_end}. Please acknowledge.")
        notifications.send(notifications.Notification(
            recipient=phone, kind=kind, message_vi=vi, message_en=en,
            link=_point_link(booking), attachments=(invitation_attachment(meeting, booking),)))
        sent += 1
    return sent


def acknowledge(*, booking: PointBooking, now: datetime | None = None) -> PointBooking:
    with transaction.atomic():
        booking = PointBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.acknowledged_at is None:
            booking.acknowledged_at = now or timezone.now()
            booking.save(update_fields=["acknowledged_at"])
            audit.record(actor=None, action="meeting.acknowledge", obj=booking,
                         note=f"point {booking.point.code}")
    return booking


def join_link(*, booking: PointBooking, now: datetime | None = None) -> str:
    """The engine's link for this point, only around the meeting window; the chair's (host)
    point moderates. Creates the room on the engine first (idempotent)."""
    from tinhso.meetings.conferencing import JoinRequest, provider_for

    now = now or timezone.now()
    meeting = booking.meeting
    if meeting.state == Meeting.State.CANCELLED:
        raise meeting_error(MeetingError.CANCELLED)
    opens = meeting.starts_at - timedelta(minutes=settings.MEETINGS_LINK_OPENS_MINUTES)
    if now < opens:
        raise meeting_error(MeetingError.LINK_NOT_YET,
                            minutes=settings.MEETINGS_LINK_OPENS_MINUTES)
    if now >= meeting.ends_at:
        raise meeting_error(MeetingError.LINK_EXPIRED)
    provider = provider_for(meeting.provider)
    provider.create_room(room=meeting.room_name, title=meeting.title,
                         starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    return provider.join_url(JoinRequest(
        room=meeting.room_name, title=meeting.title, display_name=booking.point.name,
        participant_id=booking.point.code, moderator=booking.is_host,
        valid_from=opens, valid_until=meeting.ends_at))


# ---------------------------------------------------------------------------
# Readiness and attendance
# ---------------------------------------------------------------------------

def _readiness_open(meeting: Meeting, now: datetime) -> bool:
    opens = meeting.starts_at - timedelta(minutes=settings.MEETINGS_READINESS_OPENS_MINUTES)
    return opens <= now < meeting.ends_at


def confirm_readiness(*, actor, booking: PointBooking, status: str, note: str = "",
                      now: datetime | None = None) -> PointBooking:
    now = now or timezone.now()
    collector = FieldCollector()
    if status not in (PointBooking.Readiness.OK, PointBooking.Readiness.PROBLEM):
        collector.fail(meeting_invalid(MeetingError.CHOICE, field="status"))
    note = _clean_text(collector, "note", note, 500, required=False)
    if status == PointBooking.Readiness.PROBLEM and not note and not collector.errors:
        collector.fail(meeting_invalid(MeetingError.NOTE_REQUIRED, field="note"))
    collector.raise_if_invalid()
    with transaction.atomic():
        booking = PointBooking.objects.select_for_update().select_related("meeting", "point") \
            .get(pk=booking.pk)
        if booking.meeting.state == Meeting.State.CANCELLED:
            raise meeting_error(MeetingError.CANCELLED)
        if not _readiness_open(booking.meeting, now):
            raise meeting_error(MeetingError.READINESS_NOT_OPEN, field="status",
                                minutes=settings.MEETINGS_READINESS_OPENS_MINUTES)
        before = {"readiness": booking.readiness}
        booking.readiness, booking.readiness_note, booking.readiness_at = status, note, now
        booking.save(update_fields=["readiness", "readiness_note", "readiness_at"])
        audit.record(actor=actor, action="meeting.readiness", obj=booking, before=before,
                     after={"readiness": status, "note": note})
    return booking


def remind_silent_points(*, actor, meeting: Meeting, now: datetime | None = None) -> int:
    """The host calls the silent points: each unconfirmed point's contact gets a message
    (and the board lists their phone numbers to call)."""
    now = now or timezone.now()
    with transaction.atomic():
        silent = list(meeting.point_bookings.select_for_update().filter(
            active=True, readiness=PointBooking.Readiness.UNCONFIRMED).select_related("point"))
        for booking in silent:
            booking.reminded_at = now
            if booking.point.contact_phone:
                notifications.send(notifications.Notification(
                    recipient=booking.point.contact_phone, kind="meeting.readiness_reminder",
                    message_vi=f"Điểm cầu {booking.point.name}: xin kiểm tra kết nối và xác nhận "
                               f"cho hội nghị “{meeting.title}”.",
                    message_en=f"Point {booking.point.name}: please test the connection and "
                               f"confirm for “{meeting.title}”.",
                    link=_point_link(booking)))
        PointBooking.objects.bulk_update(silent, ["reminded_at"])
        audit.record(actor=actor, action="meeting.remind_silent", obj=meeting,
                     after={"points": len(silent)})
    return len(silent)


def _attendance_open(meeting: Meeting, now: datetime) -> bool:
    return _readiness_open(meeting, now)


def _is_late(meeting: Meeting, moment: datetime) -> bool:
    return moment > meeting.starts_at + timedelta(minutes=settings.MEETINGS_LATE_AFTER_MINUTES)


def record_attendance(*, actor, booking: PointBooking, count: int,
                      people: list[tuple[str, str]], now: datetime | None = None) -> PointBooking:
    """The point's list: how many attended and who (names and positions). Replaces the list
    typed before; QR check-ins stay."""
    now = now or timezone.now()
    collector = FieldCollector()
    if not 0 <= count <= 10000:
        collector.fail(meeting_invalid(MeetingError.RANGE, field="count", low=0, high=10000))
    cleaned = []
    for n, (name, role) in enumerate(people[:200]):
        name = _clean_text(collector, f"people[{n}]", name, 150, required=False)
        role = _clean_text(collector, f"people[{n}]", role, 150, required=False)
        if name:
            cleaned.append((name, role))
    collector.raise_if_invalid()
    with transaction.atomic():
        booking = PointBooking.objects.select_for_update().select_related("meeting", "point") \
            .get(pk=booking.pk)
        if not _attendance_open(booking.meeting, now):
            raise meeting_error(MeetingError.ATTENDANCE_NOT_OPEN)
        booking.attendees.filter(via_qr=False).delete()
        late = _is_late(booking.meeting, now)
        Attendee.objects.bulk_create([
            Attendee(booking=booking, full_name=name, role_title=role, checked_in_at=now,
                     late=late) for name, role in cleaned])
        booking.attendee_count = max(count, len(cleaned))
        if booking.joined_at is None and booking.attendee_count:
            booking.joined_at = now
        booking.save(update_fields=["attendee_count", "joined_at"])
        audit.record(actor=actor, action="meeting.attendance", obj=booking,
                     after={"count": booking.attendee_count, "names": len(cleaned)})
    return booking


def qr_check_in(*, meeting: Meeting, point_code: str, full_name: str, role_title: str = "",
                now: datetime | None = None) -> Attendee:
    """A person in the hall scans the point's QR code and gives their name."""
    now = now or timezone.now()
    collector = FieldCollector()
    full_name = _clean_text(collector, "full_name", full_name, 150)
    role_title = _clean_text(collector, "role_title", role_title, 150, required=False)
    collector.raise_if_invalid()
    with transaction.atomic():
        booking = (PointBooking.objects.select_for_update().select_related("meeting")
                   .filter(meeting=meeting, point__code=point_code, active=True).first())
        if booking is None:
            raise meeting_error(MeetingError.UNKNOWN_POINT, field="point", code=point_code[:40])
        if not _attendance_open(booking.meeting, now):
            raise meeting_error(MeetingError.ATTENDANCE_NOT_OPEN)
        attendee = Attendee.objects.create(booking=booking, full_name=full_name,
                                           role_title=role_title, via_qr=True,
                                           checked_in_at=now, late=_is_late(meeting, now))
        if booking.joined_at is None:
            booking.joined_at = now
            booking.save(update_fields=["joined_at"])
        audit.record(actor=None, action="meeting.qr_check_in", obj=booking,
                     after={"name": full_name})
    return attendee


# ---------------------------------------------------------------------------
# Minutes, conclusions, follow-up
# ---------------------------------------------------------------------------

@dataclass
class ConclusionIn:
    text: str
    assignee: str = ""  # organisation code, or "" for a conclusion that is not a task
    working_days: int | None = None


def minutes_open(meeting: Meeting, now: datetime) -> bool:
    """Minutes are recorded once the meeting has started."""
    return now >= meeting.starts_at


def record_minutes(*, actor, meeting: Meeting, text: str, conclusions: list[ConclusionIn],
                   now: datetime | None = None) -> Minutes:
    """The secretary's minutes, and conclusions appended to those recorded before; a
    conclusion assigned to an agency is a task due so many working days after the meeting's
    day (the province's working calendar: weekends, holidays, swapped days)."""
    now = now or timezone.now()
    collector = FieldCollector()
    text = _clean_text(collector, "text", text, 20000)
    cleaned = []
    orgs = {}
    for n, c in enumerate(conclusions[:50]):
        body = _clean_text(collector, f"conclusions[{n}].text", c.text, 2000)
        org = None
        if c.assignee:
            org = orgs.get(c.assignee) or Organization.objects.filter(code=c.assignee[:40]).first()
            if org is None:
                collector.fail(meeting_invalid(MeetingError.UNKNOWN_AGENCY,
                                               field=f"conclusions[{n}].assignee",
                                               code=c.assignee[:40]))
            elif c.working_days is None or not 1 <= c.working_days <= 365:
                collector.fail(meeting_invalid(MeetingError.DEADLINE_RANGE,
                                               field=f"conclusions[{n}].working_days"))
        if body:
            cleaned.append((body, org, c.working_days if org else None))
    collector.raise_if_invalid()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state == Meeting.State.CANCELLED:
            raise meeting_error(MeetingError.CANCELLED)
        if not minutes_open(meeting, now):
            raise meeting_error(MeetingError.MINUTES_TOO_EARLY)
        minutes, created = Minutes.objects.update_or_create(
            meeting=meeting, defaults={"text": text, "secretary": actor, "recorded_at": now})
        calendar = working_calendar()
        day = meeting.starts_at.astimezone(selectors.tz()).date()
        position = meeting.conclusions.count()
        for body, org, days in cleaned:
            position += 1
            conclusion = Conclusion.objects.create(
                meeting=meeting, position=position, text=body, assignee=org, working_days=days,
                due_on=calendar.add_working_days(day, days) if org else None)
            if org is not None:
                notifications.send(notifications.Notification(
                    recipient=org.code, kind="meeting.task",
                    message_vi=f"Nhiệm vụ từ hội nghị “{meeting.title}”: {body[:200]} — hạn "
                               f"{conclusion.due_on:%d/%m/%Y}.",
                    message_en=f"Task from “{meeting.title}”: {body[:200]} — due "
                               f"{conclusion.due_on:%d/%m/%Y}.",
                    link="/meetings/tasks/"))
        audit.record(actor=actor, action="meeting.minutes", obj=meeting,
                     after={"created": created, "conclusions": len(cleaned)})
    return minutes


def report_progress(*, actor, conclusion: Conclusion, percent: int, note: str,
                    now: datetime | None = None) -> Conclusion:
    now = now or timezone.now()
    collector = FieldCollector()
    if not 0 <= percent <= 100:
        collector.fail(meeting_invalid(MeetingError.PROGRESS_RANGE, field="percent"))
    note = _clean_text(collector, "note", note, 1000)
    collector.raise_if_invalid()
    with transaction.atomic():
        conclusion = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
        before = {"progress": conclusion.progress}
        ProgressReport.objects.create(conclusion=conclusion, percent=percent, note=note, at=now,
                                      by=actor)
        conclusion.progress = percent
        if percent == 100 and conclusion.done_on is None:
            conclusion.done_on = now.astimezone(selectors.tz()).date()
        elif percent < 100:
            conclusion.done_on = None
        conclusion.save(update_fields=["progress", "done_on"])
        audit.record(actor=actor, action="meeting.task_progress", obj=conclusion, before=before,
                     after={"progress": percent}, organization=conclusion.assignee)
    return conclusion


def flag_overdue(*, now: datetime | None = None) -> int:
    """Tell each agency, once, that a task of theirs is overdue (periodic)."""
    now = now or timezone.now()
    today = now.astimezone(selectors.tz()).date()
    flagged = 0
    with transaction.atomic():
        for c in (selectors.overdue(today).filter(overdue_flagged_at__isnull=True)
                  .select_for_update(skip_locked=True).select_related("assignee", "meeting")):
            notifications.send(notifications.Notification(
                recipient=c.assignee.code, kind="meeting.task_overdue",
                message_vi=f"Quá hạn ({c.due_on:%d/%m/%Y}): {c.text[:200]}",
                message_en=f"Overdue ({c.due_on:%d/%m/%Y}): {c.text[:200]}",
                link="/meetings/tasks/"))
            c.overdue_flagged_at = now
            c.save(update_fields=["overdue_flagged_at"])
            flagged += 1
    return flagged


# ---------------------------------------------------------------------------
# Conference points
# ---------------------------------------------------------------------------

def set_point_state(*, actor, point: ConferencePoint, state: str, note: str = "",
                    now: datetime | None = None) -> ConferencePoint:
    """Mark a point ready, faulty or under maintenance (its history kept): by the points'
    administrator or the point's own operator (``selectors.may_set_point_state``)."""
    from django.core.exceptions import PermissionDenied

    now = now or timezone.now()
    if not selectors.may_set_point_state(actor, point):
        raise PermissionDenied("meetings.operate_point")
    collector = FieldCollector()
    if state not in ConferencePoint.State.values:
        collector.fail(meeting_invalid(MeetingError.CHOICE, field="state"))
    note = _clean_text(collector, "note", note, 500, required=False)
    collector.raise_if_invalid()
    with transaction.atomic():
        point = ConferencePoint.objects.select_for_update().get(pk=point.pk)
        before = {"state": point.state}
        point.state = state
        point.save(update_fields=["state"])
        PointStateChange.objects.create(point=point, state=state, note=note, at=now, by=actor)
        audit.record(actor=actor, action="meeting.point_state", obj=point, before=before,
                     after={"state": state, "note": note})
    return point


def local_moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, selectors.tz())
