"""The gate board configures its gates, yards and cameras: from its page, from the admin,
and nobody else may."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declare, user
from tests.border.test_browser import (
    SHOTS,
    browser,  # noqa: F401  (the Chromium fixture)
)
from tests.border.test_end_to_end import camera_read
from tinhso.border import selectors, services
from tinhso.border.errors import BorderError
from tinhso.border.models import (
    Camera,
    Declaration,
    Gate,
    GateNotice,
    GoodsCategory,
    Slot,
    Yard,
)
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry

YARD_CAMERA = "cam-yard-huu-nghi-1-in"


def logged_in(email_prefix: str | None) -> Client:
    client = Client()
    if email_prefix:
        client.force_login(user(email_prefix))
    return client


def gate_form(gate: Gate, **changes) -> dict:
    """What the gate board's form posts: every setting as typed, with `changes`."""
    data = {
        "around_the_clock": "", "opens_at": f"{gate.opens_at:%H:%M}",
        "closes_at": f"{gate.closes_at:%H:%M}",
        **{name: str(getattr(gate, name)) for name in (
            "export_per_hour", "import_per_hour", "transit_per_hour", "perishable_share_pct",
            "perishable_interleave", "late_grace_minutes", "no_show_after_minutes",
            "busy_wait_hours", "congested_wait_hours", "busy_backlog", "congested_backlog")},
        "is_active": "on" if gate.is_active else "",
    }
    data.update(changes)
    return data


def hour_today(hour: int):
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


