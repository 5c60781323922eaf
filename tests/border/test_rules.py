"""Booking, permissions, bad input, idempotency and the exception desk."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import all_at_once, declaration_data, declare, user
from tests.border.test_end_to_end import camera_read, logged_in, post
from tests.factories import DeclarationFactory
from tinhso.border import services
from tinhso.border.models import Declaration, PlateEvent, Slot
from tinhso.border.selectors import hour_of
from tinhso.core.models import AuditEntry


def next_hour():
    return hour_of(timezone.now() + timedelta(hours=5))


def test_bad_input_names_every_field_in_both_languages_and_stores_nothing(border):
    client = logged_in("doanhnghiep")
    body = declaration_data(plate="ABC", driver_phone="12345", weight_kg=0, goods="gold",
                            driver_id_number="999")
    for lang, phrase in (("vi", "Biển số"), ("en", "plate")):
        response = post(client, "/api/v1/border/declarations", body, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 422
        errors = {e["field"]: e for e in response.json()["detail"]}
        assert set(errors) == {"plate", "driver_phone", "weight_kg", "goods", "driver_id_number"}
        assert all(e["message_vi"] and e["message_en"] for e in errors.values())
        assert phrase.lower() in errors["plate"]["message"].lower()
    assert Declaration.objects.count() == 0


def test_web_form_shows_field_errors_and_keeps_what_was_typed(border):
    client = logged_in("doanhnghiep")
    response = client.post("/border/enterprise/", declaration_data(plate="??", weight_kg="nặng"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Phải là một số nguyên" in page and 'value="Hoàng Văn Tài"' in page
    assert Declaration.objects.count() == 0


def test_web_form_names_an_impossible_arrival_date_instead_of_failing(border):
    response = logged_in("doanhnghiep").post(
        "/border/enterprise/", declaration_data(expected_arrival="2026-13-01T08:00"))
    assert response.status_code == 422
    assert "Thời điểm không hợp lệ" in response.content.decode()
    assert Declaration.objects.count() == 0


def test_booking_a_full_slot_offers_the_nearest_free_ones(border, enterprise_user):
    hour = next_hour()
    Slot.objects.create(gate=border, direction="export", starts_at=hour, capacity=1, booked=1)
    declaration = declare(enterprise_user, goods="manufactured")
    with pytest.raises(services.SlotFull) as full:
        services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=hour)
    offered = [a.starts_at for a in full.value.alternatives]
    assert hour not in offered
    assert offered[:2] == [hour - timedelta(hours=1), hour + timedelta(hours=1)]
    declaration.refresh_from_db()
    assert declaration.state == "submitted" and declaration.slot is None


def test_perishable_share_is_kept_for_fresh_produce(border, enterprise_user):
    hour = next_hour()
    Slot.objects.create(gate=border, direction="export", starts_at=hour, capacity=3,
                        perishable_reserved=1)
    for n in range(2):
        services.book_slot(actor=enterprise_user, starts_at=hour, declaration=declare(
            enterprise_user, goods="machinery", plate=f"12C-111.0{n}"))
    with pytest.raises(services.SlotFull):
        services.book_slot(actor=enterprise_user, starts_at=hour, declaration=declare(
            enterprise_user, goods="machinery", plate="12C-111.09"))
    services.book_slot(actor=enterprise_user, starts_at=hour, declaration=declare(
        enterprise_user, goods="fresh-fruit", plate="12C-222.01"))
    slot = Slot.objects.get(starts_at=hour)
    assert (slot.booked, slot.booked_perishable) == (3, 1)


def test_cancelling_gives_the_place_back(border, enterprise_user):
    declaration = declare(enterprise_user)
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=next_hour())
    services.cancel_declaration(actor=enterprise_user, declaration=declaration)
    assert Slot.objects.get().booked == 0
    assert Declaration.objects.get().state == "cancelled"
    assert Declaration.objects.get().slot_id is None


def test_correcting_the_gate_releases_the_booking(border, enterprise_user):
    declaration = declare(enterprise_user)
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=next_hour())
    services.update_declaration(actor=enterprise_user, declaration=declaration,
                                data=declaration_data(
                                    gate="tan-thanh",
                                    expected_arrival=declaration.expected_arrival.isoformat()))
    declaration.refresh_from_db()
    assert declaration.state == "submitted" and declaration.gate.code == "tan-thanh"
    assert declaration.slot_id is None
    assert Slot.objects.get().booked == 0
    change = AuditEntry.objects.get(action="declaration.update")
    assert change.before == {"gate_id": border.id} and "gate_id" in change.after


def slot_counts_what_holds_it(slot: Slot) -> bool:
    holding = Declaration.objects.filter(slot=slot)
    slot.refresh_from_db()
    return (slot.booked, slot.booked_perishable) == (
        holding.count(), holding.filter(goods__perishable=True).count())


def test_correcting_the_goods_of_a_booked_truck_keeps_its_slot_counted_right(border):
    truck = DeclarationFactory(booked=True)
    slot = truck.slot
    client = logged_in("doanhnghiep")
    url = f"/api/v1/border/declarations/{truck.pk}"
    corrected = client.put(url, json.dumps(declaration_data(
        goods="fresh-fruit", expected_arrival=truck.expected_arrival.isoformat())),
        content_type="application/json")
    assert corrected.status_code == 200
    assert slot_counts_what_holds_it(slot)
    assert post(client, f"{url}/cancel", {}).status_code == 200
    assert slot_counts_what_holds_it(slot)


def test_correcting_goods_and_gate_gives_the_place_back_as_it_was_taken(border):
    truck = DeclarationFactory(booked=True, perishable=True)
    response = logged_in("doanhnghiep").put(
        f"/api/v1/border/declarations/{truck.pk}", json.dumps(declaration_data(
            goods="machinery", gate="tan-thanh",
            expected_arrival=truck.expected_arrival.isoformat())),
        content_type="application/json")
    assert response.status_code == 200
    assert slot_counts_what_holds_it(truck.slot)


def test_no_correction_once_called(border, enterprise_user, camera_key):
    declaration = declare(enterprise_user)
    camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "x1", declaration.plate)
    services.call_next(actor=user("cuakhau"), gate=border, count=1)
    response = post(logged_in("doanhnghiep"), f"/api/v1/border/declarations/{declaration.pk}/cancel",
                    {})
    assert response.status_code == 409
    assert Declaration.objects.get(pk=declaration.pk).state == "called"


def test_quarantine_is_only_for_goods_that_need_it(border, enterprise_user):
    declaration = declare(enterprise_user, goods="machinery")
    response = post(logged_in("kiemdich"), f"/api/v1/border/declarations/{declaration.pk}/clearance",
                    {"agency": "quarantine", "verdict": "pass"})
    assert response.status_code == 409
    assert not declaration.clearances.exists()


def test_plate_event_retry_returns_the_same_answer_and_records_nothing_new(
        border, enterprise_user, camera_key):
    declare(enterprise_user)
    client = Client()
    first = camera_read(client, camera_key, "cam-yard-huu-nghi-1-in", "r-1", "12C-123.45")
    retry = camera_read(client, camera_key, "cam-yard-huu-nghi-1-in", "r-1", "12C-123.45")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json() == retry.json()
    assert PlateEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="declaration.in_yard").count() == 1


def test_unmatched_read_lands_on_the_exception_desk_and_the_operator_resolves_it(
        border, enterprise_user, camera_key):
    declaration = declare(enterprise_user)
    answer = camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "u1", "29A-888.88")
    assert answer.json()["barrier"] == "hold" and answer.json()["reason"] == "unmatched"
    low = camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "u2", "12C-123.45",
                      confidence=0.3)
    assert low.json()["reason"] == "low_confidence"

    operator = logged_in("baixe")
    desk = operator.get("/api/v1/border/exceptions").json()["items"]
    assert [e["event_id"] for e in desk] == ["u1", "u2"]
    # Another yard company's operator does not see this desk.
    assert logged_in("doanhnghiep").get("/api/v1/border/exceptions").status_code == 403

    resolved = post(operator, f"/api/v1/border/plate-events/{desk[0]['id']}/resolve",
                    {"declaration_id": declaration.pk})
    assert resolved.json()["barrier"] == "open" and resolved.json()["state"] == "in_yard"
    dismissed = post(operator, f"/api/v1/border/plate-events/{desk[1]['id']}/resolve",
                     {"declaration_id": None})
    assert dismissed.json()["status"] == "dismissed"
    assert operator.get("/api/v1/border/exceptions").json()["items"] == []
    again = post(operator, f"/api/v1/border/plate-events/{desk[0]['id']}/resolve",
                 {"declaration_id": declaration.pk})
    assert again.status_code == 404


def test_late_truck_loses_booking_priority_and_queues_behind(border, enterprise_user,
                                                             yard_key, clock):
    on_time = declare(enterprise_user, plate="12C-100.01", goods="machinery")
    late = declare(enterprise_user, plate="12C-100.02", goods="machinery")
    early_slot = hour_of(timezone.now())
    for d, hour in ((late, early_slot), (on_time, early_slot + timedelta(hours=5))):
        Slot.objects.create(gate=border, direction="export", starts_at=hour, capacity=5)
        services.book_slot(actor=enterprise_user, declaration=d, starts_at=hour)
    clock.shift(timedelta(hours=5))
    now = timezone.now()
    for n, d in enumerate((late, on_time)):
        services.ingest_plate_event(api_key=yard_key, camera_code="cam-yard-huu-nghi-1-in",
                                    event_id=f"l{n}", plate=d.plate, confidence=0.99,
                                    captured_at=now)
    from tinhso.border.selectors import yard_queue

    assert [e.key for e in yard_queue(border)] == [on_time.pk, late.pk]
    assert Declaration.objects.get(pk=late.pk).lost_booking_priority


def test_no_show_frees_the_slot(border, enterprise_user, clock):
    declaration = declare(enterprise_user)
    hour = hour_of(timezone.now())
    Slot.objects.create(gate=border, direction="export", starts_at=hour, capacity=2)
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=hour)
    assert services.mark_no_shows() == []
    clock.shift(timedelta(hours=4))
    assert services.mark_no_shows() == [declaration.pk]
    assert Declaration.objects.get().state == "no_show"
    assert Declaration.objects.get().slot_id is None
    assert Slot.objects.get().booked == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_overbook_a_slot(border):
    staff = user("doanhnghiep")
    hour = next_hour()
    Slot.objects.create(gate=border, direction="export", starts_at=hour, capacity=5,
                        perishable_reserved=0)
    trucks = [declare(staff, plate=f"12C-{500 + n:03d}.{n % 100:02d}", goods="machinery")
              for n in range(24)]

    def book(declaration):
        try:
            services.book_slot(actor=staff, declaration=declaration, starts_at=hour)
        except services.SlotFull:
            return "full"
        return "booked"

    outcomes = all_at_once(book, trucks)
    slot = Slot.objects.get(starts_at=hour)
    assert outcomes.count("booked") == 5 and outcomes.count("full") == 19
    assert slot.booked == 5
    assert Declaration.objects.filter(state="booked", slot=slot).count() == 5


@pytest.mark.postgres
def test_the_database_itself_refuses_an_overbooked_slot(border):
    from django.db import IntegrityError, transaction

    slot = Slot.objects.create(gate=border, direction="export", starts_at=next_hour(),
                               capacity=2, booked=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)


@pytest.mark.parametrize(("who", "url", "data"), [
    ("haiquan", "/border/clearance/?agency=nonsense", None),
    ("haiquan", "/border/clearance/", {"agency": "customs", "declaration": "x", "verdict": "pass"}),
    ("baixe", "/border/yard/", {"event": "abc", "declaration": ""}),
])
def test_forged_form_values_are_404_not_500(border, who, url, data):
    client = logged_in(who)
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "visible", "hidden"), [
    ("doanhnghiep", {"weight_kg", "driver_name", "goods_description"}, set()),
    ("haiquan", {"weight_kg", "goods_description", "containers"},
     {"driver_name", "driver_phone", "trailer_plate"}),
    ("kiemdich", {"weight_kg", "goods_description"}, {"driver_name", "containers"}),
    ("bienphong", {"driver_name", "trailer_plate"}, {"weight_kg", "goods_description"}),
])
def test_each_agency_sees_only_what_its_step_needs(border, enterprise_user, who, visible,
                                                   hidden):
    declaration = declare(enterprise_user)
    shown = logged_in(who).get(f"/api/v1/border/declarations/{declaration.pk}").json()
    assert all(shown[f] is not None for f in visible)
    assert all(shown[f] is None for f in hidden)
    assert shown["plate"] == "12C-123.45"


def test_a_rejected_truck_gives_its_booked_place_back(border, enterprise_user):
    declaration = declare(enterprise_user)
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=next_hour())
    services.record_clearance(actor=user("haiquan"), declaration=declaration,
                              agency="customs", verdict="reject", note="Sai mã HS")
    rejected = Declaration.objects.get()
    assert (rejected.state, rejected.slot_id) == ("rejected", None)
    assert Slot.objects.get().booked == 0
