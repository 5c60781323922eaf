"""Declarations: an enterprise declares a truck and its goods, corrects or cancels it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from tinhso.border import selectors
from tinhso.border.errors import Action
from tinhso.border.models import (
    CancelReason,
    Declaration,
    DeclarationState,
    SavedDriver,
    SavedVehicle,
)
from tinhso.border.platematch import plate_key
from tinhso.border.services.booking import recount_load_kind, release_slot
from tinhso.border.services.common import locked, not_allowed, require_enterprise, transition
from tinhso.border.services.trips import check_trip_order, lock_vehicle
from tinhso.border.validation import clean_declaration, frozen_in_yard
from tinhso.border.workflow import CHECKED_IN_STATES, EDITABLE_STATES, in_yard_pipeline
from tinhso.core import audit
from tinhso.core.errors import FieldCollector
from tinhso.core.reasons import clean_reason, reason_text

S = DeclarationState
TRACKED_FIELDS = ["plate", "trailer_plate", "driver_name", "driver_id_number", "driver_phone",
                  "goods_id", "goods_description", "weight_kg", "containers", "direction",
                  "gate_id", "expected_arrival", "loaded_at"]

def _snapshot(declaration: Declaration) -> dict[str, Any]:
    return {
        f: (v.isoformat() if isinstance(v := getattr(declaration, f), datetime) else v)
        for f in TRACKED_FIELDS
    }


def create_declaration(*, actor, enterprise_id: int, data: Mapping[str, Any],
                       submit: bool = True) -> Declaration:
    require_enterprise(actor, enterprise_id)
    cleaned = clean_declaration(data)
    key = plate_key(cleaned["plate"])
    with transaction.atomic():
        lock_vehicle(cleaned["plate"])
        check_trip_order(plate=cleaned["plate"], trip_id=None,
                         starts=cleaned["expected_arrival"], field="expected_arrival")
        declaration = Declaration.objects.create(
            enterprise_id=enterprise_id, created_by=actor, plate_key=key, **cleaned,
        )
        audit.record(actor=actor, action="declaration.create", obj=declaration,
                     after=_snapshot(declaration))
        _remember_vehicle_and_driver(enterprise_id, cleaned)
        if submit:
            transition(declaration, S.SUBMITTED, actor=actor)
    return declaration


def _remember_vehicle_and_driver(enterprise_id: int, cleaned: Mapping[str, Any]) -> None:
    """Saved vehicles and drivers make the next declaration a matter of seconds."""
    SavedVehicle.objects.update_or_create(
        enterprise_id=enterprise_id, plate=cleaned["plate"],
        defaults={"trailer_plate": cleaned["trailer_plate"]},
    )
    SavedDriver.objects.update_or_create(
        enterprise_id=enterprise_id, id_number=cleaned["driver_id_number"],
        defaults={"full_name": cleaned["driver_name"], "phone": cleaned["driver_phone"]},
    )


def update_declaration(*, actor, declaration: Declaration, data: Mapping[str, Any]) -> Declaration:
    """Correct a declaration online, up to the moment the truck is called. Moving the gate,
    the direction or the hour of arrival gives the booked slot back; any other correction
    keeps it. Once the truck is in a yard, its gate, direction and plate are what the yard
    and the cameras hold: they can no longer change."""
    require_enterprise(actor, declaration)
    cleaned = clean_declaration(data)
    with transaction.atomic():
        declaration = locked(declaration)
        if declaration.state not in EDITABLE_STATES:
            raise not_allowed(declaration, Action.CORRECT)
        if declaration.state in CHECKED_IN_STATES:
            _refuse_route_changes(declaration, cleaned)
        before = _snapshot(declaration)
        old_arrival = declaration.expected_arrival
        arrival_hour = selectors.hour_of(old_arrival)
        was_perishable = declaration.goods.perishable
        for field, value in cleaned.items():
            setattr(declaration, field, value)
        declaration.plate_key = plate_key(declaration.plate)
        moved = declaration.slot_id and (
            before["gate_id"] != declaration.gate_id
            or before["direction"] != declaration.direction
            or selectors.hour_of(declaration.expected_arrival) != arrival_hour
        )
        releases_slot = bool(moved) and declaration.state == S.BOOKED
        if (before["plate"] != declaration.plate or releases_slot
                or old_arrival != declaration.expected_arrival):
            # The trip moved, or is now another vehicle's: it keeps its place among the
            # vehicle's trips (a booked trip keeps its slot unless the move releases it).
            lock_vehicle(declaration.plate)
            keeps_slot = declaration.slot_id and not releases_slot
            check_trip_order(
                plate=declaration.plate, trip_id=declaration.pk, field="expected_arrival",
                starts=declaration.slot.starts_at if keeps_slot else declaration.expected_arrival,
                in_pipeline=in_yard_pipeline(declaration.state, declaration.state_before_hold))
        declaration.save()
        after = _snapshot(declaration)
        changed = {k: v for k, v in after.items() if before[k] != v}
        audit.record(actor=actor, action="declaration.update", obj=declaration,
                     before={k: before[k] for k in changed}, after=changed)
        _remember_vehicle_and_driver(declaration.enterprise_id, cleaned)
        if moved and declaration.state == S.BOOKED:
            release_slot(declaration, perishable=was_perishable)
            transition(declaration, S.SUBMITTED, actor=actor, also=("slot",),
                       note="gate, direction or arrival changed: booking released")
        elif declaration.slot_id and declaration.goods.perishable != was_perishable:
            recount_load_kind(declaration.slot_id, perishable=declaration.goods.perishable)
    return declaration


def submit_declaration(*, actor, declaration: Declaration) -> Declaration:
    require_enterprise(actor, declaration)
    with transaction.atomic():
        return transition(locked(declaration), S.SUBMITTED, actor=actor)


def cancel_declaration(*, actor, declaration: Declaration, reason: str = "",
                       note: str = "") -> Declaration:
    """The enterprise cancels its truck, giving a reason (a ``CancelReason`` code; "other"
    needs a note), kept on the declaration and in the audit entry."""
    require_enterprise(actor, declaration)
    reason, note = clean_reason(CancelReason, reason, note)
    with transaction.atomic():
        declaration = locked(declaration)
        if declaration.state not in EDITABLE_STATES:
            raise not_allowed(declaration, Action.CANCEL)
        release_slot(declaration)
        declaration.cancel_reason, declaration.cancel_note = reason, note
        return transition(declaration, S.CANCELLED, actor=actor,
                          note=reason_text(CancelReason, reason, note, "en"),
                          also=("slot", "cancel_reason", "cancel_note"),
                          details={"reason": reason})


def _refuse_route_changes(declaration: Declaration, cleaned: Mapping[str, Any]) -> None:
    check = FieldCollector()
    for field, old, new in [("gate", declaration.gate_id, cleaned["gate"].pk),
                            ("direction", declaration.direction, cleaned["direction"]),
                            ("plate", declaration.plate, cleaned["plate"])]:
        if old != new:
            check.fail(frozen_in_yard(field))
    check.raise_if_invalid()
