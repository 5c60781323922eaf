"""Who may do what at the border gate, through the API and the pages.

Every write action is tried by every kind of actor who must not do it: nobody logged in
(or a deactivated account), staff of another enterprise, the wrong role or agency, the
wrong organisation's camera key. Each refusal answers as the app's rules decide:

- 401 from the API (302 to the login page from a page) when nobody is authenticated;
- 404 when the object is not visible to the actor (`Declaration.objects.visible_to`, the
  exception desk of their own cameras): its existence is not disclosed;
- 403 when the actor sees the object but their role does not allow the action;

and a refusal changes nothing: no declaration field, slot counter, camera event, verdict,
gate notice, saved vehicle or audit entry. The right role then succeeds.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.border.conftest import declaration_data, user
from tests.border.test_end_to_end import camera_read, post
from tests.factories import DeclarationFactory, user_with_role
from tinhso.accounts.models import Organization, Role
from tinhso.accounts.services import create_api_key, revoke_api_key
from tinhso.border.models import (
    ClearanceDecision,
    Declaration,
    GateNotice,
    PlateEvent,
    SavedDriver,
    SavedVehicle,
    Slot,
)
from tinhso.core.models import AuditEntry

API = "/api/v1/border"
OWNER = "dn-nong-san-xu-lang"  # the enterprise DeclarationFactory declares for
YARD_ENTRY = "cam-yard-huu-nghi-1-in"

# Demo users (tests/border/conftest.py `user`), by what they are to the declarations here.
DEMO = {
    "owner": "doanhnghiep",  # staff of the declaring enterprise
    "other_enterprise": "doanhnghiep2",
    "driver": "laixe",  # the owner's driver: a role in the enterprise, but not staff
    "customs": "haiquan",
    "quarantine": "kiemdich",
    "border_guard": "bienphong",
    "gate_operator": "cuakhau",
    "gate_board": "bql",
    "yard_operator": "baixe",  # operates the Hữu Nghị yards and their cameras
    "cashier": "thungan",
    "leader": "lanhdao",
}


def actor_user(actor: str):
    """The user behind an actor name; `inactive_<name>` is a deactivated account holding
    the same roles, `other_yard_operator` works for the Tân Thanh yard company."""
    if actor == "other_yard_operator":
        return user_with_role(Role.YARD_OPERATOR,
                              Organization.objects.get(code="bai-xe-tan-thanh"))
    if actor.startswith("inactive_"):
        twin = user(DEMO[actor.removeprefix("inactive_")]).memberships.get()
        return user_with_role(twin.role, twin.organization, is_active=False)
    return user(DEMO[actor])


def as_actor(actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(actor_user(actor))
    return client


def world() -> dict:
    """Everything a border write may change."""
    return {
        "declarations": list(Declaration.objects.order_by("pk").values()),
        "slots": list(Slot.objects.order_by("pk").values()),
        "plate_events": list(PlateEvent.objects.order_by("pk").values()),
        "clearances": ClearanceDecision.objects.count(),
        "notices": GateNotice.objects.count(),
        "saved": (SavedVehicle.objects.count(), SavedDriver.objects.count()),
        "audit": AuditEntry.objects.count(),
    }


def assert_refused(response, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    if status == 302:  # a page sends whoever is not logged in to the login page
        assert response["Location"].startswith(reverse("accounts:login"))


def put(client, url, body):
    return client.put(url, json.dumps(body, default=str), content_type="application/json")


# ---------------------------------------------------------------- declarations


def correction(truck) -> dict:
    """A correction that would move the truck to another gate and give its slot back."""
    return declaration_data(plate="12C-999.99", gate="tan-thanh",
                            expected_arrival=truck.expected_arrival.isoformat())


def later_hour(truck):
    return (truck.slot.starts_at + timedelta(hours=2)).isoformat()


DECLARATION_ACTIONS = {
    ("correct", "api"): lambda c, d: put(c, f"{API}/declarations/{d.pk}", correction(d)),
    ("correct", "page"): lambda c, d: c.post(f"/border/declarations/{d.pk}/edit/",
                                             correction(d)),
    ("cancel", "api"): lambda c, d: post(c, f"{API}/declarations/{d.pk}/cancel",
                                         {"reason": "trip_cancelled"}),
    ("cancel", "page"): lambda c, d: c.post(f"/border/declarations/{d.pk}/cancel/",
                                            {"confirm": "yes", "reason": "other",
                                             "note": "Đổi kế hoạch"}),
    ("book", "api"): lambda c, d: post(c, f"{API}/declarations/{d.pk}/booking",
                                       {"starts_at": later_hour(d)}),
    ("book", "page"): lambda c, d: c.post(f"/border/declarations/{d.pk}/book/",
                                          {"starts_at": later_hour(d)}),
}

# Only the declaring enterprise's staff correct, cancel or (re)book its declaration.
OWNER_ONLY_REFUSALS = [
    # actor, API, page
    ("anonymous", 401, 302),
    ("inactive_owner", 401, 302),
    ("other_enterprise", 404, 404),
    ("driver", 404, 404),
    ("other_yard_operator", 404, 404),
    ("customs", 403, 403),
    ("border_guard", 403, 403),
    ("gate_operator", 403, 403),
    ("gate_board", 403, 403),
    ("yard_operator", 403, 403),
]


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "api_status", "page_status"), OWNER_ONLY_REFUSALS)
@pytest.mark.parametrize("action", ["correct", "cancel", "book"])
def test_only_the_enterprise_corrects_cancels_or_books_its_declaration(
        border, action, actor, api_status, page_status, channel):
    truck = DeclarationFactory(booked=True, perishable=True)
    before = world()
    response = DECLARATION_ACTIONS[action, channel](as_actor(actor), truck)
    assert_refused(response, api_status if channel == "api" else page_status)
    assert world() == before


def _corrected(truck, old_slot):
    assert (truck.plate, truck.gate.code, truck.state) == ("12C-999.99", "tan-thanh",
                                                          "submitted")
    assert (truck.slot_id, old_slot.booked) == (None, 0)


def _cancelled(truck, old_slot):
    assert (truck.state, truck.slot_id, old_slot.booked) == ("cancelled", None, 0)


def _rebooked(truck, old_slot):
    assert truck.state == "booked"
    assert truck.slot.starts_at == old_slot.starts_at + timedelta(hours=2)
    assert (truck.slot.booked, truck.slot.booked_perishable, old_slot.booked) == (1, 1, 0)


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("action", "check"), [("correct", _corrected),
                                               ("cancel", _cancelled),
                                               ("book", _rebooked)])
def test_the_enterprise_corrects_cancels_and_books_its_declaration(border, action, check,
                                                                   channel):
    truck = DeclarationFactory(booked=True, perishable=True)
    response = DECLARATION_ACTIONS[action, channel](as_actor("owner"), truck)
    assert response.status_code == (200 if channel == "api" else 302), response.content[:500]
    old_slot = truck.slot
    old_slot.refresh_from_db()
    truck.refresh_from_db()
    check(truck, old_slot)
    assert AuditEntry.objects.filter(object_type="border.declaration", object_id=str(truck.pk),
                                     actor=user("doanhnghiep")).exists()


def create_api(client):
    return post(client, f"{API}/declarations",
                declaration_data(plate="12C-555.55", enterprise_code=OWNER))


def create_page(client):
    owner = Organization.objects.get(code=OWNER)
    return client.post("/border/enterprise/",
                       declaration_data(plate="12C-555.55", enterprise=owner.pk))


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "api_status", "page_status"), [
    ("anonymous", 401, 302),
    ("inactive_owner", 401, 302),
    # Declaring for an enterprise one does not work for: the API treats the code as a bad
    # field (unknown and not-yours alike, so nothing is disclosed), the page as forbidden.
    ("other_enterprise", 422, 403),
    ("driver", 403, 403),
    ("customs", 403, 403),
    ("gate_board", 403, 403),
    ("yard_operator", 403, 403),
])
def test_only_the_enterprises_staff_declare_for_it(border, actor, api_status, page_status,
                                                   channel):
    before = world()
    client = as_actor(actor)
    response = create_api(client) if channel == "api" else create_page(client)
    assert_refused(response, api_status if channel == "api" else page_status)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
def test_the_enterprises_staff_declare_for_it(border, channel):
    client = as_actor("owner")
    response = create_api(client) if channel == "api" else create_page(client)
    assert response.status_code == (201 if channel == "api" else 302), response.content[:500]
    truck = Declaration.objects.get()
    assert (truck.enterprise.code, truck.plate, truck.state) == (OWNER, "12C-555.55",
                                                                "submitted")
    assert truck.created_by == user("doanhnghiep")


# ---------------------------------------------------------------- clearance


def clearance_api(client, truck, agency, verdict):
    return post(client, f"{API}/declarations/{truck.pk}/clearance",
                {"agency": agency, "verdict": verdict, "reason": "documents_invalid",
                 "note": "Kiểm tra"})


def clearance_page(client, truck, agency, verdict):
    return client.post("/border/clearance/", {"agency": agency, "declaration": truck.pk,
                                              "verdict": verdict, "confirm": "yes",
                                              "reason": "documents_invalid",
                                              "note": "Kiểm tra"})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "agency", "api_status", "page_status"), [
    ("anonymous", "customs", 401, 302),
    ("inactive_customs", "customs", 401, 302),
    ("owner", "customs", 403, 403),
    ("other_enterprise", "quarantine", 404, 403),
    ("driver", "customs", 404, 403),
    ("yard_operator", "customs", 403, 403),
    ("gate_operator", "border_guard", 403, 403),
    ("gate_board", "quarantine", 403, 403),
    ("cashier", "customs", 403, 403),
    # An officer acting for another agency: the API forbids it; the console page has no
    # such agency for them (404).
    ("customs", "quarantine", 403, 404),
    ("customs", "border_guard", 403, 404),
    ("quarantine", "customs", 403, 404),
    ("quarantine", "border_guard", 403, 404),
    ("border_guard", "customs", 403, 404),
    ("border_guard", "quarantine", 403, 404),
])
def test_only_an_officer_of_the_agency_records_its_verdict(border, actor, agency, api_status,
                                                           page_status, channel):
    # A reject would end the trip and give the booked place back: it must not happen.
    truck = DeclarationFactory(at_gate=True, perishable=True, with_slot=True)
    before = world()
    record = clearance_api if channel == "api" else clearance_page
    response = record(as_actor(actor), truck, agency, "reject")
    assert_refused(response, api_status if channel == "api" else page_status)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("agency", ["customs", "quarantine", "border_guard"])
def test_an_officer_records_the_verdict_of_their_agency(border, agency, channel):
    truck = DeclarationFactory(at_gate=True, perishable=True, with_slot=True)
    record = clearance_api if channel == "api" else clearance_page
    response = record(as_actor(agency), truck, agency, "reject")
    assert response.status_code == (200 if channel == "api" else 302), response.content[:500]
    decision = ClearanceDecision.objects.get()
    assert (decision.agency, decision.verdict, decision.officer) == (agency, "reject",
                                                                    user(DEMO[agency]))
    truck.refresh_from_db()
    assert (truck.state, truck.slot_id) == ("rejected", None)
    assert Slot.objects.get().booked == 0


# ---------------------------------------------------------------- the gate console


def call_api(client):
    return post(client, f"{API}/gates/huu-nghi/call", {"count": 5})


def call_page(client):
    return client.post("/border/gate/", {"gate": "huu-nghi", "count": 5})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "api_status", "page_status"), [
    ("anonymous", 401, 302),
    ("inactive_gate_operator", 401, 302),
    ("owner", 403, 403),
    ("driver", 403, 403),
    ("yard_operator", 403, 403),
    ("customs", 403, 403),
    ("cashier", 403, 403),
    ("leader", 403, 403),
])
def test_only_the_gate_calls_trucks_from_the_yard(border, actor, api_status, page_status,
                                                  channel):
    DeclarationFactory(in_yard=True, perishable=True)
    DeclarationFactory(in_yard=True, with_slot=True)
    before = world()
    client = as_actor(actor)
    response = call_api(client) if channel == "api" else call_page(client)
    assert_refused(response, api_status if channel == "api" else page_status)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("actor", ["gate_operator", "gate_board"])
def test_the_gate_calls_trucks_from_the_yard(border, actor, channel):
    trucks = [DeclarationFactory(in_yard=True, perishable=True),
              DeclarationFactory(in_yard=True, with_slot=True)]
    client = as_actor(actor)
    response = call_api(client) if channel == "api" else call_page(client)
    assert response.status_code == (200 if channel == "api" else 302), response.content[:500]
    called = Declaration.objects.filter(pk__in=[t.pk for t in trucks], state="called")
    assert called.count() == 2
    assert all(t.called_at is not None for t in called)


# ---------------------------------------------------------------- the exception desk


@pytest.fixture
def exception(border, camera_key):
    """A submitted truck whose yard-entry read was too unsure to open the barrier."""
    truck = DeclarationFactory(submitted=True)
    answer = camera_read(Client(), camera_key, YARD_ENTRY, "low-1", truck.plate,
                         confidence=0.3)
    assert answer.json()["reason"] == "low_confidence"
    return PlateEvent.objects.get(pk=answer.json()["id"]), truck


def resolve_api(client, event, truck):
    return post(client, f"{API}/plate-events/{event.pk}/resolve", {"declaration_id": truck.pk})


def resolve_page(client, event, truck):
    return client.post("/border/yard/", {"event": event.pk, "declaration": truck.pk})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "api_status", "page_status"), [
    ("anonymous", 401, 302),
    ("inactive_yard_operator", 401, 302),
    ("owner", 403, 403),
    # The gate operator has a desk (the gate camera's reads), without this yard read on
    # it; the yard console is not theirs.
    ("gate_operator", 404, 403),
    ("gate_board", 403, 403),
    ("customs", 403, 403),
    # Another yard company's operator: the read is not on their desk.
    ("other_yard_operator", 404, 404),
])
def test_only_the_cameras_yard_operator_resolves_its_exceptions(exception, actor, api_status,
                                                                page_status, channel):
    event, truck = exception
    before = world()
    resolve = resolve_api if channel == "api" else resolve_page
    response = resolve(as_actor(actor), event, truck)
    assert_refused(response, api_status if channel == "api" else page_status)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("other", [
    {"gate__code": "tan-thanh"},  # a truck of a gate this yard company does not serve
    {"draft": True},  # a draft: nobody but its enterprise sees it
])
def test_the_yard_operator_cannot_match_a_read_to_a_truck_they_do_not_see(
        exception, channel, other):
    event, _ = exception
    stranger = DeclarationFactory(**other)
    before = world()
    resolve = resolve_api if channel == "api" else resolve_page
    assert_refused(resolve(as_actor("yard_operator"), event, stranger), 404)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
def test_the_yard_operator_resolves_an_exception_of_its_camera(exception, channel):
    event, truck = exception
    resolve = resolve_api if channel == "api" else resolve_page
    response = resolve(as_actor("yard_operator"), event, truck)
    assert response.status_code == (200 if channel == "api" else 302), response.content[:500]
    event.refresh_from_db()
    assert (event.status, event.barrier, event.resolved_by) == ("resolved", "open",
                                                               user("baixe"))
    truck.refresh_from_db()
    assert (truck.state, truck.yard.code) == ("in_yard", "yard-huu-nghi-1")


# ---------------------------------------------------------------- gate notices


def notice_body(truck) -> dict:
    """A one-hour suspension over the truck's booked hour: it would move the booking."""
    start = truck.slot.starts_at
    return {"kind": "suspension", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "reason_vi": "Phía bạn tạm dừng thông quan", "reason_en": "Other side closed"}