def test_gate_board_changes_hours_and_capacity_from_its_page(border, enterprise_user):
    booked_hour = hour_today(12)
    truck = declare(enterprise_user, expected_arrival=booked_hour.isoformat())
    services.book_slot(actor=enterprise_user, declaration=truck, starts_at=booked_hour)
    crowded = Slot.objects.create(gate=border, direction="export", starts_at=hour_today(14),
                                  capacity=18, perishable_reserved=6, booked=5)
    past = Slot.objects.create(gate=border, direction="export", starts_at=hour_today(7),
                               capacity=18, perishable_reserved=6)
    GateNotice.objects.create(gate=border, kind="reduced", capacity_pct=50,
                              starts_at=hour_today(16), ends_at=hour_today(17),
                              reason_vi="Giảm công suất")
    halved = Slot.objects.create(gate=border, direction="export", starts_at=hour_today(16),
                                 capacity=9, perishable_reserved=3)
    imports = Slot.objects.create(gate=border, direction="import", starts_at=hour_today(13),
                                  capacity=41, perishable_reserved=13)

    board = logged_in("bql")
    response = board.post("/border/gates/huu-nghi/", gate_form(
        border, opens_at="06:00", closes_at="20:00", export_per_hour="4",
        busy_backlog="200", congested_backlog="800"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/border/gates/#gate-huu-nghi")

    gate = Gate.objects.get(pk=border.pk)
    assert (gate.opens_at, gate.closes_at) == (time(6), time(20))
    assert (gate.export_per_hour, gate.import_per_hour) == (4, 41)
    assert (gate.busy_backlog, gate.congested_backlog) == (200, 800)

    # Coming slots follow the new capacity (under the notice in force), never below what
    # is booked; past hours and unchanged directions are left alone.
    slot = Declaration.objects.get(pk=truck.pk).slot
    assert (slot.capacity, slot.perishable_reserved, slot.booked) == (4, 2, 1)
    crowded.refresh_from_db()
    assert (crowded.capacity, crowded.perishable_reserved) == (5, 2)
    halved.refresh_from_db()
    assert (halved.capacity, halved.perishable_reserved) == (2, 1)
    past.refresh_from_db()
    assert past.capacity == 18
    imports.refresh_from_db()
    assert imports.capacity == 41

    entry = AuditEntry.objects.get(action="gate.configure")
    assert entry.actor == user("bql")
    assert entry.before == {"opens_at": "00:00:00", "closes_at": "23:59:59",
                            "export_per_hour": 18, "busy_backlog": 300,
                            "congested_backlog": 1000}
    assert entry.after == {"opens_at": "06:00:00", "closes_at": "20:00:00",
                           "export_per_hour": 4, "busy_backlog": 200, "congested_backlog": 800}

    page = board.get("/border/gates/").content.decode()
    card = page[page.index('id="gate-huu-nghi"'):]
    assert '<dd data-field="hours">06:00–20:00</dd>' in card
    assert '<span data-field="export_per_hour">4</span>' in card
    assert YARD_CAMERA in card and "cam-huu-nghi-gate" in card

    # Booking follows the new hours.
    late = declare(enterprise_user, plate="12C-456.78")
    with pytest.raises(DomainError) as closed:
        services.book_slot(actor=enterprise_user, declaration=late, starts_at=hour_today(21))
    assert closed.value.code == BorderError.GATE_CLOSED
    assert "06:00" in closed.value.message_vi and "20:00" in closed.value.message_en
    services.book_slot(actor=enterprise_user, declaration=late, starts_at=hour_today(19))
    assert Declaration.objects.get(pk=late.pk).state == "booked"


def test_a_gate_open_around_the_clock_says_so(border):
    board = user("bql")
    gate = Gate.objects.get(code="tan-thanh")
    outcome = services.update_gate(actor=board, gate=gate, data={
        "around_the_clock": "on", "opens_at": "22:00", "closes_at": "06:00"})
    gate.refresh_from_db()
    assert gate.open_around_the_clock and gate.works_at(time(3))
    assert set(outcome.changed) == {"opens_at", "closes_at"}
    # The form shows the box ticked; saving it unchanged writes nothing.
    page = logged_in("bql").get("/border/gates/tan-thanh/").content.decode()
    assert re.search(r'name="around_the_clock" value="on"\s+checked', page)
    again = services.update_gate(actor=board, gate=gate, data={"around_the_clock": "on"})
    assert again.changed == {}
    assert AuditEntry.objects.filter(action="gate.configure").count() == 1


@pytest.mark.parametrize("who", ["baixe", "doanhnghiep", "cuakhau", "lanhdao"])
def test_others_cannot_configure_gates(border, who):
    client = logged_in(who)
    before = Gate.objects.get(pk=border.pk)
    assert client.get("/border/gates/").status_code == 403
    assert client.post("/border/gates/huu-nghi/", gate_form(
        border, export_per_hour="1")).status_code == 403
    assert client.post("/border/gates/huu-nghi/yards/new/", {
        "code": "yard-x", "name": "X", "capacity": "10",
        "operator": "bai-xe-huu-nghi"}).status_code == 403
    assert client.post(f"/border/cameras/{YARD_CAMERA}/", {
        "gate": "huu-nghi", "position": "yard_entry", "yard": "yard-huu-nghi-1",
        "operator": "bai-xe-huu-nghi", "min_confidence": "0.5"}).status_code == 403
    assert "/border/gates/" not in client.get("/border/").content.decode()
    actor = user(who)
    with pytest.raises(PermissionDenied):
        services.update_gate(actor=actor, gate=border, data={"export_per_hour": 1})
    with pytest.raises(PermissionDenied):
        services.save_yard(actor=actor, yard=Yard.objects.get(code="yard-huu-nghi-1"),
                           data={"capacity": 1})
    with pytest.raises(PermissionDenied):
        services.save_camera(actor=actor, camera=Camera.objects.get(code=YARD_CAMERA),
                             data={"min_confidence": 0.5})
    assert Gate.objects.get(pk=border.pk).export_per_hour == before.export_per_hour
    assert Yard.objects.get(code="yard-huu-nghi-1").capacity == 600
    assert Camera.objects.get(code=YARD_CAMERA).min_confidence == 0.8
    assert not Yard.objects.filter(code="yard-x").exists()
    assert not AuditEntry.objects.filter(action__regex=r"^(gate|yard|camera)\.").exists()


def test_anonymous_is_sent_to_log_in(border):
    client = Client()
    for url in ("/border/gates/", "/border/gates/huu-nghi/", f"/border/cameras/{YARD_CAMERA}/",
                "/border/yards/yard-huu-nghi-1/"):
        response = client.post(url, gate_form(border, export_per_hour="1"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Gate.objects.get(pk=border.pk).export_per_hour == 18


def test_bad_gate_settings_name_every_field_and_store_nothing(border):
    slot = Slot.objects.create(gate=border, direction="export", starts_at=hour_today(12),
                               capacity=18, perishable_reserved=6)
    board = logged_in("bql")
    response = board.post("/border/gates/huu-nghi/", gate_form(
        border, opens_at="25:00", export_per_hour="-3", import_per_hour="100000",
        transit_per_hour="nhiều", perishable_share_pct="120", busy_wait_hours="6",
        congested_wait_hours="4", busy_backlog="500", congested_backlog="100",
        late_grace_minutes="120", no_show_after_minutes="90"))
    assert response.status_code == 422
    page = response.content.decode()
    for name in ("opens_at", "export_per_hour", "import_per_hour", "transit_per_hour",
                 "perishable_share_pct", "congested_wait_hours", "congested_backlog",
                 "no_show_after_minutes"):
        assert f'data-field="{name}"' in page, name
    assert "Giờ không hợp lệ" in page and "Not a time of day" in page
    assert "Ngưỡng “ùn tắc” phải lớn hơn ngưỡng “đông xe”" in page
    assert 'value="nhiều"' in page  # what was typed is kept
    assert Gate.objects.get(pk=border.pk).export_per_hour == 18
    slot.refresh_from_db()
    assert slot.capacity == 18
    assert not AuditEntry.objects.filter(action="gate.configure").exists()

    with pytest.raises(InvalidInput) as bad:
        services.update_gate(actor=user("bql"), gate=border, data={
            "opens_at": "22:00", "closes_at": "06:00"})
    [error] = bad.value.errors
    assert error.field == "closes_at" and "24/24" in error.message_vi
    assert "Open 24 hours" in error.message_en
    with pytest.raises(InvalidInput) as bad:
        services.update_gate(actor=user("bql"), gate=border, data={
            "busy_wait_hours": "0,1", "congested_wait_hours": "3.5", "busy_backlog": "2",
            "congested_backlog": "2"})
    messages = {e.field: (e.message_vi, e.message_en) for e in bad.value.errors}
    assert messages == {
        "busy_wait_hours": ("Phải từ 0,5 đến 720.", "Must be between 0.5 and 720."),
        "congested_backlog": ("Ngưỡng “ùn tắc” phải lớn hơn ngưỡng “đông xe” (2 xe).",
                              "The “congested” threshold must be above the “busy” one "
                              "(2 trucks)."),
    }
    with pytest.raises(InvalidInput) as bad:
        services.update_gate(actor=user("bql"), gate=border, data={
            "busy_wait_hours": "4", "congested_wait_hours": "4"})
    [error] = bad.value.errors
    assert (error.field, error.message_vi) == (
        "congested_wait_hours", "Ngưỡng “ùn tắc” phải lớn hơn ngưỡng “đông xe” (4 giờ).")
    assert Gate.objects.get(pk=border.pk).closes_at == time(23, 59, 59)


def test_yards_and_cameras_are_checked_against_their_gate(border):
    board = user("bql")
    tan_thanh_yard = Yard.objects.get(code="yard-tan-thanh")
    with pytest.raises(InvalidInput) as bad:
        services.save_camera(actor=board, data={
            "code": "cam-new", "gate": "huu-nghi", "position": "yard_entry",
            "yard": tan_thanh_yard.code, "operator": "bai-xe-huu-nghi", "min_confidence": "0.1"})
    assert {e.field for e in bad.value.errors} == {"yard", "min_confidence"}
    assert not Camera.objects.filter(code="cam-new").exists()
    with pytest.raises(InvalidInput) as bad:
        services.save_camera(actor=board, data={
            "code": YARD_CAMERA, "gate": "huu-nghi", "position": "gate", "yard": "yard-huu-nghi-1",
            "operator": "no-such-org", "min_confidence": "0.9"})
    assert {e.field for e in bad.value.errors} == {"code", "yard", "operator"}
    with pytest.raises(InvalidInput) as bad:
        services.save_yard(actor=board, data={
            "code": "Bãi mới", "gate": "huu-nghi", "name": "", "capacity": "-5",
            "operator": "dn-nong-san-xu-lang"})
    assert {e.field for e in bad.value.errors} == {"code", "name", "capacity", "operator"}
    with pytest.raises(InvalidInput) as bad:
        services.save_yard(actor=board, yard=Yard.objects.get(code="yard-huu-nghi-1"),
                           data={"capacity": "0"})
    assert [e.field for e in bad.value.errors] == ["capacity"]
    assert Yard.objects.count() == 4 and Camera.objects.count() == 11
    assert not AuditEntry.objects.filter(action__regex=r"^(yard|camera)\.").exists()


def test_gate_board_adds_a_yard_and_its_camera_from_the_page(border, camera_key):
    board = logged_in("bql")
    new_camera = "cam-yard-huu-nghi-2-in"
    # A read from a camera nobody registered yet: unknown (and remembered as such a while).
    assert camera_read(Client(), camera_key, new_camera, "e-1", "12C-999.99").status_code == 404

    response = board.post("/border/gates/huu-nghi/yards/new/", {
        "code": "yard-huu-nghi-2", "name": "Bãi xe Hữu Nghị 2", "capacity": "150",
        "operator": "bai-xe-huu-nghi"})
    assert response.status_code == 302
    yard = Yard.objects.get(code="yard-huu-nghi-2")
    assert (yard.gate.code, yard.capacity, yard.operator.code) == ("huu-nghi", 150,
                                                                  "bai-xe-huu-nghi")
    response = board.post("/border/gates/huu-nghi/cameras/new/", {
        "code": new_camera, "gate": "huu-nghi", "position": "yard_entry",
        "yard": "yard-huu-nghi-2", "operator": "bai-xe-huu-nghi", "min_confidence": "0,9"})
    assert response.status_code == 302
    assert Camera.objects.get(code=new_camera).min_confidence == 0.9
    assert [e.action for e in AuditEntry.objects.filter(
        action__regex=r"^(yard|camera)\.").order_by("id")] == ["yard.create", "camera.create"]
    created = AuditEntry.objects.get(action="camera.create")
    assert created.before is None and created.after["yard"] == "yard-huu-nghi-2"

    # The camera path knows it at once.
    response = camera_read(Client(), camera_key, new_camera, "e-2", "12C-999.99")
    assert response.status_code == 201 and response.json()["reason"] == "unmatched"
    page = board.get("/border/gates/").content.decode()
    assert "Bãi xe Hữu Nghị 2" in page and new_camera in page


def test_a_camera_change_is_seen_at_once_by_the_camera_path(border, enterprise_user, camera_key):
    first, second = (declare(enterprise_user, plate=p) for p in ("12C-111.11", "12C-222.22"))
    assert selectors.camera_by_code(YARD_CAMERA).min_confidence == 0.8  # cached for a minute
    response = camera_read(Client(), camera_key, YARD_CAMERA, "r-1", first.plate, 0.9)
    assert response.json()["barrier"] == "open"

    board = logged_in("bql")
    response = board.post(f"/border/cameras/{YARD_CAMERA}/", {
        "gate": "huu-nghi", "position": "yard_entry", "yard": "yard-huu-nghi-1",
        "operator": "bai-xe-huu-nghi", "min_confidence": "0.95"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="camera.update")
    assert (entry.before, entry.after) == ({"min_confidence": 0.8}, {"min_confidence": 0.95})
    response = camera_read(Client(), camera_key, YARD_CAMERA, "r-2", second.plate, 0.9)
    assert response.json()["barrier"] == "hold"
    assert response.json()["reason"] == "low_confidence"

    # Handed to another operator: the Hữu Nghị yard's key may send its reads no more.
    services.save_camera(actor=user("bql"), camera=Camera.objects.get(code=YARD_CAMERA),
                         data={"operator": "bai-xe-tan-thanh"})
    response = camera_read(Client(), camera_key, YARD_CAMERA, "r-3", second.plate, 0.99)
    assert response.status_code == 403
    assert response.json()["detail"][0]["code"] == BorderError.CAMERA_NOT_YOURS


def test_a_gate_change_reaches_the_cameras_cached_gate(border):
    selectors.camera_by_code(YARD_CAMERA)
    services.update_gate(actor=user("bql"), gate=border, data={"late_grace_minutes": "15"})
    assert selectors.camera_by_code(YARD_CAMERA).gate.late_grace_minutes == 15


# ---------------------------------------------------------------- the admin


def test_admin_lists_and_changes_go_through_the_services(border):
    admin = logged_in("admin")
    for url in ("/admin/border/gate/?q=huu", f"/admin/border/yard/?gate__id__exact={border.pk}",
                "/admin/border/camera/?position__exact=gate", "/admin/border/goodscategory/"):
        assert admin.get(url).status_code == 200, url
    assert "cam-huu-nghi-gate" in admin.get("/admin/border/camera/?q=gate").content.decode()

    Slot.objects.create(gate=border, direction="import", starts_at=hour_today(12),
                        capacity=41, perishable_reserved=13, booked=2)
    url = f"/admin/border/gate/{border.pk}/change/"
    form = {**gate_form(border, import_per_hour="10"), "opens_at": "00:00:00",
            "closes_at": "23:59:59", "is_active": "on"}
    form.pop("around_the_clock")
    response = admin.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Slot.objects.get(direction="import").capacity == 10
    entry = AuditEntry.objects.get(action="gate.configure")
    assert entry.after == {"import_per_hour": 10} and entry.actor == user("admin")

    response = admin.post(url, {**form, "congested_backlog": "10"})
    assert response.status_code == 200
    assert "Ngưỡng “ùn tắc” phải lớn hơn" in response.content.decode()
    assert Gate.objects.get(pk=border.pk).congested_backlog == 1000

    camera = Camera.objects.get(code=YARD_CAMERA)
    response = admin.post(f"/admin/border/camera/{camera.pk}/change/", {
        "gate": Gate.objects.get(code="tan-thanh").pk, "position": "yard_entry",
        "yard": camera.yard_id, "operator": camera.operator_id, "min_confidence": "0.8"})
    assert response.status_code == 200 and "không thuộc" in response.content.decode()
    assert Camera.objects.get(pk=camera.pk).gate_id == border.pk

    goods = GoodsCategory.objects.get(code="frozen")
    response = admin.post(f"/admin/border/goodscategory/{goods.pk}/change/", {
        "code": "frozen", "name": goods.name, "perishable": "on", "shelf_life_hours": "200",
        "needs_quarantine": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="goods_category.update")
    assert (entry.before, entry.after) == ({"shelf_life_hours": 240}, {"shelf_life_hours": 200})


def test_the_pages_fit_a_phone(border):
    """No table wider than the screen: cards and single-column forms (the browser test
    below measures it)."""
    board = logged_in("bql")
    for url in ("/border/gates/", "/border/gates/huu-nghi/", "/border/gates/huu-nghi/cameras/new/",
                "/border/yards/yard-huu-nghi-1/", f"/border/cameras/{YARD_CAMERA}/"):
        response = board.get(url)
        assert response.status_code == 200, url
        assert "<table" not in response.content.decode()
    assert 'href="/border/gates/"' in board.get("/border/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_gate_settings_on_a_390_px_phone(live_server, settings, border, browser):  # noqa: F811
    from tinhso.core.demo import DEMO_PASSWORD

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/border/gates/")
    page.fill("input[name=username]", "bql@demo.tinhso.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/border/gates/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{SHOTS}/border_gates_phone.png", full_page=True)
    page.click("#gate-huu-nghi a.button")
    page.fill("input[name=closes_at]", "21:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{SHOTS}/border_gate_form_phone.png", full_page=True)
    page.click("form.config-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/border/gates/#gate-huu-nghi")
    assert page.locator("#gate-huu-nghi [data-field=hours]").inner_text() == "00:00–21:00"
    page.goto(f"{live_server.url}/border/cameras/{YARD_CAMERA}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{SHOTS}/border_camera_form_phone.png", full_page=True)


def test_new_hours_leave_bookings_outside_the_board_is_warned_and_enterprises_told(
        border, enterprise_user, settings, django_capture_on_commit_callbacks):
    truck = declare(enterprise_user, expected_arrival=hour_today(15).isoformat())
    services.book_slot(actor=enterprise_user, declaration=truck, starts_at=hour_today(15))
    inside = declare(enterprise_user, plate="12C-456.78",
                     expected_arrival=hour_today(10).isoformat())
    services.book_slot(actor=enterprise_user, declaration=inside, starts_at=hour_today(10))
    board = logged_in("bql")
    with django_capture_on_commit_callbacks(execute=True):
        response = board.post("/border/gates/huu-nghi/", gate_form(
            border, opens_at="06:00", closes_at="14:00"), follow=True)
    html = response.content.decode()
    # The flash messages, in the board's language (gettext), then the lasting warning.
    assert "Đã lưu cấu hình Cửa khẩu quốc tế Hữu Nghị" in html
    assert "1 xe đã đặt khung giờ ngoài giờ làm việc mới" in html
    card = html[html.index('id="gate-huu-nghi"'):]
    card = card[:card.index("</section>")]
    assert re.search(r'data-field="outside_hours">1 xe đã đặt khung giờ ngoài giờ', card)
    # The booking is kept, and only its enterprise's truck is named in a notification.
    assert Declaration.objects.get(pk=truck.pk).state == "booked"
    notes = settings.NOTIFY_FILE.read_text(encoding="utf-8")
    assert notes.count('"kind": "gate_hours_changed"') == 1
    assert truck.reference in notes and inside.reference not in notes
    assert "06:00–14:00" in notes
    # Once the enterprise moves it, the warning is gone.
    services.book_slot(actor=enterprise_user, declaration=truck, starts_at=hour_today(13))
    card = board.get("/border/gates/").content.decode()
    assert 'data-field="outside_hours"' not in card
    # Other saves say so in Vietnamese too.
    yard = Yard.objects.select_related("operator").get(code="yard-huu-nghi-1")
    saved = board.post("/border/yards/yard-huu-nghi-1/", {
        "name": yard.name, "capacity": str(yard.capacity), "operator": yard.operator.code},
        follow=True)
    assert "Đã lưu bãi xe Bãi xe Hữu Nghị 1." in saved.content.decode()
