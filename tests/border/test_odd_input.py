"""No 500 on odd input, anywhere: each answers a clear 4xx naming the field, and nothing is
stored half-written (issue "No 500 on odd input", part 3)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declaration_data, user
from tests.factories import DeclarationFactory
from tinhso.border.models import Declaration, GateNotice, PlateEvent

API = "/api/v1/border"
YARD_ENTRY = "cam-yard-huu-nghi-1-in"


def client_for(email_prefix: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if email_prefix:
        client.force_login(user(email_prefix))
    return client


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body, default=str), content_type="application/json",
                       **extra)


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["detail"]}


@pytest.fixture
def enterprise(border):
    return client_for("doanhnghiep")


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_api_declaration_with_absurd_loaded_at_is_refused_and_not_saved(enterprise, year):
    response = post_json(enterprise, f"{API}/declarations",
                         declaration_data(loaded_at=f"{year}-01-01T00:00:00+07:00"))
    assert response.status_code == 422, response.content
    assert "loaded_at" in fields(response)
    assert not Declaration.objects.exists()
    assert enterprise.get(f"{API}/declarations").status_code == 200


def test_page_declaration_with_absurd_dates_is_refused(enterprise):
    response = enterprise.post("/border/enterprise/", declaration_data(
        loaded_at="0001-01-01T00:00", expected_arrival="9999-12-31T23:59"))
    assert response.status_code == 422
    assert not Declaration.objects.exists()


def test_page_declaration_with_bad_enterprise_is_4xx(enterprise):
    response = enterprise.post("/border/enterprise/", declaration_data(enterprise="abc"))
    assert 400 <= response.status_code < 500
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("bad", ["Hoàng\x00Tài", "Hoàng\ud800Tài", "Hoàng\x07Tài"])
def test_control_characters_and_lone_surrogates_are_refused(enterprise, bad):
    body = json.dumps(declaration_data(driver_name=bad), ensure_ascii=True)
    response = enterprise.post(f"{API}/declarations", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "driver_name" in fields(response)
    if "\ud800" not in bad:  # a form cannot even encode a lone surrogate
        form = enterprise.post("/border/enterprise/", declaration_data(driver_name=bad))
        assert form.status_code == 400
        assert b"driver_name" in form.content
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("url", [
    f"{API}/declarations?limit=-1",
    f"{API}/declarations?limit=100000",
    f"{API}/declarations?offset=-5",
    "/api/v1/payments/invoices?limit=-1",
])
def test_limits_are_bounded(enterprise, url):
    response = enterprise.get(url)
    assert response.status_code == 422, response.content
    assert fields(response) & {"limit", "offset"}


def test_lists_page_with_total(enterprise):
    for _ in range(3):
        DeclarationFactory()
    response = enterprise.get(f"{API}/declarations?limit=2&offset=0")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["items"]) == 2
    rest = enterprise.get(f"{API}/declarations?limit=2&offset=2").json()
    assert len(rest["items"]) == 1


@pytest.mark.parametrize("query", [
    "direction=sideways&requested=2026-12-02T10:00:00%2B07:00",
    "direction=export&requested=9999-12-31T23:59:59%2B07:00",
    "direction=export&requested=0001-01-01T00:00:00%2B07:00",
    "direction=export&requested=0001-01-01T00:00:00",
])
def test_free_slots_odd_queries(enterprise, query):
    response = enterprise.get(f"{API}/gates/huu-nghi/free-slots?{query}")
    assert response.status_code == 422, response.content
    assert fields(response) & {"direction", "requested"}


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:00:00+07:00", "0001-01-01T00:00:00"])
def test_booking_in_absurd_years(enterprise, starts_at):
    declaration = DeclarationFactory()
    response = post_json(enterprise, f"{API}/declarations/{declaration.pk}/booking",
                         {"starts_at": starts_at})
    assert response.status_code == 422, response.content
    assert fields(response) == {"starts_at"}
    page = enterprise.post(f"/border/declarations/{declaration.pk}/book/",
                           {"starts_at": starts_at[:16]})
    assert page.status_code == 302
    assert "2099" in str(list(page.wsgi_request._messages)[0])
    declaration.refresh_from_db()
    assert declaration.slot_id is None


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-31"),
                                            ("9999-12-31", "0001-01-01")])
def test_report_periods_in_absurd_years(border, start, end):
    pages = [(client_for("bql"), "/border/reports/"),
             (client_for("thungan"), "/payments/reconciliation/")]
    for client, url in pages:
        for export in ("", "&format=csv"):
            response = client.get(f"{url}?start={start}&end={end}{export}")
            assert response.status_code == 422
            text = response.content.decode()
            assert "Từ ngày" in text or "From" in text
            assert "2000" in text and "2099" in text


@pytest.mark.parametrize(("starts", "ends"), [("0001-01-01T00:00", "0001-01-02T00:00"),
                                              ("9999-12-30T00:00", "9999-12-31T23:00"),
                                              ("2026-12-05T00:00", "9999-12-31T23:00")])
def test_notices_in_absurd_years(border, starts, ends):
    board = client_for("bql")
    page = board.post("/border/notices/", {"gate": "huu-nghi", "kind": "suspension",
                                           "starts_at": starts, "ends_at": ends,
                                           "reason_vi": "Bảo trì"})
    assert page.status_code == 422
    assert b"2099" in page.content  # the year range, under the field
    api = post_json(board, f"{API}/gates/huu-nghi/notices", {
        "kind": "suspension", "starts_at": starts, "ends_at": ends, "reason_vi": "Bảo trì"})
    assert api.status_code == 422, api.content
    assert fields(api) & {"starts_at", "ends_at"}
    assert not GateNotice.objects.exists()


@pytest.mark.parametrize("captured_at", ["0001-01-01T00:00:00+07:00", "9999-12-31T12:00:00"])
def test_camera_read_in_absurd_years(border, camera_key, captured_at):
    camera = client_for(None)
    response = post_json(camera, f"{API}/plate-events", {
        "event_id": "e1", "camera_id": YARD_ENTRY, "plate": "99C-999.99", "confidence": 0.9,
        "captured_at": captured_at}, HTTP_X_API_KEY=camera_key)
    assert response.status_code == 422, response.content
    assert fields(response) == {"captured_at"}
    assert not PlateEvent.objects.exists()
    assert client_for("baixe").get(f"{API}/exceptions").status_code == 200


def test_clearance_with_unknown_agency_is_checked_after_permission(border):
    declaration = DeclarationFactory()
    response = post_json(client_for("doanhnghiep"), f"{API}/declarations/{declaration.pk}/clearance",
                         {"agency": "cia", "verdict": "pass"})
    assert response.status_code in (403, 422), response.content
    customs = post_json(client_for("haiquan"), f"{API}/declarations/{declaration.pk}/clearance",
                        {"agency": "cia", "verdict": "pass"})
    assert customs.status_code == 422, customs.content
    assert fields(customs) == {"agency"}


def test_exception_list_pages_past_200(border, camera_key):
    camera = client_for(None)
    now = timezone.now()
    for i in range(205):
        response = post_json(camera, f"{API}/plate-events", {
            "event_id": f"e{i}", "camera_id": YARD_ENTRY, "plate": "99C-999.99",
            "confidence": 0.9, "captured_at": (now - timedelta(seconds=i)).isoformat()},
            HTTP_X_API_KEY=camera_key)
        assert response.status_code == 201
    yard = client_for("baixe")
    first = yard.get(f"{API}/exceptions?limit=200").json()
    assert first["count"] == 205 and len(first["items"]) == 200
    rest = yard.get(f"{API}/exceptions?limit=200&offset=200").json()
    assert len(rest["items"]) == 5