def notice_api(client, truck):
    return post(client, f"{API}/gates/huu-nghi/notices", notice_body(truck))


def notice_page(client, truck):
    return client.post("/border/notices/", {"gate": "huu-nghi", "capacity_pct": 0,
                                            **notice_body(truck)})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("actor", "api_status", "page_status"), [
    ("anonymous", 401, 302),
    ("inactive_gate_board", 401, 302),
    ("owner", 403, 403),
    ("gate_operator", 403, 403),  # runs the gate console, but does not announce notices
    ("yard_operator", 403, 403),
    ("customs", 403, 403),
    ("leader", 403, 403),
])
def test_only_the_gate_board_announces_a_notice(border, actor, api_status, page_status,
                                                channel):
    truck = DeclarationFactory(booked=True)
    before = world()
    announce = notice_api if channel == "api" else notice_page
    assert_refused(announce(as_actor(actor), truck), api_status if channel == "api"
                   else page_status)
    assert world() == before


@pytest.mark.parametrize("channel", ["api", "page"])
def test_the_gate_board_announces_a_notice_and_the_booking_moves(border, channel):
    truck = DeclarationFactory(booked=True)
    old_slot = truck.slot
    announce = notice_api if channel == "api" else notice_page
    response = announce(as_actor("gate_board"), truck)
    assert response.status_code == (201 if channel == "api" else 302), response.content[:500]
    notice = GateNotice.objects.get()
    assert (notice.kind, notice.created_by) == ("suspension", user("bql"))
    truck.refresh_from_db()
    old_slot.refresh_from_db()
    assert truck.state == "booked" and truck.slot != old_slot
    assert (old_slot.booked, old_slot.capacity, truck.slot.booked) == (0, 0, 1)


