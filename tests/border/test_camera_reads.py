"""The camera read's fast path: what it reads before the write transaction may be stale,
and it must never act on a stale copy; a full yard holds trucks, even under concurrency."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.border.conftest import all_at_once, declaration_data, declare, user
from tests.border.test_end_to_end import camera_read, post
from tinhso.border import selectors, services
from tinhso.border.models import Camera, Declaration, Yard
from tinhso.core import rows
from tinhso.core.models import AuditEntry

YARD_ENTRY = "cam-yard-huu-nghi-1-in"


def read(api_key, event_id, plate, confidence=0.97, captured_at=None):
    return services.ingest_plate_event(
        api_key=api_key, camera_code=YARD_ENTRY, event_id=event_id, plate=plate,
        confidence=confidence, captured_at=captured_at or timezone.now()).event


def test_a_truck_changed_after_the_match_is_read_again_before_it_moves(
        border, enterprise_user, yard_key, monkeypatch):
    truck = declare(enterprise_user)
    matched = selectors.active_trucks_at

    def match_then_cancel(gate, *, key):
        found = matched(gate, key=key)
        services.cancel_declaration(actor=enterprise_user, declaration=truck)
        return found

    monkeypatch.setattr(selectors, "active_trucks_at", match_then_cancel)
    event = read(yard_key, "s1", truck.plate)
    assert (event.barrier, event.reason) == ("hold", "state_cancelled")
    assert Declaration.objects.get(pk=truck.pk).state == "cancelled"
    assert not AuditEntry.objects.filter(action="declaration.in_yard").exists()


def test_an_undeclared_vehicle_one_digit_off_does_not_open_for_the_declared_truck(
        border, enterprise_user, yard_key):
    truck = declare(enterprise_user, plate="12C-123.41")
    event = read(yard_key, "n1", "12C-123.42")  # another vehicle, not declared
    assert (event.barrier, event.status, event.reason) == ("hold", "exception", "near_match")
    # The declared truck is the operator's candidate, with its score.
    assert (event.declaration_id, event.match_score) == (truck.pk, 87.5)
    assert Declaration.objects.get(pk=truck.pk).state == "submitted"
    assert not AuditEntry.objects.filter(action="declaration.in_yard").exists()


@pytest.mark.parametrize(("captured_at", "reason"), [
    ("2027-06-30T23:59:00+07:00", "clock_ahead"),  # a camera clock months ahead
    ("2026-12-02T10:00:00+07:00", "clock_ahead"),  # half an hour ahead of the server
    ("2026-12-02T08:30:00+07:00", "stale"),  # an hour old: a buffered read, or a replay
])
def test_a_read_not_dated_now_is_recorded_for_the_desk_and_moves_nobody(
        border, enterprise_user, camera_key, captured_at, reason):
    truck = declare(enterprise_user)
    answer = post(Client(), "/api/v1/border/plate-events", {
        "event_id": "t1", "camera_id": YARD_ENTRY, "plate": truck.plate, "confidence": 0.97,
        "captured_at": captured_at}, HTTP_X_API_KEY=camera_key)
    assert answer.status_code == 201
    body = answer.json()
    assert (body["barrier"], body["status"], body["reason"], body["declaration_id"]) \
        == ("hold", "exception", reason, truck.pk)
    fresh = Declaration.objects.get(pk=truck.pk)
    assert (fresh.state, fresh.checked_in_at) == ("submitted", None)


def test_the_desk_checks_in_a_read_from_the_future_at_the_present(border, enterprise_user,
                                                                  yard_key):
    truck = declare(enterprise_user)
    future = timezone.now().replace(year=2030)
    event = read(yard_key, "y1", truck.plate, captured_at=future)
    assert event.reason == "clock_ahead"
    services.resolve_plate_event(actor=user("baixe"), event=event, declaration=truck)
    fresh = Declaration.objects.get(pk=truck.pk)
    assert fresh.state == "in_yard"
    assert fresh.checked_in_at <= timezone.now()


def test_a_plate_corrected_after_an_exact_match_is_read_again_before_the_truck_moves(
        border, enterprise_user, yard_key, monkeypatch):
    truck = declare(enterprise_user, plate="14C-777.88")
    matched = selectors.active_trucks_at

    def match_then_correct(gate, *, key):
        found = matched(gate, key=key)
        services.update_declaration(actor=enterprise_user, declaration=truck,
                                    data=declaration_data(plate="98C-111.22"))
        return found

    monkeypatch.setattr(selectors, "active_trucks_at", match_then_correct)
    event = read(yard_key, "pc1", "14C-777.88")  # the old plate, read exactly
    assert (event.declaration_id, event.barrier, event.reason) == (None, "hold", "unmatched")
    assert Declaration.objects.get(pk=truck.pk).state == "submitted"


def test_a_full_yard_holds_the_truck_and_says_why(border, enterprise_user, yard_key):
    first = declare(enterprise_user, plate="12C-100.01")
    second = declare(enterprise_user, plate="12C-100.02")
    yard = Camera.objects.get(code=YARD_ENTRY).yard
    # One place left; the camera cache still holds the old capacity, the check reads the row.
    Yard.objects.filter(pk=yard.pk).update(capacity=selectors.yard_occupancy(yard) + 1)
    assert read(yard_key, "f1", first.plate).barrier == "open"
    event = read(yard_key, "f2", second.plate)
    assert (event.barrier, event.reason) == ("hold", "yard_full")
    assert Declaration.objects.get(pk=second.pk).state == "submitted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_never_overfill_a_yard(border, enterprise_user, yard_key):
    trucks = [declare(enterprise_user, plate=f"12C-{300 + n}.{n:02d}") for n in range(8)]
    yard = Camera.objects.get(code=YARD_ENTRY).yard
    Yard.objects.filter(pk=yard.pk).update(capacity=selectors.yard_occupancy(yard) + 3)
    answers = all_at_once(lambda truck: read(yard_key, f"c{truck.pk}", truck.plate).reason or "open",
                          trucks)
    assert sorted(answers) == ["open"] * 3 + ["yard_full"] * 5
    assert Declaration.objects.filter(pk__in=[t.pk for t in trucks], state="in_yard").count() == 3


def test_a_misread_plate_proposes_trucks_declared_since_the_index_was_loaded_once_it_expires(
        border, enterprise_user, camera_key, monkeypatch):
    monkeypatch.setattr(selectors, "PLATE_INDEX_SECONDS", 3600)
    declare(enterprise_user, plate="12C-100.01")
    assert camera_read(Client(), camera_key, YARD_ENTRY, "i1", "29A-000.00").json()["reason"] \
        == "unmatched"  # a misread: loads the gate's plate index
    late = declare(enterprise_user, plate="14C-777.88")
    # An exact read (the plate key folds separators) never needs the index.
    assert camera_read(Client(), camera_key, YARD_ENTRY, "i2", "12C-10001").json()["barrier"] \
        == "open"
    # Within the index's lifetime, the misread of a truck declared since has no proposal.
    assert camera_read(Client(), camera_key, YARD_ENTRY, "i3", "14C-777.8").json()["reason"] \
        == "unmatched"
    monkeypatch.setattr(selectors, "PLATE_INDEX_SECONDS", 0)
    cache.delete(selectors.plate_index_key(border.pk))  # as if it expired
    answer = camera_read(Client(), camera_key, YARD_ENTRY, "i4", "14C-777.8").json()
    # A missing character: a close plate, proposed at the desk, never opened for.
    assert (answer["barrier"], answer["status"], answer["reason"], answer["declaration_id"]) \
        == ("hold", "exception", "near_match", late.pk)
    assert Declaration.objects.get(pk=late.pk).state == "submitted"


def test_a_stale_plate_index_never_moves_a_truck_that_left(border, enterprise_user, yard_key,
                                                           monkeypatch):
    monkeypatch.setattr(selectors, "PLATE_INDEX_SECONDS", 3600)
    gone = declare(enterprise_user, plate="14C-777.88")
    removed = declare(enterprise_user, plate="15C-555.66")
    read(yard_key, "g1", "29A-000.00")  # a misread: loads the gate's plate index
    services.cancel_declaration(actor=enterprise_user, declaration=gone)
    event = read(yard_key, "g2", "14C-777.8")  # close to the cancelled truck's plate only
    assert (event.declaration_id, event.status, event.reason) == (None, "exception", "unmatched")
    Declaration.objects.filter(pk=removed.pk).delete()  # an admin removes it
    event = read(yard_key, "g3", "15C-555.6")
    assert (event.declaration_id, event.status, event.reason) == (None, "exception", "unmatched")


def test_a_stale_plate_index_never_checks_in_a_truck_whose_plate_was_corrected(
        border, enterprise_user, yard_key, monkeypatch):
    monkeypatch.setattr(selectors, "PLATE_INDEX_SECONDS", 3600)
    truck = declare(enterprise_user, plate="14C-777.88")
    read(yard_key, "p1", "29A-000.00")  # a misread: loads the gate's plate index
    services.update_declaration(actor=enterprise_user, declaration=truck,
                                data=declaration_data(plate="98C-111.22"))
    event = read(yard_key, "p2", "14C-777.8")  # the old plate, misread
    assert (event.declaration_id, event.barrier, event.reason) == (None, "hold", "unmatched")
    assert Declaration.objects.get(pk=truck.pk).state == "submitted"


def test_rows_read_exactly_what_the_orm_does(border, enterprise_user):
    truck = declare(enterprise_user)
    (loaded,) = rows.select(Declaration, "id = %s", [truck.pk])
    orm = Declaration.objects.get(pk=truck.pk)
    fields = [f.attname for f in Declaration._meta.concrete_fields]
    assert [getattr(loaded, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert timezone.is_aware(loaded.created_at)
    assert not loaded._state.adding
    assert rows.select(Declaration, "id = %s", [10**9]) == []


def test_e_ticket_positions_follow_the_call_order_and_move_up_when_trucks_are_called(
        border, enterprise_user, yard_key):
    trucks = [declare(enterprise_user, plate=f"12C-{400 + n}.{n:02d}", goods="machinery")
              for n in range(3)]
    for n, truck in enumerate(trucks):
        read(yard_key, f"q{n}", truck.plate)
    fresh = [Declaration.objects.get(pk=t.pk) for t in trucks]
    assert [selectors.queue_position(t) for t in fresh] == [1, 2, 3]
    late = declare(enterprise_user, plate="12C-499.99", goods="machinery")
    read(yard_key, "q9", late.plate)  # not in the cached order yet: it is ordered afresh
    assert selectors.queue_position(Declaration.objects.get(pk=late.pk)) == 4

    services.call_next(actor=user("cuakhau"), gate=border, count=1)
    assert selectors.queue_position(Declaration.objects.get(pk=trucks[0].pk)) is None
    assert [selectors.queue_position(Declaration.objects.get(pk=t.pk))
            for t in (*trucks[1:], late)] == [1, 2, 3]


def test_two_trucks_a_camera_cannot_tell_apart_are_ambiguous(border, enterprise_user,
                                                             yard_key):
    # B and 8 are one OCR confusion class: a read of either plate may be the other truck.
    first = declare(enterprise_user, plate="桂AB1234")
    second = declare(enterprise_user, plate="桂A81234")
    event = read(yard_key, "cn1", "桂A81234")
    assert (event.barrier, event.status, event.reason) == ("hold", "exception", "ambiguous")
    assert set(Declaration.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("state", flat=True)) == {"submitted"}
