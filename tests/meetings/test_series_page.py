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


def _days(series):
    return [m.starts_at.astimezone(at(0, 0).tzinfo).date().isoformat()
            for m in series.meetings.order_by("starts_at")]


def test_the_page_runs_until_a_last_day_and_skips_the_dates_typed(client, secretary, hall):
    client.force_login(secretary)
    page = client.get("/meetings/weekly/").content.decode()
    assert 'name="until"' in page and 'name="exceptions"' in page
    # A last day wins over the number of weeks left in its box; dates as Vietnamese write them.
    response = client.post("/meetings/weekly/", _form(
        hall, count="4", until="2026-12-31", exceptions="17/12/2026, 2026-12-24"))
    assert response.status_code == 302
    series = Series.objects.get()
    assert _days(series) == ["2026-12-03", "2026-12-10", "2026-12-31"]
    assert series.exceptions == ["2026-12-17", "2026-12-24"]
    assert series.until.isoformat() == "2026-12-31"


@pytest.mark.parametrize(("fields", "field_text"), [
    ({"until": "2026-11-26"}, "Ngày cuối không được trước ngày đầu"),
    ({"until": "2028-06-01"}, "chuỗi họp hằng tuần có từ 1 đến 60 buổi"),
    ({"until": "31/02/2026"}, "không phải là ngày"),
    ({"exceptions": "18/12/2026"}, "18/12/2026"),
    ({"exceptions": "hôm qua"}, "không phải là ngày"),
    ({"count": "", "until": ""}, "Nhập số tuần hoặc ngày cuối"),
    ({"count": "2", "exceptions": "03/12/2026 10/12/2026"},
     "chuỗi họp hằng tuần có từ 1 đến 60 buổi"),
])
def test_bad_series_fields_answer_422_naming_the_field_and_book_nothing(
        client, secretary, hall, fields, field_text):
    client.force_login(secretary)
    response = client.post("/meetings/weekly/", _form(hall, **fields))
    assert response.status_code == 422
    assert field_text in response.content.decode()
    assert not Series.objects.exists() and not Meeting.objects.exists()


def test_the_api_takes_until_and_exceptions_and_names_the_field(client, secretary, hall):
    client.force_login(secretary)
    body = {"title": "Giao ban tuần", "level": "province", "host_room": hall.pk,
            "starts_at": at(1, 8).isoformat(), "ends_at": at(1, 9).isoformat(),
            "points": ["so-y-te"]}
    bad = client.post("/api/v1/meetings/series",
                      {**body, "until": "2026-12-24", "exceptions": ["2026-12-11"]},
                      content_type="application/json")
    assert bad.status_code == 422
    [error] = bad.json()["detail"]
    assert error["field"] == "exceptions" and "11/12/2026" in error["message"]
    both = client.post("/api/v1/meetings/series", {**body, "until": "2026-12-24", "count": 2},
                       content_type="application/json")
    assert both.status_code == 422 and both.json()["detail"][0]["field"] == "until"
    assert not Meeting.objects.exists()
    made = client.post("/api/v1/meetings/series",
                       {**body, "until": "2026-12-24", "exceptions": ["2026-12-10"]},
                       content_type="application/json")
    assert made.status_code == 201
    assert [m["starts_at"][:10] for m in made.json()] == ["2026-12-03", "2026-12-17",
                                                          "2026-12-24"]


def test_the_organisers_own_hall_comes_first_and_errors_are_summed_up_on_top(
        client, secretary, hall):
    """A province secretary's form used to pre-select a commune's hall (rooms sorted by the
    kind's code, 'commune' first), and booked it unnoticed."""
    client.force_login(secretary)
    page = client.get("/meetings/new/")
    first = next(iter(page.context["rooms"]))
    assert first.point.code == "ubnd-tinh" and first == hall  # the biggest room first
    response = client.post("/meetings/weekly/", _form(hall, exceptions="18/12/2026",
                                                      title=""))
    html = response.content.decode()
    assert response.status_code == 422
    summary = html[html.index('id="form-errors"'):html.index('id="meeting-form"')]
    assert "Xin sửa các ô" in summary and "18/12/2026" in summary


def test_the_meeting_page_tells_the_series_its_last_day_and_skipped_dates(
        client, secretary, hall):
    client.force_login(secretary)
    client.post("/meetings/weekly/", _form(hall, until="2026-12-24", exceptions="10/12/2026"))
    first = Meeting.objects.order_by("starts_at").first()
    html = client.get(f"/meetings/{first.pk}/").content.decode()
    series = html[html.index('id="series"'):]
    assert "3 buổi" in series and "24/12/2026" in series and "10/12/2026" in series