# ---------------------------------------------------------------- plate cameras


def key_of(organization: str, scopes=("camera",)) -> str:
    _, key = create_api_key(actor=None, organization=Organization.objects.get(
        code=organization), name="cameras", scopes=list(scopes))
    return key


def revoked_key() -> str:
    api_key, key = create_api_key(actor=None, organization=Organization.objects.get(
        code="bai-xe-huu-nghi"), name="old cameras", scopes=["camera"])
    revoke_api_key(actor=None, api_key=api_key)
    return key


def key_of_deactivated_yard_company() -> str:
    key = key_of("bai-xe-huu-nghi")
    Organization.objects.filter(code="bai-xe-huu-nghi").update(is_active=False)
    return key


CAMERA_REFUSALS = {
    # name: (camera, key maker, status)
    "no key": (YARD_ENTRY, lambda: None, 401),
    "malformed key": (YARD_ENTRY, lambda: "ts_bad_key", 401),
    "key without the camera scope": (
        YARD_ENTRY, lambda: key_of("bai-xe-huu-nghi", ["border:read", "border:write"]), 401),
    "revoked key": (YARD_ENTRY, revoked_key, 401),
    "key of a deactivated yard company": (YARD_ENTRY, key_of_deactivated_yard_company, 401),
    "gate board's key at a yard camera": (YARD_ENTRY, lambda: key_of("bql-cua-khau"), 403),
    "other yard company's key": (YARD_ENTRY, lambda: key_of("bai-xe-tan-thanh"), 403),
    "yard's key at the gate camera": ("cam-huu-nghi-gate", lambda: key_of("bai-xe-huu-nghi"),
                                      403),
}


