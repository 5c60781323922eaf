from datetime import timedelta

import pytest
from django.utils import timezone

from tests.border.conftest import declare, user
from tinhso.border.models import Declaration, GateNotice, Slot
from tinhso.border.selectors import hour_of
from tinhso.border.services import announce_notice
from tinhso.core.errors import InvalidInput


def book_many(staff, gate, hour, goods_by_plate):
    from tinhso.border import services

    Slot.objects.get_or_create(gate=gate, direction="export", starts_at=hour,
                               defaults={"capacity": 10, "perishable_reserved": 3})
    trucks = []
    for plate, goods in goods_by_plate:
        d = declare(staff, plate=plate, goods=goods)
        services.book_slot(actor=staff, declaration=d, starts_at=hour)
        trucks.append(d)
    return trucks


def test_suspension_moves_every_affected_booking_and_notifies_its_enterprise(
        border, enterprise_user, settings, django_capture_on_commit_callbacks):
    hour = hour_of(timezone.now() + timedelta(hours=6))
    trucks = book_many(enterprise_user, border, hour, [
        ("12C-300.01", "machinery"), ("12C-300.02", "fresh-fruit"), ("12C-300.03", "vegetables")])
    board = user("bql")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = announce_notice(
            actor=board, gate=border, kind="suspension", starts_at=hour,
            ends_at=hour + timedelta(hours=2), reason_vi="Phía bạn nghỉ lễ",
            reason_en="The other side is closed for a holiday")
    assert sorted(outcome.moved) == sorted(t.pk for t in trucks)
    assert outcome.released == []
    for truck in Declaration.objects.filter(pk__in=[t.pk for t in trucks]).select_related("slot"):
        assert truck.state == "booked"
        assert truck.slot.starts_at >= hour + timedelta(hours=2)
    assert Slot.objects.get(starts_at=hour).capacity == 0
    assert Slot.objects.get(starts_at=hour).booked == 0
    # Perishables go first: they get the earliest new slot.
    new_hours = {t.plate: t.slot.starts_at for t in Declaration.objects.select_related("slot")}
    assert new_hours["12C-300.02"] <= new_hours["12C-300.01"]
    notes = settings.NOTIFY_FILE.read_text(encoding="utf-8")
    assert notes.count('"kind": "reslotted"') == 3
    assert f"org:{trucks[0].enterprise_id}" in notes


def test_reduced_capacity_keeps_what_fits_and_never_overbooks(border, enterprise_user):
    hour = hour_of(timezone.now() + timedelta(hours=6))
    book_many(enterprise_user, border, hour,
              [(f"12C-310.{n:02d}", "machinery") for n in range(4)])
    announce_notice(actor=user("bql"), gate=border, kind="reduced", capacity_pct=10,
                    starts_at=hour, ends_at=hour + timedelta(hours=1), reason_vi="Giảm năng lực")
    for slot in Slot.objects.all():
        assert slot.booked <= slot.capacity
    assert Declaration.objects.filter(state="booked").count() == 4
    assert Slot.objects.get(starts_at=hour).capacity == 1


def test_booking_inside_a_notice_sees_the_reduced_capacity(border, enterprise_user):
    from tinhso.border import services

    hour = hour_of(timezone.now() + timedelta(hours=8))
    announce_notice(actor=user("bql"), gate=border, kind="suspension", starts_at=hour,
                    ends_at=hour + timedelta(hours=1), reason_vi="Tạm dừng")
    d = declare(enterprise_user)
    with pytest.raises(services.SlotFull) as full:
        services.book_slot(actor=enterprise_user, declaration=d, starts_at=hour)
    assert hour not in [a.starts_at for a in full.value.alternatives]


def test_only_the_gate_board_announces_and_bad_periods_are_refused(border):
    from django.core.exceptions import PermissionDenied

    now = timezone.now()
    with pytest.raises(PermissionDenied):
        announce_notice(actor=user("doanhnghiep"), gate=border, kind="suspension",
                        starts_at=now, ends_at=now + timedelta(hours=1), reason_vi="x")
    with pytest.raises(InvalidInput) as bad:
        announce_notice(actor=user("bql"), gate=border, kind="reduced", capacity_pct=150,
                        starts_at=now, ends_at=now - timedelta(hours=1), reason_vi="x")
    assert {e.field for e in bad.value.errors} == {"ends_at", "capacity_pct"}
    assert GateNotice.objects.count() == 0


