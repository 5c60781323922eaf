"""Hypothesis over the meetings' page forms: whatever is typed (or forged) into the
schedule form, the point's page and the check-in form, no answer is a 5xx, and a refused
booking stores nothing."""

from datetime import datetime

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.meetings.conftest import at, book
from tinhso.accounts.models import User
from tinhso.meetings.models import Meeting

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
odd = st.one_of(texts, numbers, moments.map(lambda m: m.isoformat()),
                st.dates().map(lambda d: d.isoformat()))

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary_client(points):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email="hoinghi@demo.tinhso.vn"))
    return client


@given(field=st.sampled_from(["title", "level", "host_room", "day", "start", "end",
                              "buffer_minutes", "points", "groups", "agenda", "use_window"]),
       value=odd)
@FUZZ
def test_schedule_form(secretary_client, hall, field, value):
    form = {"title": "Họp", "level": "province", "host_room": str(hall.pk),
            "day": "2026-12-03", "start": "09:00", "end": "10:00", "buffer_minutes": "15",
            "points": ["so-y-te"], field: value}
    if field == "use_window":
        form[field] = f"{value}|{value}"
    before = Meeting.objects.count()
    response = secretary_client.post("/meetings/new/", form)
    assert response.status_code < 500, response.content[:2000]
    if response.status_code != 302:
        assert Meeting.objects.count() == before
    Meeting.objects.all().delete()


@given(action=st.sampled_from(["acknowledge", "readiness", "attendance", "other"]),
       status=odd, note=texts, count=odd, people=texts)
@FUZZ
def test_point_page_and_check_in(points, secretary, province, hall, action, status, note,
                                 count, people):
    meeting = Meeting.objects.first() or book(secretary, province, hall, at(0, 10), at(0, 11),
                                              point_codes=["so-y-te"])
    token = meeting.point_bookings.get(point__code="so-y-te").token
    client = Client(raise_request_exception=False)
    response = client.post(f"/meetings/p/{token}/", {"action": action, "status": status,
                                                      "note": note, "count": count,
                                                      "people": people})
    assert response.status_code < 500
    response = client.post(f"/meetings/checkin/{meeting.checkin_token}/so-y-te/",
                           {"full_name": note, "role_title": people})
    assert response.status_code < 500