@pytest.mark.parametrize("case", list(CAMERA_REFUSALS))
def test_only_the_cameras_operator_posts_its_plate_events(border, case):
    camera, make_key, status = CAMERA_REFUSALS[case]
    truck = DeclarationFactory(cleared=True, plate="12C-246.80") if "gate" in camera else (
        DeclarationFactory(booked=True, plate="12C-246.80"))
    key = make_key()
    before = world()
    headers = {"HTTP_X_API_KEY": key} if key else {}
    response = post(Client(), f"{API}/plate-events", {
        "event_id": "e-1", "camera_id": camera, "plate": truck.plate, "confidence": 0.99,
        "captured_at": timezone.now().isoformat()}, **headers)
    assert_refused(response, status)
    assert world() == before


def test_a_logged_in_session_is_no_camera_key(border):
    truck = DeclarationFactory(booked=True)
    before = world()
    response = post(as_actor("yard_operator"), f"{API}/plate-events", {
        "event_id": "s-1", "camera_id": YARD_ENTRY, "plate": truck.plate, "confidence": 0.99,
        "captured_at": timezone.now().isoformat()})
    assert_refused(response, 401)
    assert world() == before


def test_the_cameras_operator_posts_its_plate_events(border, camera_key):
    truck = DeclarationFactory(booked=True)
    response = camera_read(Client(), camera_key, YARD_ENTRY, "ok-1", truck.plate)
    assert response.status_code == 201
    truck.refresh_from_db()
    assert (truck.state, response.json()["barrier"]) == ("in_yard", "open")
    entry = AuditEntry.objects.get(action="declaration.in_yard")
    assert entry.organization.code == "bai-xe-huu-nghi"


