"""A repeat truck never jams the cameras: one plate, several trips, one of them in the
yard pipeline at a time; the desk is for whoever works at the camera's place, its choices
differ visibly, and a yard operator can check a truck in or out by hand."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declaration_data, declare, user
from tests.border.test_end_to_end import camera_read, logged_in, post
from tinhso.border import services
from tinhso.border.models import Declaration, PlateEvent, Yard
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PLATE = "12C-123.45"
YARD_IN, YARD_OUT, GATE = "cam-yard-huu-nghi-1-in", "cam-yard-huu-nghi-1-out", "cam-huu-nghi-gate"


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def declare_and_book_trip(enterprise: Client, arrival: datetime, slot: datetime) -> dict:
    response = post(enterprise, "/api/v1/border/declarations",
                    declaration_data(expected_arrival=arrival.isoformat()))
    assert response.status_code == 201, response.content
    trip = response.json()
    response = post(enterprise, f"/api/v1/border/declarations/{trip['id']}/booking",
                    {"starts_at": slot.isoformat()})
    assert response.json()["state"] == "booked", response.content
    return trip


def state(trip) -> str:
    return Declaration.objects.get(pk=trip["id"] if isinstance(trip, dict) else trip.pk).state


def test_a_repeat_truck_goes_through_every_camera_on_the_trip_in_its_slot(
        border, camera_key, gate_camera_key):
    enterprise = logged_in("doanhnghiep")
    # The saved vehicle makes the next trip one click: today at 09:00, tomorrow at 09:00.
    today = declare_and_book_trip(enterprise, at(9, 30), at(9))
    tomorrow = declare_and_book_trip(enterprise, at(9, 30, day=3), at(9, day=3))
    cameras = Client()

    entry = camera_read(cameras, camera_key, YARD_IN, "e1", "12C12345").json()
    assert (entry["barrier"], entry["status"], entry["declaration_id"], entry["state"]) \
        == ("open", "matched", today["id"], "in_yard")
    assert entry["reason"] == "trip_slot_now"  # why this trip, said on the event
    assert state(tomorrow) == "booked"

    # A second read at the entry is the same truck, already in: held, not ambiguous.
    again = camera_read(cameras, camera_key, YARD_IN, "e2", PLATE).json()
    assert (again["status"], again["declaration_id"], again["reason"]) \
        == ("matched", today["id"], "state_in_yard")

    called = post(logged_in("cuakhau"), "/api/v1/border/gates/huu-nghi/call", {"count": 5})
    assert [c["id"] for c in called.json()] == [today["id"]]
    out = camera_read(cameras, camera_key, YARD_OUT, "x1", PLATE).json()
    assert (out["barrier"], out["declaration_id"], out["state"]) \
        == ("open", today["id"], "at_gate")
    for officer, agency in (("haiquan", "customs"), ("kiemdich", "quarantine"),
                            ("bienphong", "border_guard")):
        post(logged_in(officer), f"/api/v1/border/declarations/{today['id']}/clearance",
             {"agency": agency, "verdict": "pass", "note": "OK"})
    assert state(today) == "cleared"
    crossed = camera_read(cameras, gate_camera_key, GATE, "g1", PLATE).json()
    assert (crossed["barrier"], crossed["declaration_id"], crossed["state"], crossed["reason"]) \
        == ("open", today["id"], "crossed", "trip_in_pipeline")

    assert state(tomorrow) == "booked"
    assert not PlateEvent.objects.filter(status="exception").exists()
    # The next trip is no longer a "later" one once the first has crossed.
    page = enterprise.get(f"/border/declarations/{tomorrow['id']}/").content.decode()
    assert "data-later-trip" not in page


def test_the_trip_whose_slot_is_now_is_checked_in_even_if_an_earlier_one_was_missed(
        border, camera_key, clock):
    enterprise = logged_in("doanhnghiep")
    missed = declare_and_book_trip(enterprise, at(9, 30), at(9))
    noon = declare_and_book_trip(enterprise, at(12, 30), at(12))
    clock.move_to(at(12, 10))
    entry = camera_read(Client(), camera_key, YARD_IN, "e1", PLATE).json()
    assert (entry["declaration_id"], entry["state"], entry["reason"]) \
        == (noon["id"], "in_yard", "trip_slot_now")
    assert state(missed) == "booked"  # the no-show rule deals with it


def test_a_later_trip_is_shown_as_such_to_the_enterprise(border, enterprise_user):
    first = declare(enterprise_user, expected_arrival=at(10).isoformat())
    later = declare(enterprise_user, expected_arrival=at(10, day=3).isoformat())
    client = logged_in("doanhnghiep")
    listing = client.get("/border/enterprise/").content.decode()
    row = re.search(rf'<tr id="d{later.pk}">.*?</tr>', listing, re.S).group(0)
    assert "data-later-trip" in row and "chuyến sau" in row
    first_row = re.search(rf'<tr id="d{first.pk}">.*?</tr>', listing, re.S).group(0)
    assert "data-later-trip" not in first_row
    assert "chuyến sau" in client.get(f"/border/declarations/{later.pk}/").content.decode()
    assert "data-later-trip" not in client.get(
        f"/border/declarations/{first.pk}/").content.decode()


@pytest.mark.parametrize("arrival", [
    lambda: timezone.now() + timedelta(hours=3),  # the same trip
    lambda: timezone.now() + timedelta(hours=1),  # before the first one is over
])
def test_a_second_active_declaration_for_the_same_trip_is_refused_with_a_named_field(
        border, enterprise_user, arrival):
    declare(enterprise_user)
    client = logged_in("doanhnghiep")
    response = post(client, "/api/v1/border/declarations",
                    declaration_data(plate="12c 123 45", expected_arrival=arrival().isoformat()))
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("expected_arrival", "plate.active_trip")
    assert Declaration.objects.filter(plate_key="12C12345").count() == 1
    # The form says it next to the field, in Vietnamese.
    page = client.post("/border/enterprise/", declaration_data(
        expected_arrival=timezone.localtime(arrival()).strftime("%Y-%m-%dT%H:%M")))
    assert page.status_code == 422
    assert "chuyến sau" in page.content.decode()


def test_two_vehicles_a_camera_cannot_tell_apart_may_both_be_declared(border, enterprise_user):
    declare(enterprise_user, plate="桂AB1234")
    declare(enterprise_user, plate="桂A81234")  # another truck, same trip time: allowed


# ---- The desk belongs to whoever works at the camera's place.

def unmatched_read(key, camera, event_id):
    answer = camera_read(Client(), key, camera, event_id, "29A-888.88").json()
    assert answer["reason"] == "unmatched"
    return PlateEvent.objects.get(pk=answer["id"])


def test_the_gate_operator_resolves_a_gate_camera_read_and_the_yard_operator_cannot(
        border, gate_camera_key, camera_key):
    gate_read = unmatched_read(gate_camera_key, GATE, "g1")
    yard_read = unmatched_read(camera_key, YARD_IN, "y1")
    gate_operator, yard_operator = logged_in("cuakhau"), logged_in("baixe")

    assert [e["event_id"] for e in gate_operator.get("/api/v1/border/exceptions").json()["items"]] \
        == ["g1"]
    assert [e["event_id"] for e in yard_operator.get("/api/v1/border/exceptions").json()["items"]] \
        == ["y1"]
    # Not on their desk: as if it did not exist, through the API and the pages.
    assert post(yard_operator, f"/api/v1/border/plate-events/{gate_read.pk}/resolve",
                {"declaration_id": None}).status_code == 404
    assert post(gate_operator, f"/api/v1/border/plate-events/{yard_read.pk}/resolve",
                {"declaration_id": None}).status_code == 404
    assert yard_operator.post("/border/yard/", {"event": gate_read.pk,
                                                "declaration": "dismiss"}).status_code == 404
    # And the service says why to anyone who reaches it.
    for who, event in (("baixe", gate_read), ("cuakhau", yard_read)):
        with pytest.raises(DomainError) as refused:
            services.resolve_plate_event(actor=user(who), event=event, declaration=None)
        assert refused.value.status == 403

    desk = gate_operator.get("/border/desk/")
    assert desk.status_code == 200 and "29A-888.88" in desk.content.decode()
    assert "/border/desk/" in gate_operator.get("/border/gate/").content.decode()
    gate_operator.post("/border/desk/", {"event": gate_read.pk, "declaration": "dismiss"})
    assert PlateEvent.objects.get(pk=gate_read.pk).status == "dismissed"
    assert PlateEvent.objects.get(pk=gate_read.pk).resolved_by == user("cuakhau")

    resolved = post(yard_operator, f"/api/v1/border/plate-events/{yard_read.pk}/resolve",
                    {"declaration_id": None})
    assert resolved.json()["status"] == "dismissed"
    assert logged_in("bql").get("/border/desk/").status_code == 403


def test_the_gate_operator_lets_a_cleared_truck_through_from_the_desk(
        border, enterprise_user, gate_camera_key):
    truck = declare(enterprise_user)
    Declaration.objects.filter(pk=truck.pk).update(state="cleared")
    answer = camera_read(Client(), gate_camera_key, GATE, "g1", truck.plate, confidence=0.3)
    event = PlateEvent.objects.get(pk=answer.json()["id"])
    assert event.reason == "low_confidence"
    services.resolve_plate_event(actor=user("cuakhau"), event=event, declaration=truck)
    assert state(truck) == "crossed"


# ---- The desk's choices differ visibly, and a near match is never preselected.

def desk_form(page: str, event: PlateEvent) -> str:
    return re.search(rf'<tr data-event="{event.pk}">.*?</tr>', page, re.S).group(0)


def test_the_desk_shows_what_tells_trucks_apart_and_preselects_no_near_match(
        border, enterprise_user, camera_key):
    declared = declare(enterprise_user, plate="12C-123.41", expected_arrival=at(10).isoformat())
    later = declare(enterprise_user, plate="12C-123.41",
                    expected_arrival=at(10, day=3).isoformat())
    near = unmatched_or(camera_read(Client(), camera_key, YARD_IN, "n1", "12C-123.42"))
    assert (near.reason, near.declaration_id) == ("near_match", declared.pk)
    unsure = unmatched_or(camera_read(Client(), camera_key, YARD_IN, "u1", "12C-123.41",
                                      confidence=0.3))
    assert unsure.reason == "low_confidence"

    page = logged_in("baixe").get("/border/yard/").content.decode()
    form = desk_form(page, near)
    assert " selected" not in form  # the operator must pick
    assert '<select name="declaration" required>' in form
    for trip in (declared, later):
        option = re.search(rf'<option value="{trip.pk}">([^<]*)</option>', form).group(1)
        assert trip.reference in option and "12C-123.41" in option
        assert "Trái cây tươi" in option or trip.goods.name in option
        assert trip.enterprise.name in option
        assert timezone.localtime(trip.expected_arrival).strftime("%d/%m %H:%M") in option
    # The proposal is named as such, not chosen.
    assert declared.reference in form.split("<form")[0]
    # An exact plate read too unsure: its truck is preselected.
    assert f'<option value="{unsure.declaration_id}" selected>' in desk_form(page, unsure)

    # Posting without a choice resolves nothing.
    logged_in("baixe").post("/border/yard/", {"event": near.pk, "declaration": ""})
    assert PlateEvent.objects.get(pk=near.pk).status == "exception"


def unmatched_or(answer) -> PlateEvent:
    return PlateEvent.objects.get(pk=answer.json()["id"])


# ---- By hand: camera broken, plate dirty.

def test_a_yard_operator_checks_a_truck_in_and_out_by_hand_with_a_reason(
        border, enterprise_user):
    truck = declare(enterprise_user)
    operator = logged_in("baixe")
    form = {"yard": "yard-huu-nghi-1", "step": "check_in", "declaration": truck.pk,
            "reason": "Camera hỏng"}

    missing = operator.post("/border/yard/manual/", {**form, "reason": " "})
    assert missing.status_code == 422 and 'data-field="reason"' in missing.content.decode()
    confirm = operator.post("/border/yard/manual/", form)  # first: what will happen
    assert confirm.status_code == 200
    assert 'name="confirmed" value="1"' in confirm.content.decode()
    assert state(truck) == "submitted"

    done = operator.post("/border/yard/manual/", {**form, "confirmed": "1"})
    assert done.status_code == 302
    truck.refresh_from_db()
    assert (truck.state, truck.yard.code) == ("in_yard", "yard-huu-nghi-1")
    entry = AuditEntry.objects.get(action="declaration.manual_check_in")
    assert entry.actor == user("baixe") and entry.after["reason"] == "Camera hỏng"
    assert entry.after["manual"] is True
    moved = AuditEntry.objects.get(action="declaration.in_yard", object_id=str(truck.pk))
    assert "manual" in moved.note and "Camera hỏng" in moved.note

    services.call_next(actor=user("cuakhau"), gate=border, count=1)
    operator.post("/border/yard/manual/", {**form, "step": "check_out", "confirmed": "1",
                                           "reason": "Biển số bẩn"})
    assert state(truck) == "at_gate"
    out = AuditEntry.objects.get(action="declaration.manual_check_out")
    assert out.after["reason"] == "Biển số bẩn" and out.actor == user("baixe")


def test_manual_steps_keep_the_rules(border, enterprise_user):
    first = declare(enterprise_user)
    later = declare(enterprise_user, expected_arrival=at(10, day=3).isoformat())
    yard = Yard.objects.get(code="yard-huu-nghi-1")
    operator = user("baixe")
    with pytest.raises(InvalidInput) as no_reason:  # no reason, no step
        services.manual_yard_step(actor=operator, declaration=first, yard=yard,
                                  step="check_in", reason="  ")
    assert [e["field"] for e in no_reason.value.as_list("en")] == ["reason"]
    services.manual_yard_step(actor=operator, declaration=first, yard=yard, step="check_in",
                              reason="camera hỏng")
    # One trip of a plate in the pipeline at a time.
    with pytest.raises(DomainError) as second:
        services.manual_yard_step(actor=operator, declaration=later, yard=yard,
                                  step="check_in", reason="camera hỏng")
    assert second.value.code == "border.plate_in_pipeline"
    # Another company's yard operator, and the gate operator, may not.
    other = Yard.objects.get(code="yard-tan-thanh")
    with pytest.raises(DomainError) as not_theirs:
        services.manual_yard_step(actor=operator, declaration=later, yard=other,
                                  step="check_in", reason="x")
    assert not_theirs.value.status == 403
    assert logged_in("cuakhau").get("/border/yard/manual/").status_code == 403