def test_notice_through_the_api(border, enterprise_user):
    import json

    from django.test import Client

    hour = hour_of(timezone.now() + timedelta(hours=6))
    [truck] = book_many(enterprise_user, border, hour, [("12C-320.01", "fresh-fruit")])
    client = Client()
    client.force_login(user("bql"))
    body = {"kind": "suspension", "starts_at": hour.isoformat(),
            "ends_at": (hour + timedelta(hours=3)).isoformat(), "reason_vi": "Phía bạn nghỉ lễ"}
    response = client.post("/api/v1/border/gates/huu-nghi/notices", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 201
    assert list(response.json()["moved"]) == [str(truck.pk)]
    client.force_login(user("doanhnghiep"))
    refused = client.post("/api/v1/border/gates/huu-nghi/notices", json.dumps(body),
                          content_type="application/json")
    assert refused.status_code == 403
    assert GateNotice.objects.count() == 1


def test_notice_page_publishes_and_shows_field_errors(border):
    from django.test import Client

    client = Client()
    client.force_login(user("bql"))
    assert client.get("/border/notices/").status_code == 200
    bad = client.post("/border/notices/", {"gate": "huu-nghi", "kind": "reduced",
                                           "capacity_pct": "0", "starts_at": "2026-12-01T08:00",
                                           "ends_at": "2026-12-01T06:00", "reason_vi": "x"})
    page = bad.content.decode()
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu" in page
    good = client.post("/border/notices/", {"gate": "huu-nghi", "kind": "suspension",
                                            "starts_at": "2026-12-01T08:00",
                                            "ends_at": "2026-12-01T10:00",
                                            "reason_vi": "Phía bạn nghỉ lễ"})
    assert good.status_code == 302
    assert GateNotice.objects.get().reason_vi == "Phía bạn nghỉ lễ"


def test_notice_page_names_unparsable_fields_instead_of_failing(border):
    from django.test import Client

    client = Client()
    client.force_login(user("bql"))
    response = client.post("/border/notices/", {"gate": "huu-nghi", "kind": "reduced",
                                                "capacity_pct": "một nửa", "starts_at": "",
                                                "ends_at": "2026-12-01T10:00",
                                                "reason_vi": "x"})
    page = response.content.decode()
    assert response.status_code == 422  # refused, every bad field named on the page
    assert "Phải là một số nguyên" in page
    assert "Vui lòng nhập thời điểm" in page
    assert GateNotice.objects.count() == 0


def test_a_booking_with_no_free_hour_in_the_window_is_released_not_dropped(
        border, enterprise_user):
    hour = hour_of(timezone.now() + timedelta(hours=6))
    (truck,) = book_many(enterprise_user, border, hour, [("12C-320.01", "machinery")])
    outcome = announce_notice(actor=user("bql"), gate=border, kind="suspension",
                              starts_at=hour, ends_at=hour + timedelta(days=6),
                              reason_vi="Tạm dừng thông quan")
    assert (outcome.moved, outcome.released) == ({}, [truck.pk])
    released = Declaration.objects.get(pk=truck.pk)
    assert (released.state, released.slot_id) == ("submitted", None)


def test_overlapping_notices_leave_the_most_restrictive_capacity(border, enterprise_user):
    """Base 18 under a 50 % notice is 9. A later, milder 80 % notice used to raise an
    existing slot to 14, and a slot made afterwards compounded both to 7: every path now
    gives 9 (booking, the re-slotting of notices, the gate's room and the status page)."""
    from tinhso.border import congestion, selectors, services

    border.export_per_hour, border.import_per_hour, border.transit_per_hour = 18, 0, 0
    border.save()
    board = user("bql")
    hour = hour_of(timezone.now() + timedelta(hours=6))
    existing = book_many(enterprise_user, border, hour, [("12C-320.01", "machinery")])
    Slot.objects.filter(starts_at=hour).update(capacity=18)
    for pct in (50, 80):
        announce_notice(actor=board, gate=border, kind="reduced", capacity_pct=pct,
                        starts_at=hour, ends_at=hour + timedelta(hours=3),
                        reason_vi=f"Giảm còn {pct} %")
    assert Slot.objects.get(starts_at=hour).capacity == 9
    assert Declaration.objects.get(pk=existing[0].pk).slot.starts_at == hour

    later = declare(enterprise_user, plate="12C-320.02", goods="machinery")
    services.book_slot(actor=enterprise_user, declaration=later,
                       starts_at=hour + timedelta(hours=1))
    assert Slot.objects.get(starts_at=hour + timedelta(hours=1)).capacity == 9
    assert selectors.capacity_at(border, "export", hour + timedelta(hours=2)) == 9

    # In force now, the notices also set the gate's room and the status page's rate.
    GateNotice.objects.update(starts_at=timezone.now() - timedelta(minutes=5))
    assert selectors.gate_room_now(border, timezone.now()) == 9
    notices = selectors.notices_in_force([border.pk], timezone.now())
    assert congestion.planned_capacity(border, timezone.now(), notices) == 9


def test_the_simulation_applies_the_most_restrictive_notice_too():
    from tinhso.border.engine import GateNotice as EngineNotice
    from tinhso.border.engine import Lane, capacity_in_force
    from tinhso.border.engine.model import Gate as EngineGate
    from tinhso.border.engine.model import hourly_capacity

    gate = EngineGate(code="g", name="g", open_from=0, open_to=24,
                      daily_capacity={Lane.OUT: 18 * 24}, yard_capacity=100)
    caps = hourly_capacity(gate, Lane.OUT, 24, [
        EngineNotice("g", 0, 24, factor=0.5, announced_at=0),
        EngineNotice("g", 0, 24, factor=0.8, announced_at=1)])
    assert set(caps.tolist()) == {capacity_in_force(18, [50, 80])} == {9}
