"""Plate cameras: a read checks a truck into a yard, sends it to the gate or records its
crossing; what cannot be decided goes to the exception desk. The decision itself is
``border.camera_rules.decide``; this module gathers its inputs and applies it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.accounts.models import ApiKey, Role
from tinhso.accounts.permissions import organizations_with_role
from tinhso.border import camera_rules, selectors
from tinhso.border.errors import Action, BorderError, border_error, border_invalid
from tinhso.border.models import (
    Camera,
    Declaration,
    DeclarationState,
    Gate,
    ManualCrossingReason,
    PlateEvent,
    Yard,
)
from tinhso.border.platematch import plate_key, vehicle_id
from tinhso.border.services.clearance import clear_if_complete
from tinhso.border.services.common import locked, not_allowed, relocked, transition
from tinhso.core import audit
from tinhso.core.errors import FieldCollector
from tinhso.core.reasons import clean_reason, reason_text

S = DeclarationState


@dataclass(frozen=True)
class EventAnswer:
    event: PlateEvent
    created: bool


def ingest_plate_event(*, api_key: ApiKey, camera_code: str, event_id: str, plate: str,
                       confidence: float, captured_at: datetime) -> EventAnswer:
    """Handle one camera read. Idempotent by (camera, event_id): a retry gets the first
    answer back and writes nothing.

    The candidates are read before the write transaction opens, so the transaction (and
    SQLite's write lock) lasts only as long as the writes; inside it, the one truck the
    read may move is locked and read again, the decision is taken on that row
    (``camera_rules.decide``), and the event is inserted before anything moves, so a
    retry fails on the unique constraint first."""
    camera = selectors.camera_by_code(camera_code)
    if camera is None:
        raise border_error(BorderError.UNKNOWN_CAMERA, field="camera_id", code=camera_code)
    if camera.operator_id != api_key.organization_id:
        raise border_error(BorderError.CAMERA_NOT_YOURS, field="camera_id", code=camera_code)
    if timezone.is_naive(captured_at):
        captured_at = timezone.make_aware(captured_at)  # a camera's local time: Vietnam's
    read = camera_rules.Read(plate_key=plate_key(plate), confidence=confidence,
                             captured_at=captured_at)
    trucks, nearby = _candidates(camera, read.plate_key)
    try:
        with transaction.atomic():
            event = _record_read(api_key, camera, event_id, plate, read, trucks, nearby)
    except IntegrityError:
        # A retry, or the same event racing in on another worker: the first answer stands.
        first = PlateEvent.objects.select_related("camera", "declaration").get(
            camera=camera, event_id=event_id)
        return EventAnswer(first, created=False)
    return EventAnswer(event, created=True)


#: How many close plates a read that matches none exactly is compared with (the best is
#: proposed at the desk unless the next one is about as close).
NEARBY_CANDIDATES = 3


def _candidates(camera: Camera, key: str) -> tuple[list[Declaration], list[camera_rules.Candidate]]:
    """The active trucks at the camera's gate with the read's plate key (rows the step
    needs, ready to be locked); when there is none, the closest plates, read afresh, as
    proposals for the desk."""
    trucks = selectors.active_trucks_at(camera.gate, key=key)
    if trucks:
        return trucks, []
    ids = selectors.active_plate_index(camera.gate_id).nearest(key, limit=NEARBY_CANDIDATES)
    if not ids:
        return [], []
    # A plate corrected to the read's since the exact lookup is left out: its row is not
    # locked, so it cannot be moved; the read waits at the desk.
    return [], [_candidate(t) for t in selectors.active_plates_among(camera.gate_id, ids)
                if t.plate_key != key]


def _candidate(truck: Declaration, key: str | None = None) -> camera_rules.Candidate:
    return camera_rules.Candidate(
        truck.pk, truck.plate_key if key is None else key, truck.state,
        slot_starts_at=truck.slot.starts_at if truck.slot_id else None,
        expected_arrival=truck.expected_arrival, held_from=truck.state_before_hold,
        vehicle=vehicle_id(truck.plate), yard_id=truck.yard_id)


def _record_read(actor, camera: Camera, event_id: str, plate: str, read: camera_rules.Read,
                 trucks: list[Declaration], nearby: list[camera_rules.Candidate]) -> PlateEvent:
    setup, now = _setup(camera), timezone.now()
    truck, candidates = None, nearby
    if trucks:
        candidates = [_candidate(t) for t in trucks]
        # Which trip of the plate the read is about (a repeat truck has several): that one
        # row is locked and read again, and the decision is taken on it as it is now.
        chosen = camera_rules.identify(read, setup, candidates, now=now)[0]
        if chosen is not None:
            try:
                truck = relocked(next(t for t in trucks if t.pk == chosen.declaration_id))
            except Declaration.DoesNotExist:
                candidates = [c for c in candidates if c.declaration_id != chosen.declaration_id]
            else:
                # A plate corrected since the lookup no longer has the read's key.
                candidates = [_candidate(truck, plate_key(truck.plate))
                              if c.declaration_id == truck.pk else c for c in candidates]
    room = (selectors.yard_places_left(camera.yard_id) if truck is not None
            and camera_rules.needs_yard_room(camera.position, truck.state) else None)
    decision = camera_rules.decide(read, setup, candidates, now=now, yard_places_left=room)
    if decision.target is not None and (truck is None or truck.pk != decision.declaration_id):
        # The rows changed under the read and another trip came out: only a locked row
        # may move, so a person decides.
        decision = replace(decision, status=camera_rules.EXCEPTION, barrier=camera_rules.HOLD,
                           reason="ambiguous", target=None)
    event = PlateEvent(camera=camera, event_id=event_id, plate_read=plate[:32],
                       confidence=read.confidence, captured_at=read.captured_at,
                       declaration_id=decision.declaration_id, match_score=decision.score,
                       barrier=decision.barrier, status=decision.status, reason=decision.reason)
    if truck is not None and truck.pk == decision.declaration_id:
        event.declaration = truck
    event.save(force_insert=True)
    if decision.target is not None:
        note = f"camera {camera.code}" + (f" ({decision.reason})" if decision.reason else "")
        _advance(actor, camera.yard, truck, decision.target, decision.at, note=note)
    return event


def _setup(camera: Camera) -> camera_rules.CameraSetup:
    return camera_rules.CameraSetup(
        position=camera.position, min_confidence=camera.min_confidence,
        late_grace=timedelta(minutes=camera.gate.late_grace_minutes), yard_id=camera.yard_id)


def _advance(actor, yard, declaration: Declaration, target: str, at: datetime, *,
             note: str, details: dict | None = None) -> None:
    also: tuple[str, ...] = ()
    if target == S.IN_YARD:
        _check_in(declaration, yard, at)
        also = ("yard", "lost_booking_priority")
    transition(declaration, target, actor=actor, at=at, note=note, also=also, details=details)
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


def require_exception_desk(actor) -> None:
    """403 for someone who works at no camera's place (neither yard nor gate operator)."""
    if not selectors.has_exception_desk(actor):
        raise PermissionDenied


def _refuse_second_in_pipeline(declaration: Declaration) -> None:
    """A plate has at most one trip in a yard or at the gate: a person may not check in a
    later trip while the truck is still on the first one."""
    other = selectors.trip_in_pipeline(declaration.plate, exclude=declaration.pk)
    if other is not None:
        raise border_error(BorderError.PLATE_IN_PIPELINE, plate=declaration.plate,
                           other=other.reference)


def resolve_plate_event(*, actor, event: PlateEvent, declaration: Declaration | None) -> PlateEvent:
    """The operator who works at the camera's place (the yard operator for a yard camera,
    the gate operator for the border gate's) confirms or corrects the match at the
    exception desk, or dismisses the read (a car that is not a declared truck). Either
    way, it is recorded."""
    with transaction.atomic():
        event = PlateEvent.objects.select_for_update(of=("self",)).select_related(
            "camera__yard", "camera__gate").get(pk=event.pk)
        if not selectors.may_resolve(actor, event.camera):
            raise border_error(BorderError.DESK_CAMERA, code=event.camera.code,
                               role=selectors.desk_role(event.camera).label)
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
                raise not_allowed(truck, Action.MATCH_OTHER_GATE_CAMERA)
            # The operator has named the truck: only its state and the yard decide.
            position = event.camera.position
            room = (selectors.yard_places_left(event.camera.yard_id)
                    if camera_rules.needs_yard_room(position, truck.state) else None)
            target, event.reason = camera_rules.step(position, truck.state, room)
            if target == S.IN_YARD:
                _refuse_second_in_pipeline(truck)
            event.declaration = truck
            event.status = PlateEvent.Status.RESOLVED
            event.barrier = "open" if target else "hold"
            event.save(update_fields=["declaration", "resolved_by", "status", "barrier",
                                      "reason"])
            if target is not None:
                at = camera_rules.moment(event.captured_at, timezone.now())
                _advance(actor, event.camera.yard, truck, target, at,
                         note=f"camera {event.camera.code}, resolved at the desk by {actor}")
        audit.record(actor=actor, action="plate_event.resolve", obj=event, before=before,
                     after={"status": event.status, "declaration": event.declaration_id,
                            "barrier": event.barrier})
    return event


#: A manual step: the camera position it stands in for.
MANUAL_STEPS = {"check_in": "yard_entry", "check_out": "yard_exit"}


def check_manual_reason(reason: str) -> str:
    """The reason of a manual step, tidied; a field error if there is none."""
    reason = " ".join((reason or "").split())[:200]
    check = FieldCollector()
    if not reason:
        check.fail(border_invalid(BorderError.MANUAL_REASON, field="reason"))
    check.raise_if_invalid()
    return reason


def manual_yard_step(*, actor, declaration: Declaration, yard: Yard, step: str,
                     reason: str) -> Declaration:
    """The yard operator checks a truck in or out by hand (camera broken, plate dirty):
    the same step the yard's camera would take, recorded as manual with the operator
    and the reason (the transition's note and an audit entry)."""
    if step not in MANUAL_STEPS:
        raise ValueError(step)
    reason = check_manual_reason(reason)
    if not (actor.is_superuser
            or yard.operator_id in organizations_with_role(actor, [Role.YARD_OPERATOR])):
        raise border_error(BorderError.NOT_YOUR_YARD, yard=yard.name)
    action = Action.move_to(S(camera_rules.STEPS[MANUAL_STEPS[step]].target).label)
    with transaction.atomic():
        truck = locked(declaration)
        if truck.gate_id != yard.gate_id or (step == "check_out" and truck.yard_id != yard.pk):
            raise not_allowed(truck, action)
        position = MANUAL_STEPS[step]
        room = (selectors.yard_places_left(yard.pk)
                if camera_rules.needs_yard_room(position, truck.state) else None)
        target, why = camera_rules.step(position, truck.state, room)
        if why == "yard_full":
            raise border_error(BorderError.YARD_FULL, yard=yard.name)
        if target is None:
            raise not_allowed(truck, action)
        if target == S.IN_YARD:
            _refuse_second_in_pipeline(truck)
        before = {"state": truck.state, "yard": truck.yard_id}
        _advance(actor, yard, truck, target, timezone.now(),
                 note=f"manual {step.replace('_', '-')} at {yard.code} by {actor}: {reason}")
        audit.record(actor=actor, action=f"declaration.manual_{step}", obj=truck, before=before,
                     after={"state": truck.state, "yard": yard.pk, "manual": True,
                            "reason": reason})
    return truck


def manual_crossing(*, actor, declaration: Declaration, gate: Gate, reason: str,
                    note: str = "") -> Declaration:
    """The gate operator records a cleared truck's crossing by hand (gate camera down,
    plate unreadable): the step the gate camera would take, through the same path (the
    fee invoice is issued in the same transaction), recorded as manual with the operator,
    the reason (a ``ManualCrossingReason`` code; "other" needs a note) and the note in
    the crossing's audit entry. Only a gate operator of an organisation that operates
    this gate's camera may do it."""
    reason, note = clean_reason(ManualCrossingReason, reason, note)
    if not selectors.gates_crossed_by_hand(actor).filter(pk=gate.pk).exists():
        raise border_error(BorderError.NOT_YOUR_GATE, gate=gate.name)
    action = Action.move_to(S.CROSSED.label)
    with transaction.atomic():
        truck = locked(declaration)
        if truck.gate_id != gate.pk:
            raise not_allowed(truck, action)
        target, _why = camera_rules.step("gate", truck.state, None)
        if target is None:
            raise not_allowed(truck, action)
        text = reason_text(ManualCrossingReason, reason, note, "en")
        _advance(actor, None, truck, target, timezone.now(),
                 note=f"manual crossing at {gate.code} by {actor}: {text}",
                 details={"manual": True, "reason": reason, "note": note})
    return truck
