"""The declaration factory encodes the rules the services keep: a booked truck's slot
counts it, a checked-in truck takes a place in a yard of its gate, a held truck has an
open hold. These tests hold it to them, through the app's own reads and services."""

import pytest

from tests.border.conftest import user
from tests.factories import DeclarationFactory
from tinhso.border import selectors, services
from tinhso.border.models import Declaration, DeclarationState, Slot
from tinhso.border.platematch import plate_key
from tinhso.core.validators import normalize_plate

STATE_TRAITS = DeclarationState.values


@pytest.mark.parametrize("state", STATE_TRAITS)
def test_each_state_trait_gives_that_state_with_a_valid_unique_plate(border, state):
    first, second = DeclarationFactory.create_batch(2, **{state: True})
    assert (first.state, second.state) == (state, state)
    assert first.plate != second.plate
    for truck in (first, second):
        assert normalize_plate(truck.plate) == truck.plate
        assert normalize_plate(truck.trailer_plate) == truck.trailer_plate
        assert truck.plate_key == plate_key(truck.plate)
    assert (first.submitted_at is None) == (state == "draft")


def test_a_booked_truck_is_counted_in_its_slot_and_the_app_can_give_the_place_back(
        border, enterprise_user):
    fruit = DeclarationFactory(booked=True, perishable=True)
    machines = DeclarationFactory(booked=True)
    slot = Slot.objects.get()
    assert fruit.slot == machines.slot == slot
    assert slot.starts_at == selectors.hour_of(fruit.expected_arrival)
    assert (slot.capacity, slot.booked, slot.booked_perishable) == (
        border.export_per_hour, 2, 1)
    services.cancel_declaration(actor=enterprise_user, declaration=fruit,
                                reason="trip_cancelled")
    slot.refresh_from_db()
    assert (slot.booked, slot.booked_perishable) == (1, 0)


def test_only_a_booking_holds_a_place_unless_asked(border):
    DeclarationFactory(in_yard=True)
    DeclarationFactory(held=True, state_before_hold="booked")
    DeclarationFactory(called=True, with_slot=True)
    assert [s.booked for s in Slot.objects.order_by("starts_at")] == [1, 1]
    assert Declaration.objects.filter(slot__isnull=True).get().state == "in_yard"


def test_a_checked_in_truck_waits_in_a_yard_of_its_gate(border):
    truck = DeclarationFactory(in_yard=True)
    elsewhere = DeclarationFactory(in_yard=True, gate__code="tan-thanh")
    assert truck.yard.gate == truck.gate and elsewhere.yard.gate.code == "tan-thanh"
    assert [e.key for e in selectors.yard_queue(border)] == [truck.pk]
    assert selectors.yard_occupancy(truck.yard) == 1
    assert DeclarationFactory(submitted=True).yard is None


def test_a_held_truck_has_an_open_hold_and_lifting_it_puts_it_back(border):
    truck = DeclarationFactory(held=True, state_before_hold="at_gate", held_by="quarantine",
                               perishable=True)
    assert selectors.open_holds(truck) == {"quarantine"}
    assert truck.clearances.get().officer == user("kiemdich")
    services.record_clearance(actor=user("kiemdich"), declaration=truck, agency="quarantine",
                              verdict="pass")
    truck.refresh_from_db()
    assert truck.state == "at_gate"


def test_a_cleared_truck_was_passed_by_every_agency_it_needs(border):
    fruit = DeclarationFactory(cleared=True, perishable=True)
    machines = DeclarationFactory(crossed=True)
    assert selectors.passed_agencies(fruit) == services.required_agencies(fruit) == {
        "customs", "quarantine", "border_guard"}
    assert selectors.passed_agencies(machines) == {"customs", "border_guard"}
    assert fruit.called_at < fruit.at_gate_at < fruit.cleared_at
    assert machines.cleared_at < machines.crossed_at


def test_without_the_demo_data_the_factory_makes_its_own(db):
    truck = DeclarationFactory(held=True, perishable=True)
    assert truck.gate.code == "huu-nghi" and truck.yard.gate == truck.gate
    assert truck.goods.perishable and truck.clearances.get().verdict == "hold"
