"""No double booking under concurrency (PostgreSQL): many schedulers book overlapping
windows of the same points and rooms at the same instant; the row locks serialise them, and
the exclusion constraint refuses an overlap written by any path."""

from datetime import timedelta
from itertools import combinations

import pytest
from django.db import IntegrityError, connection, transaction

from tests.border.conftest import all_at_once
from tests.meetings.conftest import at, book
from tinhso.meetings.models import ConferencePoint, Meeting, PointBooking, Room, RoomBooking
from tinhso.meetings.services import BookingConflict

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _overlaps(rows) -> list:
    return [(a, b) for a, b in combinations(rows, 2)
            if a[0] == b[0] and a[1] < b[2] and b[1] < a[2]]


def test_sixteen_schedulers_never_double_book_a_point_or_a_room(secretary, province):
    rooms = list(Room.objects.filter(point__kind__in=["province", "department"])[:16])
    communes = list(ConferencePoint.objects.filter(kind="commune")
                    .values_list("code", flat=True)[:6])
    # 16 requests, each in its own room, each wanting 3 of 6 communes, in windows that all
    # overlap 9:00-10:00 give or take 20 minutes.
    requests = [(rooms[n], at(1, 9, (n % 4) * 5), at(1, 10, (n % 3) * 10),
                 [communes[n % 6], communes[(n + 1) % 6], communes[(n + 3) % 6]])
                for n in range(16)]

    def attempt(item):
        room, start, end, codes = item
        try:
            book(secretary, province, room, start, end, point_codes=codes)
            return "booked"
        except BookingConflict:
            return "refused"

    results = all_at_once(attempt, requests)
    assert len(results) == 16 and "booked" in results and "refused" in results
    held = list(PointBooking.objects.filter(active=True).values_list(
        "point_id", "held_from", "held_until"))
    assert _overlaps(held) == []
    assert Meeting.objects.count() == results.count("booked")
    # A refused request left nothing: every meeting has its room and all its points.
    for meeting in Meeting.objects.all():
        assert meeting.point_bookings.count() == 4  # 3 communes + the host point
        assert RoomBooking.objects.filter(meeting=meeting).count() == 1


def test_all_points_meetings_race_for_the_same_hour(secretary, province):
    rooms = list(Room.objects.filter(point__kind="department")[:8])
    results = all_at_once(
        lambda room: _try(secretary, province, room, at(1, 14), at(1, 15)), rooms)
    assert results.count("booked") == 1 and results.count("refused") == 7
    assert PointBooking.objects.filter(active=True).count() == 213


def _try(secretary, province, room, start, end) -> str:
    try:
        book(secretary, province, room, start, end, groups=["all"])
        return "booked"
    except BookingConflict:
        return "refused"


def test_the_database_refuses_an_overlap_that_bypasses_the_service(secretary, province, hall):
    meeting = book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    booking = meeting.point_bookings.get(point__code="so-y-te")
    other = book(secretary, province, Room.objects.get(point__code="so-khcn"), at(1, 11),
                 at(1, 12), point_codes=["so-khcn"])
    assert connection.vendor == "postgresql"
    with pytest.raises(IntegrityError, match="no_overlap"), transaction.atomic():
        PointBooking.objects.create(meeting=other, point=booking.point,
                                    held_from=booking.held_from + timedelta(minutes=30),
                                    held_until=booking.held_until + timedelta(hours=1))
    # An inactive (cancelled) booking does not count.
    PointBooking.objects.create(meeting=other, point=booking.point, active=False,
                                held_from=booking.held_from, held_until=booking.held_until)