# ---------------------------------------------------------------- row-level reads


@pytest.mark.parametrize(("actor", "trait", "visible"), [
    ("owner", "draft", True),
    ("other_enterprise", "submitted", False),
    ("driver", "submitted", False),
    ("other_yard_operator", "in_yard", False),
    ("yard_operator", "submitted", True),
    ("yard_operator", "draft", False),
    ("customs", "submitted", True),
    ("customs", "draft", False),
    ("gate_operator", "draft", False),
    ("cashier", "crossed", True),
])
def test_a_declaration_is_read_only_by_those_who_work_on_it(border, actor, trait, visible):
    truck = DeclarationFactory(**{trait: True})
    client = as_actor(actor)
    expected = 200 if visible else 404
    assert client.get(f"{API}/declarations/{truck.pk}").status_code == expected
    assert client.get(f"/border/declarations/{truck.pk}/").status_code == expected
    listed = [d["id"] for d in client.get(f"{API}/declarations").json()["items"]]
    assert (truck.pk in listed) is visible


def test_another_enterprises_declaration_is_not_on_its_pages(border):
    truck = DeclarationFactory(booked=True, plate="12C-135.79")
    intruder = as_actor("other_enterprise")
    assert intruder.get(f"/border/declarations/{truck.pk}/edit/").status_code == 404
    assert "12C-135.79" not in intruder.get("/border/enterprise/").content.decode()
    assert "12C-135.79" in as_actor("owner").get("/border/enterprise/").content.decode()


