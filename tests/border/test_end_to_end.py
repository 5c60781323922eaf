"""One export truck of fresh fruit from declaration to `crossed`, through the real HTTP API
and camera events; and one held by quarantine."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declaration_data, user
from tinhso.border.models import Declaration
from tinhso.core.models import AuditEntry


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body, default=str), content_type="application/json",
                       **extra)


def camera_read(client, key, camera, event_id, plate, confidence=0.97):
    return post(client, "/api/v1/border/plate-events", {
        "event_id": event_id, "camera_id": camera, "plate": plate, "confidence": confidence,
        "captured_at": timezone.now().isoformat()}, HTTP_X_API_KEY=key)


def logged_in(email_prefix):
    client = Client()
    client.force_login(user(email_prefix))
    return client


def declare_and_book(enterprise):
    response = post(enterprise, "/api/v1/border/declarations", declaration_data())
    assert response.status_code == 201, response.content
    truck = response.json()
    assert truck["state"] == "submitted" and truck["plate"] == "12C-123.45"
    response = post(enterprise, f"/api/v1/border/declarations/{truck['id']}/booking",
                    {"starts_at": truck["expected_arrival"]})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "booked"
    return truck


def test_fresh_fruit_export_from_declaration_to_crossed(border, camera_key, gate_camera_key,
                                                       settings,
                                                       django_capture_on_commit_callbacks):
    enterprise = logged_in("doanhnghiep")
    truck = declare_and_book(enterprise)
    cameras = Client()

    # Yard entry camera: read without separators, as cameras send it.
    answer = camera_read(cameras, camera_key, "cam-yard-huu-nghi-1-in", "e1", "12C12345")
    assert answer.status_code == 201
    assert answer.json()["barrier"] == "open" and answer.json()["state"] == "in_yard"

    gate_operator = logged_in("cuakhau")
    queue = gate_operator.get("/api/v1/border/gates/huu-nghi/queue").json()["items"]
    assert [q["plate"] for q in queue] == ["12C-123.45"]
    with django_capture_on_commit_callbacks(execute=True):
        called = post(gate_operator, "/api/v1/border/gates/huu-nghi/call", {"count": 5})
    assert [c["state"] for c in called.json()] == ["called"]
    notifications = settings.NOTIFY_FILE.read_text(encoding="utf-8")
    assert "0912000002" in notifications and "mời lên Cửa khẩu quốc tế Hữu Nghị ngay" in notifications

    answer = camera_read(cameras, camera_key, "cam-yard-huu-nghi-1-out", "e2", "12C-123.45")
    assert answer.json()["state"] == "at_gate" and answer.json()["barrier"] == "open"

    # The gate barrier stays shut until every agency has passed the truck.
    early = camera_read(cameras, gate_camera_key, "cam-huu-nghi-gate", "g0", "12C-123.45")
    assert early.json()["barrier"] == "hold" and early.json()["state"] == "at_gate"

    for officer, agency in (("haiquan", "customs"), ("kiemdich", "quarantine"),
                            ("bienphong", "border_guard")):
        response = post(logged_in(officer),
                        f"/api/v1/border/declarations/{truck['id']}/clearance",
                        {"agency": agency, "verdict": "pass", "note": "OK"})
        assert response.status_code == 200, response.content
    assert response.json()["state"] == "cleared"

    crossed = camera_read(cameras, gate_camera_key, "cam-huu-nghi-gate", "g1", "12C-123.45")
    assert crossed.json()["barrier"] == "open" and crossed.json()["state"] == "crossed"

    declaration = Declaration.objects.get(pk=truck["id"])
    assert declaration.crossed_at is not None
    # The crossing owes the infrastructure fee, invoiced to the enterprise at once.
    invoices = enterprise.get("/api/v1/payments/invoices").json()["items"]
    assert [i["status"] for i in invoices] == ["unpaid"]
    assert invoices[0]["amount_vnd"] > 0
    states = list(AuditEntry.objects.filter(object_type="border.declaration",
                                            object_id=str(truck["id"]),
                                            action__startswith="declaration.")
                  .order_by("id").values_list("action", flat=True))
    assert states == ["declaration.create", "declaration.submitted", "declaration.booked",
                      "declaration.in_yard", "declaration.called", "declaration.at_gate",
                      "declaration.cleared", "declaration.crossed"]


def test_truck_held_by_quarantine_cannot_cross(border, camera_key, gate_camera_key):
    enterprise = logged_in("doanhnghiep")
    truck = declare_and_book(enterprise)
    cameras = Client()
    camera_read(cameras, camera_key, "cam-yard-huu-nghi-1-in", "h1", "12C-123.45")
    post(logged_in("cuakhau"), "/api/v1/border/gates/huu-nghi/call", {"count": 1})
    camera_read(cameras, camera_key, "cam-yard-huu-nghi-1-out", "h2", "12C-123.45")
    for officer, agency in (("haiquan", "customs"), ("bienphong", "border_guard")):
        post(logged_in(officer), f"/api/v1/border/declarations/{truck['id']}/clearance",
             {"agency": agency, "verdict": "pass"})
    held = post(logged_in("kiemdich"), f"/api/v1/border/declarations/{truck['id']}/clearance",
                {"agency": "quarantine", "verdict": "hold", "note": "Lấy mẫu kiểm tra sâu bệnh"})
    assert held.json()["state"] == "held"
    answer = camera_read(cameras, gate_camera_key, "cam-huu-nghi-gate", "h3", "12C-123.45")
    assert answer.json()["barrier"] == "hold"
    assert Declaration.objects.get(pk=truck["id"]).state == "held"

    # The sample is clean: quarantine passes, the hold lifts, and the truck is cleared.
    lifted = post(logged_in("kiemdich"), f"/api/v1/border/declarations/{truck['id']}/clearance",
                  {"agency": "quarantine", "verdict": "pass", "note": "Mẫu đạt"})
    assert lifted.json()["state"] == "cleared"


def test_driver_ticket_needs_no_login_but_the_token(border, enterprise_user):
    truck = declare_and_book(logged_in("doanhnghiep"))
    anonymous = Client()
    ticket = anonymous.get(f"/api/v1/border/tickets/{truck['ticket_url'].split('/')[-2]}")
    assert ticket.status_code == 200 and ticket.json()["plate"] == "12C-123.45"
    assert anonymous.get("/api/v1/border/tickets/guessed-token").status_code == 404
    page = anonymous.get(truck["ticket_url"])
    assert page.status_code == 200 and "12C-123.45" in page.content.decode()
    assert "<svg" in page.content.decode()  # the QR code, drawn once per page load
    refresh = anonymous.get(truck["ticket_url"], headers={"HX-Request": "true"}).content.decode()
    assert "12C-123.45" in refresh and "Đã đặt khung giờ" in refresh and "<svg" not in refresh


@pytest.mark.parametrize("read", ["12C12345", "I2C-I23.45", "12c 123 45", "12C-123.4S"])
def test_fuzzy_reads_match_the_declared_plate(border, camera_key, read):
    truck = declare_and_book(logged_in("doanhnghiep"))
    answer = camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", f"f-{read}", read)
    assert answer.json()["declaration_id"] == truck["id"]
    assert answer.json()["barrier"] == "open"


@pytest.mark.parametrize(("who", "status"), [("bql", 200), ("doanhnghiep", 403),
                                             ("haiquan", 403)])
def test_what_if_page_is_for_the_gate_board(border, who, status,
                                            django_capture_on_commit_callbacks):
    client = logged_in(who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/border/what-if/", {
            "scenario": "normal-day", "capacity_change": -20, "policy": "all", "seed": 1})
    assert response.status_code == (302 if status == 200 else status)
    if status == 200:
        # The queue chart: an SVG image (its inline styles are the image's, not the page's).
        assert '<img src="data:image/svg+xml;base64,' in client.get(response.url).content.decode()


@pytest.mark.parametrize("page", ["/border/", "/border/enterprise/", "/border/yard/",
                                  "/border/gate/", "/border/clearance/"])
def test_consoles_render_for_their_role_and_refuse_others(border, page):
    owner = {"/border/": None, "/border/enterprise/": "doanhnghiep", "/border/yard/": "baixe",
             "/border/gate/": "cuakhau", "/border/clearance/": "haiquan"}[page]
    client = logged_in(owner) if owner else Client()
    response = client.get(page)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    if owner:
        assert logged_in("laixe").get(page).status_code == 403


@pytest.mark.parametrize(("starts_at", "message"), [
    ("", "Vui lòng nhập thời điểm."), ("2026-13-01T08:00", "Thời điểm không hợp lệ")])
def test_booking_page_names_a_missing_or_impossible_hour_instead_of_failing(
        border, enterprise_user, starts_at, message):
    client = logged_in("doanhnghiep")
    truck = declare_and_book(client)
    before = Declaration.objects.get(pk=truck["id"]).slot_id
    response = client.post(f"/border/declarations/{truck['id']}/book/",
                           {"starts_at": starts_at}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert Declaration.objects.get(pk=truck["id"]).slot_id == before


def test_booking_page_reads_an_hour_without_zone_as_vietnamese_time(border, enterprise_user):
    client = logged_in("doanhnghiep")
    truck = declare_and_book(client)
    hour = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=8, minute=0, second=0, microsecond=0)
    response = client.post(f"/border/declarations/{truck['id']}/book/",
                           {"starts_at": hour.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert response.status_code == 200
    assert Declaration.objects.select_related("slot").get(pk=truck["id"]).slot.starts_at == hour
