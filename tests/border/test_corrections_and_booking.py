"""Corrections, bookings and verdicts that a real gate got wrong (each test failed before
its fix): a phone-number correction lost the booking, a past hour could be booked, a truck
in the yard could change gate, and a bad verdict blamed the agency."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declaration_data, declare, user
from tests.border.test_end_to_end import camera_read
from tinhso.border import services
from tinhso.border.models import ClearanceDecision, Declaration, Slot
from tinhso.border.selectors import hour_of
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry


def booked_truck(owner, *, hours_ahead: int = 5):
    """A truck declared to arrive in 3 hours and booked `hours_ahead` hours from now."""
    truck = declare(owner)
    hour = hour_of(timezone.now() + timedelta(hours=hours_ahead))
    return services.book_slot(actor=owner, declaration=truck, starts_at=hour)


def correction(truck, **changes):
    return declaration_data(expected_arrival=truck.expected_arrival.isoformat(),
                            **changes)


def test_correcting_only_the_drivers_phone_keeps_the_booking(border, enterprise_user):
    truck = booked_truck(enterprise_user)  # arrival hour and slot hour differ
    slot = truck.slot

    services.update_declaration(actor=enterprise_user, declaration=truck,
                                data=correction(truck, driver_phone="0987 654 321"))

    truck.refresh_from_db()
    assert (truck.state, truck.slot_id, truck.driver_phone) == ("booked", slot.pk,
                                                                "0987654321")
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_moving_the_arrival_to_another_hour_releases_the_booking(border, enterprise_user):
    truck = booked_truck(enterprise_user)
    later = truck.expected_arrival + timedelta(hours=4)

    services.update_declaration(actor=enterprise_user, declaration=truck,
                                data=declaration_data(expected_arrival=later.isoformat()))

    truck.refresh_from_db()
    assert (truck.state, truck.slot_id) == ("submitted", None)
    assert Slot.objects.get().booked == 0


def test_an_hour_that_has_passed_cannot_be_booked(border, enterprise_user):
    truck = declare(enterprise_user)
    past = hour_of(timezone.now() - timedelta(hours=2))

    with pytest.raises(DomainError) as refused:
        services.book_slot(actor=enterprise_user, declaration=truck, starts_at=past)

    assert (refused.value.code, refused.value.field) == ("border.slot_past", "starts_at")
    assert "đã qua" in refused.value.message_vi and "passed" in refused.value.message_en
    truck.refresh_from_db()
    assert (truck.state, truck.slot_id) == ("submitted", None)
    assert not Slot.objects.exists()


def test_the_current_hour_can_still_be_booked(border, enterprise_user):
    truck = declare(enterprise_user)
    now_hour = hour_of(timezone.now())

    booked = services.book_slot(actor=enterprise_user, declaration=truck, starts_at=now_hour)

    assert booked.slot.starts_at == now_hour


def test_booking_page_refuses_a_past_hour_with_a_named_field(border, enterprise_user):
    truck = declare(enterprise_user)
    client = Client()
    client.force_login(enterprise_user)
    past = timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:00")

    response = client.post(f"/api/v1/border/declarations/{truck.pk}/booking",
                           {"starts_at": past}, content_type="application/json")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["starts_at"]
    assert Declaration.objects.get(pk=truck.pk).state == "submitted"


@pytest.mark.parametrize(("field", "value"), [
    ("gate", "tan-thanh"), ("direction", "import"), ("plate", "12C-999.99")])
def test_a_truck_in_the_yard_keeps_its_gate_direction_and_plate(
        border, enterprise_user, camera_key, field, value):
    truck = declare(enterprise_user)
    camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "in-1", truck.plate)
    truck.refresh_from_db()
    assert truck.state == "in_yard"
    updates_before = AuditEntry.objects.filter(action="declaration.update").count()

    with pytest.raises(InvalidInput) as refused:
        services.update_declaration(actor=enterprise_user, declaration=truck,
                                    data=correction(truck, **{field: value}))

    assert [e.field for e in refused.value.errors] == [field]
    after = Declaration.objects.get(pk=truck.pk)
    assert (after.state, after.gate.code, after.direction, after.plate) == (
        "in_yard", "huu-nghi", "export", "12C-123.45")
    assert AuditEntry.objects.filter(action="declaration.update").count() == updates_before


def test_a_truck_in_the_yard_may_still_correct_its_other_fields(
        border, enterprise_user, camera_key):
    truck = declare(enterprise_user)
    camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "in-1", truck.plate)
    truck.refresh_from_db()

    services.update_declaration(actor=enterprise_user, declaration=truck,
                                data=correction(truck, driver_phone="0987 654 321",
                                                weight_kg=27500))

    after = Declaration.objects.get(pk=truck.pk)
    assert (after.state, after.driver_phone, after.weight_kg) == ("in_yard", "0987654321",
                                                                  27500)


def test_an_invalid_verdict_is_named_as_such(border, enterprise_user):
    truck = declare(enterprise_user)

    with pytest.raises(DomainError) as refused:
        services.record_clearance(actor=user("haiquan"), declaration=truck,
                                  agency="customs", verdict="maybe")

    assert (refused.value.code, refused.value.field) == ("border.verdict", "verdict")
    assert "maybe" in refused.value.message_en and "maybe" in refused.value.message_vi
    assert "need" not in refused.value.message_en
    assert not ClearanceDecision.objects.exists()


def test_the_correction_page_of_a_truck_in_the_yard_locks_its_route(
        border, enterprise_user, camera_key):
    truck = declare(enterprise_user)
    camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "in-1", truck.plate)
    client = Client()
    client.force_login(enterprise_user)

    page = client.get(f"/border/declarations/{truck.pk}/edit/").content.decode()

    assert "Xe đã vào bãi" in page
    assert 'id="f-plate" name="plate"' in page and "readonly" in page
    # The disabled selects send nothing; hidden fields carry the unchanged values.
    assert '<input type="hidden" name="gate" value="huu-nghi">' in page
    saved = client.post(f"/border/declarations/{truck.pk}/edit/", {
        **correction(truck, driver_phone="0987 654 321"), "gate": "huu-nghi"})
    assert saved.status_code == 302
    assert Declaration.objects.get(pk=truck.pk).driver_phone == "0987654321"