def test_officers_cannot_open_the_correction_form(border):
    truck = DeclarationFactory(submitted=True)
    assert as_actor("customs").get(f"/border/declarations/{truck.pk}/edit/").status_code == 403
    assert as_actor("customs").get("/border/enterprise/").status_code == 403


# Distinct values, so that a page showing them can be told from one that does not.
PRIVATE = {"driver_name": "Vi Văn Khoa", "driver_phone": "0987654321", "weight_kg": 23456,
           "goods_description": "Sầu riêng Ri6", "trailer_plate": "12R-864.20"}
# As the pages print them (a weight with its thousands grouped).
PRINTED = {**{f: str(v) for f, v in PRIVATE.items()}, "weight_kg": "23.456"}


@pytest.mark.parametrize(("actor", "hidden"), [
    ("customs", {"driver_name", "driver_phone", "trailer_plate"}),
    ("quarantine", {"driver_name", "driver_phone", "trailer_plate"}),
    ("border_guard", {"driver_phone", "weight_kg", "goods_description"}),
])
def test_an_agency_sees_only_its_steps_fields_in_the_list_and_in_answers_to_its_writes(
        border, actor, hidden):
    truck = DeclarationFactory(at_gate=True, perishable=True, **PRIVATE)
    client = as_actor(actor)
    listing = client.get(f"{API}/declarations").json()["items"]
    [listed] = [d for d in listing if d["id"] == truck.pk]
    answer = clearance_api(client, truck, actor, "pass")
    assert answer.status_code == 200
    for shown in (listed, answer.json()):
        assert {f for f in PRIVATE if shown[f] is None} == hidden


@pytest.mark.parametrize(("actor", "shown"), [
    ("customs", {"weight_kg", "goods_description"}),
    ("quarantine", {"weight_kg", "goods_description"}),
    ("border_guard", {"driver_name", "trailer_plate"}),
])
def test_the_agency_console_shows_only_its_steps_fields(border, actor, shown):
    DeclarationFactory(at_gate=True, perishable=True, **PRIVATE)
    page = as_actor(actor).get(f"/border/clearance/?agency={actor}").content.decode()
    assert {f for f in PRIVATE if PRINTED[f] in page} == shown


@pytest.mark.parametrize(("actor", "hidden"), [
    ("customs", {"driver_name", "driver_phone"}),
    ("border_guard", {"driver_phone", "weight_kg"}),
])
def test_the_declaration_page_shows_an_agency_only_its_steps_fields(border, actor, hidden):
    truck = DeclarationFactory(at_gate=True, perishable=True, **PRIVATE)
    page = as_actor(actor).get(f"/border/declarations/{truck.pk}/").content.decode()
    assert truck.plate in page
    assert not [field for field in hidden if PRINTED[field] in page]
    assert not [field for field in hidden if str(PRIVATE[field]) in page]


def test_staff_of_a_deactivated_enterprise_cannot_declare(border):
    Organization.objects.filter(code=OWNER).update(is_active=False)
    before = world()
    assert_refused(create_api(as_actor("owner")), 403)
    assert world() == before


def test_a_forged_enterprise_id_on_the_declaration_form_is_404(border):
    client = as_actor("owner")
    client.raise_request_exception = False
    response = client.post("/border/enterprise/", declaration_data(enterprise="abc"))
    assert response.status_code == 404
    assert Declaration.objects.count() == 0


def test_an_unknown_enterprise_id_on_the_declaration_form_is_refused(border):
    response = as_actor("owner").post("/border/enterprise/",
                                      declaration_data(enterprise=999999))
    assert response.status_code == 403
    assert Declaration.objects.count() == 0
