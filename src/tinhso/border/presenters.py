"""Shape declarations for the API and pages (no business rules)."""

from __future__ import annotations

from tinhso.border import selectors
from tinhso.border.access import hidden_fields
from tinhso.border.models import Declaration, PlateEvent


def declaration_out(declaration: Declaration, viewer, *, with_position: bool = False) -> dict:
    """The declaration as `viewer` may see it: fields their step does not need are None."""
    shown = {
        "id": declaration.pk,
        "reference": declaration.reference,
        "state": declaration.state,
        "enterprise": declaration.enterprise.name,
        "plate": declaration.plate,
        "trailer_plate": declaration.trailer_plate,
        "driver_name": declaration.driver_name,
        "driver_phone": declaration.driver_phone,
        "goods": declaration.goods.code,
        "goods_description": declaration.goods_description,
        "perishable": declaration.goods.perishable,
        "weight_kg": declaration.weight_kg,
        "containers": declaration.containers,
        "direction": declaration.direction,
        "gate": declaration.gate.code,
        "expected_arrival": declaration.expected_arrival,
        "slot_starts_at": declaration.slot.starts_at if declaration.slot_id else None,
        "ticket_url": f"/border/ticket/{declaration.ticket_token}/",
        "queue_position": selectors.queue_position(declaration) if with_position else None,
        "cancel_reason": declaration.cancel_reason,
        "cancel_note": declaration.cancel_note,
    }
    for field in hidden_fields(viewer, declaration):
        shown[field] = None
    return shown


def plate_event_out(event: PlateEvent) -> dict:
    declaration = event.declaration
    return {
        "id": event.pk,
        "event_id": event.event_id,
        "camera_id": event.camera.code,
        "barrier": event.barrier,
        "status": event.status,
        "reason": event.reason,
        "declaration_id": event.declaration_id,
        "plate": declaration.plate if declaration else None,
        "state": declaration.state if declaration else None,
        "match_score": event.match_score,
    }
