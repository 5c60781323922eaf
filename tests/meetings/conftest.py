from datetime import datetime, time, timedelta

import pytest

from tinhso.accounts.models import Organization, User
from tinhso.core.demo import seed_accounts
from tinhso.meetings import services
from tinhso.meetings.demo import seed_points, seed_secretary
from tinhso.meetings.models import ConferencePoint, Meeting, Room
from tinhso.meetings.selectors import tz


@pytest.fixture
def points(db, settings, tmp_path):
    """The 213 sample points, the demo accounts and the secretary; no meeting yet."""
    settings.NOTIFY_BACKEND = "file"
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"
    seed_accounts()
    seed_points()
    seed_secretary()
    return ConferencePoint.objects.all()


@pytest.fixture
def secretary(points) -> User:
    return User.objects.get(email="hoinghi@demo.tinhso.vn")


@pytest.fixture
def admin(points) -> User:
    """The points' administrator (marks any point faulty or ready)."""
    return User.objects.get(email="admin@demo.tinhso.vn")


@pytest.fixture
def province(points) -> Organization:
    return Organization.objects.get(code="ubnd-lang-son")


@pytest.fixture
def hall(points) -> Room:
    return Room.objects.get(point__code="ubnd-tinh", name="Phòng họp trực tuyến")


@pytest.fixture
def small_room(points) -> Room:
    return Room.objects.get(point__code="ubnd-tinh", name="Phòng họp số 2")


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """Wednesday 2 December 2026 (the tests' day) + day_offset, at hour:minute, Vietnam."""
    from datetime import date

    return datetime.combine(date(2026, 12, 2) + timedelta(days=day_offset), time(hour, minute),
                            tz())


def request(room: Room, start: datetime, end: datetime, **kw) -> services.MeetingRequest:
    kw.setdefault("title", "Hội nghị thử")
    kw.setdefault("level", Meeting.Level.PROVINCE)
    return services.MeetingRequest(host_room_id=room.pk, starts_at=start, ends_at=end, **kw)


def book(secretary, province, room, start, end, **kw) -> Meeting:
    return services.schedule_meeting(actor=secretary, organizer=province,
                                     request=request(room, start, end, **kw))
