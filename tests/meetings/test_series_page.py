"""The weekly series page: the organiser books every week through the same service as the
API, or nothing; conflicts name the dates; the commune officer gets 403."""

import pytest

from tests.meetings.conftest import at, book
from tinhso.accounts.models import User
from tinhso.meetings.models import Meeting, Series

pytestmark = pytest.mark.django_db


def _form(hall, **kw):
    return {"title": "Giao ban tuần", "level": "province", "host_room": hall.pk,
            "day": "2026-12-03", "start": "08:00", "end": "09:00", "buffer_minutes": "15",
            "points": ["so-y-te"], "count": "3", **kw}


def test_the_page_books_every_week(client, secretary, hall):
    client.force_login(secretary)
    assert client.get("/meetings/weekly/").status_code == 200
    assert "/meetings/weekly/" in client.get("/meetings/").content.decode()
    response = client.post("/meetings/weekly/", _form(hall))
    assert response.status_code == 302
    series = Series.objects.get(title="Giao ban tuần")
    days = [m.starts_at.astimezone(at(0, 0).tzinfo).date().isoformat()
            for m in series.meetings.order_by("starts_at")]
    assert days == ["2026-12-03", "2026-12-10", "2026-12-17"]


@pytest.mark.parametrize("count", ["0", "61", "abc"])
def test_a_bad_number_of_weeks_saves_nothing(client, secretary, hall, count):
    client.force_login(secretary)
    response = client.post("/meetings/weekly/", _form(hall, count=count))
    assert response.status_code == 422
    assert "1" in response.content.decode() and "60" in response.content.decode()
    assert not Series.objects.exists() and not Meeting.objects.exists()


def test_a_conflict_names_the_date_and_books_nothing(client, secretary, province, hall):
    book(secretary, province, hall, at(15, 8), at(15, 9), point_codes=["so-y-te"])
    client.force_login(secretary)
    response = client.post("/meetings/weekly/", _form(hall))
    assert response.status_code == 409
    assert "17/12" in response.content.decode()
    assert not Series.objects.exists() and Meeting.objects.count() == 1


def test_someone_without_the_permission_gets_403(client, points, hall):
    client.force_login(User.objects.get(email="xa@demo.tinhso.vn"))
    assert client.get("/meetings/weekly/").status_code == 403
    assert client.post("/meetings/weekly/", _form(hall)).status_code == 403
    assert not Series.objects.exists()
