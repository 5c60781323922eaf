"""Plate cameras: a read checks a truck into a yard, sends it to the gate or records its
crossing; what cannot be decided goes to the exception desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from tinhso.accounts.models import ApiKey, Role
from tinhso.accounts.permissions import organizations_with_role, require
from tinhso.border import selectors
from tinhso.border.errors import BorderError, border_error
from tinhso.border.models import Camera, CameraPosition, Declaration, DeclarationState, PlateEvent
from tinhso.border.platematch import PlateIndex, match_plate, plate_key
from tinhso.border.services.clearance import clear_if_complete
from tinhso.border.services.common import locked, locked_pk, not_allowed, relocked, transition
from tinhso.border.workflow import ARRIVING_STATES
from tinhso.core import audit, rows

S = DeclarationState


@dataclass(frozen=True)
class EventAnswer:
    event: PlateEvent
    created: bool


def ingest_plate_event(*, api_key: ApiKey, camera_code: str, event_id: str, plate: str,
                       confidence: float, captured_at: datetime) -> EventAnswer:
    """Handle one camera read. Idempotent by (camera, event_id): a retry gets the first
    answer back and writes nothing.

    Matching reads the database before the write transaction opens, so the transaction
    (and SQLite's write lock) lasts only as long as the writes; the event row is inserted
    first inside it, so a retry fails on the unique constraint before anything moves."""
    camera = selectors.camera_by_code(camera_code)
    if camera is None:
        raise border_error(BorderError.UNKNOWN_CAMERA, field="camera_id", code=camera_code)
    if camera.operator_id != api_key.organization_id:
        raise border_error(BorderError.CAMERA_NOT_YOURS, field="camera_id", code=camera_code)
    event = PlateEvent(camera=camera, event_id=event_id, plate_read=plate[:32],
                       confidence=confidence, captured_at=captured_at, barrier="hold",
                       status=PlateEvent.Status.EXCEPTION)
    prefetched = _match_read(event, camera, plate, confidence)
    try:
        with transaction.atomic():
            _record_read(api_key, camera, event, prefetched)
    except IntegrityError:
        # A retry, or the same event racing in on another worker: the first answer stands.
        first = PlateEvent.objects.select_related("camera", "declaration").get(
            camera=camera, event_id=event_id)
        return EventAnswer(first, created=False)
    return EventAnswer(event, created=True)


def _match_read(event: PlateEvent, camera: Camera, plate: str,
                confidence: float) -> Declaration | None:
    """Match the read; return the declaration when one truck has exactly this plate (the
    common case: its row is then already in hand for the write transaction)."""
    if confidence < camera.min_confidence:
        event.reason = "low_confidence"
        return None
    exact = selectors.active_trucks_at(camera.gate, key=plate_key(plate))
    if len(exact) == 1:
        event.declaration_id, event.match_score = exact[0].pk, 100.0
        return exact[0]
    # Several trucks with this plate (ambiguous), or a misread: the fuzzy scan.
    index = (PlateIndex((d.pk, d.plate) for d in exact) if exact
             else selectors.active_plate_index(camera.gate_id))
    match = index.match(plate)
    if match is None:
        event.reason = "unmatched"
    elif match.ambiguous:
        event.reason = "ambiguous"
    else:
        event.declaration_id = match.key
        event.match_score = match.score
    return None


def _record_read(actor, camera: Camera, event: PlateEvent,
                 prefetched: Declaration | None) -> None:
    if event.declaration_id is None:
        rows.insert(event)
        return
    try:
        declaration = (relocked(prefetched) if prefetched is not None
                       else locked_pk(event.declaration_id))
    except Declaration.DoesNotExist:
        declaration = None  # deleted since the plate index was loaded
    if declaration is None or match_plate(
            event.plate_read, [(declaration.pk, declaration.plate)]) is None:
        # Matched on a copy read before the truck was deleted or its plate corrected
        # (through the plate index or the exact lookup): the read no longer fits it.
        event.declaration_id, event.match_score, event.reason = None, None, "unmatched"
        rows.insert(event)
        return
    target = _decide_camera_step(camera, event, declaration)
    event.declaration = declaration
    rows.insert(event)
    if target is not None:
        _advance(actor, camera, declaration, target, event.captured_at)


def _decide_camera_step(camera: Camera, event: PlateEvent, declaration: Declaration) -> str | None:
    """Where the matched truck moves and what the barrier does; a truck that is not where
    the flow expects it (e.g. at the border gate before clearance) is held, not dropped."""
    position = camera.position
    target = None
    event.reason = ""
    if position == CameraPosition.YARD_ENTRY and declaration.state in ARRIVING_STATES:
        if selectors.yard_places_left(camera.yard_id) <= 0:
            event.reason = "yard_full"
        else:
            target = S.IN_YARD
    elif position == CameraPosition.YARD_EXIT and declaration.state == S.CALLED:
        target = S.AT_GATE
    elif position == CameraPosition.GATE and declaration.state == S.CLEARED:
        target = S.CROSSED
    else:
        event.reason = f"state_{declaration.state}"
    event.status = PlateEvent.Status.MATCHED
    event.barrier = "open" if target else "hold"
    return target


def _advance(actor, camera: Camera, declaration: Declaration, target: str, at: datetime) -> None:
    also: tuple[str, ...] = ()
    if target == S.IN_YARD:
        _check_in(declaration, camera.yard, at)
        also = ("yard", "lost_booking_priority")
    transition(declaration, target, actor=actor, at=at, note=f"camera {camera.code}", also=also)
    if target == S.AT_GATE:
        clear_if_complete(declaration, actor=actor)
    elif target == S.CROSSED:
        # Each crossing owes the infrastructure fee: the invoice is issued in the same
        # transaction, so a crossing is never recorded without it.
        from tinhso.payments.services import issue_crossing_invoice

        issue_crossing_invoice(declaration=declaration)


def _check_in(declaration: Declaration, yard, at: datetime) -> None:
    """A truck keeps its booking priority only if it arrives before its slot ends plus the
    gate's grace window; otherwise it queues like a truck without booking."""
    late = True
    if declaration.state == S.BOOKED and declaration.slot_id:
        grace = timedelta(hours=1, minutes=declaration.gate.late_grace_minutes)
        late = at > declaration.slot.starts_at + grace
    declaration.yard = yard
    declaration.lost_booking_priority = late and declaration.slot_id is not None
    if declaration.state == S.NO_SHOW:
        declaration.lost_booking_priority = True


def resolve_plate_event(*, actor, event: PlateEvent, declaration: Declaration | None) -> PlateEvent:
    """The yard operator confirms or corrects the match at the exception desk, or dismisses
    the read (a car that is not a declared truck). Either way, it is recorded."""
    require(actor, "border.yard_console")
    with transaction.atomic():
        event = PlateEvent.objects.select_for_update(of=("self",)).select_related(
            "camera__yard", "camera__gate").get(pk=event.pk)
        if not (actor.is_superuser or event.camera.operator_id in organizations_with_role(
                actor, [Role.YARD_OPERATOR])):
            raise border_error(BorderError.CAMERA_NOT_YOURS, code=event.camera.code)
        if event.status != PlateEvent.Status.EXCEPTION or event.barrier == "open":
            raise border_error(BorderError.EVENT_ALREADY_HANDLED)
        before = {"status": event.status, "declaration": event.declaration_id}
        event.resolved_by = actor
        if declaration is None:
            event.status = PlateEvent.Status.DISMISSED
            event.save(update_fields=["status", "resolved_by"])
        else:
            truck = locked(declaration)
            if truck.gate_id != event.camera.gate_id:
                raise not_allowed(truck, "ghép với camera của cửa khẩu khác",
                                   "match it to another gate's camera")
            target = _decide_camera_step(event.camera, event, truck)
            event.declaration = truck
            event.status = PlateEvent.Status.RESOLVED
            event.save(update_fields=["declaration", "resolved_by", "status", "barrier",
                                      "reason"])
            if target is not None:
                _advance(actor, event.camera, truck, target, event.captured_at)
        audit.record(actor=actor, action="plate_event.resolve", obj=event, before=before,
                     after={"status": event.status, "declaration": event.declaration_id,
                            "barrier": event.barrier})
    return event
