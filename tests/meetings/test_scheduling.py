"""Booking points and rooms: conflicts refused with the nearest free windows and nothing
written, bad input named by field, weekly series with exceptions, moves and cancellations
re-sending the same .ics UID."""

import json
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from tests.meetings.conftest import at, book, request
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.meetings import services
from tinhso.meetings.models import ConferencePoint, Meeting, PointBooking, RoomBooking
from tinhso.meetings.services import BookingConflict

pytestmark = pytest.mark.django_db


def test_a_meeting_books_its_room_and_points_and_invites_each_contact(
        secretary, province, hall, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = book(secretary, province, hall, at(1, 14), at(1, 16),
                       groups=["former:Văn Lãng"], point_codes=["so-khcn"],
                       agenda=[("Báo cáo chuyển đổi số", "12/BC-UBND")])
    bookings = meeting.point_bookings.all()
    van_lang = ConferencePoint.objects.filter(unit__former_district="Văn Lãng").count()
    # The host point joins its own meeting (as moderator); the buffer widens the hold.
    assert bookings.count() == van_lang + 2
    assert bookings.get(is_host=True).point.code == "ubnd-tinh"
    assert {(b.held_from, b.held_until) for b in bookings} == {(at(1, 13, 45), at(1, 16, 15))}
    assert RoomBooking.objects.get(meeting=meeting).room == hall
    assert meeting.agenda.get().document_ref == "12/BC-UBND"
    assert AuditEntry.objects.filter(action="meeting.schedule", object_id=str(meeting.pk)).exists()
    sent = [json.loads(line) for line in settings.NOTIFY_FILE.read_text().splitlines()]
    assert len(sent) == bookings.count()
    assert all(n["kind"] == "meeting.invited" and n["link"].startswith("/meetings/p/")
               for n in sent)


def test_an_overlapping_booking_is_refused_with_conflicts_and_free_windows_and_leaves_nothing(
        secretary, province, hall, small_room):
    first = book(secretary, province, hall, at(1, 9), at(1, 11), point_codes=["so-y-te"])
    counts = (Meeting.objects.count(), PointBooking.objects.count(), RoomBooking.objects.count())
    with pytest.raises(BookingConflict) as refused:
        # Another room, but So Y te is taken; 11:10 is inside the 15-minute buffer.
        book(secretary, province, small_room, at(1, 11, 10), at(1, 12),
             point_codes=["so-y-te", "so-khcn"])
    error = refused.value
    assert error.status == 409 and error.field == "points"
    assert {c["code"] for c in error.conflicts} >= {"so-y-te", "ubnd-tinh"}
    assert all(c["meeting_id"] == first.pk for c in error.conflicts)
    assert "Sở Y tế" in error.message_vi and "booked" in error.message_en
    # The nearest window where everything is free: right after the buffer, 11:30.
    assert error.suggestions[0] == (at(1, 11, 30), at(1, 12, 20))
    assert (Meeting.objects.count(), PointBooking.objects.count(),
            RoomBooking.objects.count()) == counts
    # The suggestion is bookable.
    start, end = error.suggestions[0]
    book(secretary, province, small_room, start, end, point_codes=["so-y-te", "so-khcn"])


def test_the_host_room_cannot_be_double_booked(secretary, province, hall):
    book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    with pytest.raises(BookingConflict) as refused:
        book(secretary, province, hall, at(1, 9, 30), at(1, 10, 30), point_codes=["so-khcn"])
    assert {c["kind"] for c in refused.value.conflicts} >= {"room"}


def test_a_cancelled_meeting_frees_its_points(secretary, province, hall):
    meeting = book(secretary, province, hall, at(1, 9), at(1, 10), groups=["all"])
    services.cancel_meeting(actor=secretary, meeting=meeting)
    again = book(secretary, province, hall, at(1, 9), at(1, 10), groups=["all"])
    assert again.point_bookings.count() == 213


@pytest.mark.parametrize(("start", "end", "codes", "field", "code"), [
    (at(1, 10), at(1, 9), ["so-y-te"], "ends_at", "meeting.ends_before_start"),
    (at(0, 8), at(0, 9), ["so-y-te"], "starts_at", "meeting.in_the_past"),
    (at(1, 6), at(1, 20), ["so-y-te"], "ends_at", "meeting.too_long"),
    (at(1, 9), at(1, 10), ["khong-co"], "points", "meeting.unknown_point"),
    (at(1, 9), at(1, 10), [], "points", "meeting.no_points"),
])
def test_bad_requests_name_the_field_in_both_languages(secretary, province, hall, start, end,
                                                       codes, field, code):
    with pytest.raises(InvalidInput) as refused:
        book(secretary, province, hall, start, end, point_codes=codes)
    errors = {e["field"]: e for e in refused.value.as_list()}
    assert errors[field]["code"] == code
    assert errors[field]["message_vi"] != errors[field]["message_en"]
    assert Meeting.objects.count() == 0


def test_a_faulty_point_cannot_be_booked(secretary, admin, province, hall):
    point = ConferencePoint.objects.get(code="so-y-te")
    services.set_point_state(actor=admin, point=point, state="faulty", note="Hỏng codec")
    with pytest.raises(services.DomainError) as refused:
        book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    assert refused.value.code == "meeting.point_not_ready"
    assert point.state_changes.get().note == "Hỏng codec"


def test_a_weekly_series_with_an_exception_and_a_skipped_occurrence(
        secretary, province, small_room):
    monday = date(2026, 12, 7)
    series = services.schedule_series(
        actor=secretary, organizer=province, count=5, exceptions=[date(2026, 12, 21)],
        request=request(small_room, at(5, 8), at(5, 9, 30), groups=["province"],
                        title="Giao ban đầu tuần"))
    days = [m.starts_at.date() for m in series.meetings.order_by("starts_at")]
    assert days == [monday, date(2026, 12, 14), date(2026, 12, 28), date(2027, 1, 4)]
    # The skipped Monday is free for another meeting of the same points.
    book(secretary, province, small_room, at(19, 8), at(19, 9), groups=["province"])
    # A later exception: the 28th does not take place; its points are freed.
    occurrence = series.meetings.get(starts_at__date=date(2026, 12, 28))
    services.skip_occurrence(actor=secretary, meeting=occurrence)
    series.refresh_from_db()
    assert series.exceptions == ["2026-12-21", "2026-12-28"]
    assert not occurrence.point_bookings.filter(active=True).exists()
    book(secretary, province, small_room, at(26, 8), at(26, 9), groups=["province"])


def test_a_weekly_series_ends_with_an_occurrence(secretary, province, small_room):
    series = services.schedule_series(
        actor=secretary, organizer=province, count=5,
        request=request(small_room, at(5, 8), at(5, 9), groups=["province"],
                        title="Giao ban đầu tuần"))
    meetings = list(series.meetings.order_by("starts_at"))
    cancelled = services.end_series(actor=secretary, meeting=meetings[2])
    assert [m.pk for m in cancelled] == [m.pk for m in meetings[2:]]
    states = list(series.meetings.order_by("starts_at").values_list("state", flat=True))
    assert states == ["scheduled"] * 2 + ["cancelled"] * 3
    series.refresh_from_db()
    assert series.until == date(2026, 12, 20)  # the day before the third Monday
    assert not PointBooking.objects.filter(meeting__in=meetings[2:], active=True).exists()
    assert PointBooking.objects.filter(meeting=meetings[1], active=True).exists()
    entry = AuditEntry.objects.get(action="meeting.series_end")
    assert entry.after == {"until": "2026-12-20", "cancelled": 3}
    # Its points are free again on those Mondays; asking again cancels nothing more.
    book(secretary, province, small_room, at(26, 8), at(26, 9), groups=["province"])
    assert services.end_series(actor=secretary, meeting=meetings[2]) == []
    single = book(secretary, province, small_room, at(1, 8), at(1, 9), point_codes=["so-y-te"])
    with pytest.raises(DomainError) as refused:
        services.end_series(actor=secretary, meeting=single)
    assert refused.value.code == "meeting.not_a_series"
    assert Meeting.objects.get(pk=single.pk).state == "scheduled"


def test_a_series_that_conflicts_once_books_nothing(secretary, province, small_room, hall):
    book(secretary, province, hall, at(12, 8), at(12, 9), point_codes=["so-y-te"])
    before = Meeting.objects.count()
    with pytest.raises(BookingConflict):
        services.schedule_series(actor=secretary, organizer=province, count=4, exceptions=[],
                                 request=request(small_room, at(5, 8), at(5, 9),
                                                 groups=["province"]))
    assert Meeting.objects.count() == before


def _event(raw: bytes):
    calendar = Calendar.from_ical(raw)
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_moving_and_cancelling_resend_the_invitation_with_the_same_uid(
        secretary, province, hall, settings, django_capture_on_commit_callbacks):
    _move_and_cancel(secretary, province, hall,
                     lambda: django_capture_on_commit_callbacks(execute=True))
    lines = [json.loads(line) for line in settings.NOTIFY_FILE.read_text().splitlines()]
    kinds = [line["kind"] for line in lines]
    assert kinds.count("meeting.updated") == 2 and kinds.count("meeting.cancelled") == 2
    assert kinds.count("meeting.invited") == 2  # the host point and Sở Y tế
    # Each message carries the .ics itself: one UID, SEQUENCE raised, CANCEL at the end.
    import base64

    sent = {}
    for line in lines:
        [attachment] = line["attachments"]
        assert attachment["content_type"].startswith("text/calendar")
        calendar, event = _event(base64.b64decode(attachment["content_b64"]))
        sent.setdefault(line["kind"], set()).add(
            (str(event["UID"]), int(event["SEQUENCE"]), str(calendar["METHOD"])))
    uids = {uid for found in sent.values() for uid, _seq, _method in found}
    assert len(uids) == 1
    assert {(s, m) for _u, s, m in sent["meeting.invited"]} == {(0, "REQUEST")}
    assert {(s, m) for _u, s, m in sent["meeting.updated"]} == {(1, "REQUEST")}
    assert {(s, m) for _u, s, m in sent["meeting.cancelled"]} == {(2, "CANCEL")}


def _move_and_cancel(secretary, province, hall, committing):
    with committing():
        meeting = book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    booking = meeting.point_bookings.get(point__code="so-y-te")
    services.acknowledge(booking=booking)
    calendar, first = _event(services.invitation(meeting, booking))
    assert calendar["METHOD"] == "REQUEST" and first["SEQUENCE"] == 0

    with committing():
        moved = services.reschedule_meeting(actor=secretary, meeting=meeting,
                                            starts_at=at(1, 14), ends_at=at(1, 15))
    calendar, second = _event(services.invitation(moved, booking))
    assert str(second["UID"]) == str(first["UID"]) and second["SEQUENCE"] == 1
    assert second.decoded("DTSTART") == at(1, 14)
    booking.refresh_from_db()
    assert booking.acknowledged_at is None  # the point must acknowledge the new time
    assert booking.held_from == at(1, 13, 45)

    with committing():
        cancelled = services.cancel_meeting(actor=secretary, meeting=moved)
    calendar, third = _event(services.invitation(cancelled, booking))
    assert calendar["METHOD"] == "CANCEL" and third["STATUS"] == "CANCELLED"
    assert str(third["UID"]) == str(first["UID"]) and third["SEQUENCE"] == 2


def test_a_move_onto_a_busy_window_is_refused_and_keeps_the_old_time(secretary, province, hall,
                                                                      small_room):
    book(secretary, province, hall, at(1, 14), at(1, 15), point_codes=["so-y-te"])
    meeting = book(secretary, province, small_room, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    with pytest.raises(BookingConflict):
        services.reschedule_meeting(actor=secretary, meeting=meeting, starts_at=at(1, 14),
                                    ends_at=at(1, 15))
    meeting.refresh_from_db()
    assert meeting.starts_at == at(1, 9) and meeting.ics_sequence == 0
    # Moving within its own window (overlapping itself) is fine.
    services.reschedule_meeting(actor=secretary, meeting=meeting, starts_at=at(1, 9, 30),
                                ends_at=at(1, 10, 30))


def test_the_demo_has_213_points_and_seeding_twice_changes_nothing(points):
    from tinhso.meetings.demo import seed_points

    assert points.count() == 213 and points.filter(is_sample=False).count() == 0
    assert points.filter(kind="commune").count() == 65
    seed_points()
    assert ConferencePoint.objects.count() == 213
    assert timedelta(0) == timedelta(0)


def test_a_series_exception_is_in_the_invitations_and_a_skip_cancels_that_uid_only(
        secretary, province, hall, settings, django_capture_on_commit_callbacks):
    """Each occurrence is its own VEVENT (its own UID, no RRULE): a date skipped when the
    series is made is never invited; one skipped later is cancelled with its own UID and a
    higher SEQUENCE, and the other occurrences are not touched."""
    import base64

    def sent():
        out = []
        for line in settings.NOTIFY_FILE.read_text().splitlines():
            line = json.loads(line)
            [attachment] = line["attachments"]
            calendar, event = _event(base64.b64decode(attachment["content_b64"]))
            out.append((line["kind"], str(event["UID"]), int(event["SEQUENCE"]),
                        str(calendar["METHOD"]), event.decoded("DTSTART").date()))
        return out

    with django_capture_on_commit_callbacks(execute=True):
        series = services.schedule_series(
            actor=secretary, organizer=province, count=3, exceptions=[date(2026, 12, 10)],
            request=request(hall, at(1, 8), at(1, 9), point_codes=["so-y-te"]))
    invited = sent()
    assert {day for _k, _u, _s, _m, day in invited} == {date(2026, 12, 3), date(2026, 12, 17)}
    assert {(k, s, m) for k, _u, s, m, _d in invited} == {("meeting.invited", 0, "REQUEST")}
    third = series.meetings.get(starts_at__date=date(2026, 12, 17))

    with django_capture_on_commit_callbacks(execute=True):
        services.skip_occurrence(actor=secretary, meeting=third)
    after = sent()[len(invited):]
    assert {(k, u, s, m, d) for k, u, s, m, d in after} == {
        ("meeting.cancelled", third.uid, 1, "CANCEL", date(2026, 12, 17))}
    assert len(after) == 2  # the host point and Sở Y tế, nobody about the 3rd
    series.refresh_from_db()
    assert series.exceptions == ["2026-12-10", "2026-12-17"]
