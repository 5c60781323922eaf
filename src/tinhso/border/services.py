"""Use cases of the digital border gate. Every write goes through one function here, inside
one transaction, with its audit entries; pages and the API both call these."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tinhso.accounts.models import ApiKey, Role
from tinhso.accounts.permissions import has_perm, organizations_with_role, require
from tinhso.border import selectors
from tinhso.border.engine import SlotState, free_places, nearest_free
from tinhso.border.errors import BorderError, border_error
from tinhso.border.models import (
    Agency,
    Camera,
    CameraPosition,
    ClearanceDecision,
    Declaration,
    DeclarationState,
    Gate,
    GateNotice,
    PlateEvent,
    SavedDriver,
    SavedVehicle,
    Slot,
    Verdict,
)
from tinhso.border.platematch import PlateIndex, match_plate, plate_key
from tinhso.border.validation import clean_declaration
from tinhso.border.workflow import CLEARANCE_STATES, EDITABLE_STATES, TRANSITIONS, can_transition
from tinhso.core import audit, rows
from tinhso.core.notifications import Notification, send

S = DeclarationState
TRACKED_FIELDS = ["plate", "trailer_plate", "driver_name", "driver_id_number", "driver_phone",
                  "goods_id", "goods_description", "weight_kg", "containers", "direction",
                  "gate_id", "expected_arrival", "loaded_at"]
AGENCY_PERMISSION = {
    Agency.CUSTOMS: "border.clear_customs",
    Agency.QUARANTINE: "border.clear_quarantine",
    Agency.BORDER_GUARD: "border.clear_border_guard",
}
STATE_LABELS = dict(DeclarationState.choices)


def _snapshot(declaration: Declaration) -> dict[str, Any]:
    return {
        f: (v.isoformat() if isinstance(v := getattr(declaration, f), datetime) else v)
        for f in TRACKED_FIELDS
    }


def _not_allowed(declaration: Declaration, action_vi: str, action_en: str):
    return border_error(BorderError.NOT_ALLOWED_IN_STATE, action_vi=action_vi,
                        action_en=action_en, state=declaration.state)


def transition(declaration: Declaration, target: str, *, actor, note: str = "",
               at: datetime | None = None, also: tuple[str, ...] = ()) -> Declaration:
    """The only code that changes a declaration's state. Caller holds the row lock; `also`
    names other fields the caller changed, saved in the same UPDATE."""
    current = declaration.state
    if not can_transition(current, target):
        raise _not_allowed(declaration, f"chuyển sang “{target}”", f"move to “{target}”")
    at = at or timezone.now()
    declaration.state = target
    stamp = {S.SUBMITTED: "submitted_at", S.IN_YARD: "checked_in_at", S.CALLED: "called_at",
             S.AT_GATE: "at_gate_at", S.CLEARED: "cleared_at", S.CROSSED: "crossed_at"}.get(target)
    fields = ["state", "updated_at", *also]
    if stamp and not (target == S.IN_YARD and current == S.HELD):
        setattr(declaration, stamp, at)
        fields.append(stamp)
    if target == S.HELD:
        declaration.state_before_hold = current
        fields.append("state_before_hold")
    rows.update(declaration, fields)
    audit.record(
        actor=actor, action=f"declaration.{target}", obj=declaration,
        organization=declaration.enterprise if actor is None else None,
        before={"state": current}, after={"state": target},
        note=note or TRANSITIONS[current][target],
    )
    return declaration


def _locked(declaration: Declaration) -> Declaration:
    return _locked_pk(declaration.pk)


def _locked_pk(pk: int) -> Declaration:
    return Declaration.objects.select_for_update(of=("self",)).select_related(
        "goods", "gate", "slot").get(pk=pk)


def _relocked(declaration: Declaration) -> Declaration:
    """Lock a declaration read before the transaction began: the copy in hand if nobody
    saved it since, a fresh read otherwise."""
    return declaration if selectors.lock_if_unchanged(declaration) else _locked_pk(declaration.pk)


def _require_enterprise(actor, declaration_or_org_id) -> None:
    org_id = getattr(declaration_or_org_id, "enterprise_id", declaration_or_org_id)
    require(actor, "border.declare", org_id)


# ---------------------------------------------------------------- declarations


def create_declaration(*, actor, enterprise_id: int, data: Mapping[str, Any],
                       submit: bool = True) -> Declaration:
    _require_enterprise(actor, enterprise_id)
    cleaned = clean_declaration(data)
    with transaction.atomic():
        declaration = Declaration.objects.create(
            enterprise_id=enterprise_id, created_by=actor, plate_key=plate_key(cleaned["plate"]),
            **cleaned,
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
    """Correct a declaration online, up to the moment the truck is called. A change of gate,
    direction or arrival hour gives the booked slot back."""
    _require_enterprise(actor, declaration)
    cleaned = clean_declaration(data)
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.state not in EDITABLE_STATES:
            raise _not_allowed(declaration, "sửa tờ khai", "correct the declaration")
        before = _snapshot(declaration)
        for field, value in cleaned.items():
            setattr(declaration, field, value)
        declaration.plate_key = plate_key(declaration.plate)
        moved = declaration.slot_id and (
            before["gate_id"] != declaration.gate_id
            or before["direction"] != declaration.direction
            or selectors.hour_of(declaration.expected_arrival) != declaration.slot.starts_at
        )
        declaration.save()
        after = _snapshot(declaration)
        changed = {k: v for k, v in after.items() if before[k] != v}
        audit.record(actor=actor, action="declaration.update", obj=declaration,
                     before={k: before[k] for k in changed}, after=changed)
        _remember_vehicle_and_driver(declaration.enterprise_id, cleaned)
        if moved and declaration.state == S.BOOKED:
            _release_slot(declaration)
            transition(declaration, S.SUBMITTED, actor=actor, also=("slot",),
                       note="gate, direction or arrival changed: booking released")
    return declaration


def submit_declaration(*, actor, declaration: Declaration) -> Declaration:
    _require_enterprise(actor, declaration)
    with transaction.atomic():
        return transition(_locked(declaration), S.SUBMITTED, actor=actor)


def cancel_declaration(*, actor, declaration: Declaration, note: str = "") -> Declaration:
    _require_enterprise(actor, declaration)
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.state not in EDITABLE_STATES:
            raise _not_allowed(declaration, "hủy tờ khai", "cancel the declaration")
        _release_slot(declaration)
        return transition(declaration, S.CANCELLED, actor=actor, note=note, also=("slot",))


# ---------------------------------------------------------------- slot booking


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime
    free: int


def _slot_capacity(gate: Gate, direction: str, hour: datetime,
                   notices: list[GateNotice] | None = None) -> tuple[int, int]:
    """(capacity, places reserved for perishables) of one hour, after any gate notice."""
    capacity = gate.capacity_per_hour(direction)
    if notices is None:
        notices = selectors.notices_over(gate, direction, [hour])
    for notice in notices:
        if notice.starts_at <= hour < notice.ends_at:
            capacity = min(capacity, capacity * notice.capacity_pct // 100)
    return capacity, math.ceil(capacity * gate.perishable_share_pct / 100)


def _ensure_slot(gate: Gate, direction: str, starts_at: datetime) -> Slot:
    capacity, reserved = _slot_capacity(gate, direction, starts_at)
    slot, _ = Slot.objects.get_or_create(
        gate=gate, direction=direction, starts_at=starts_at,
        defaults={"capacity": capacity, "perishable_reserved": reserved},
    )
    return slot


def _take_place(slot_id: int, perishable: bool, *, count_as_perishable: bool | None = None
                ) -> bool:
    """Atomically take one place; False when the slot is full for this kind of load.

    A conditional UPDATE is decided by the database row by row, so two bookings racing for
    the last place cannot both win; the check constraint `slot_not_overbooked` backs it up.
    Non-perishable loads leave `perishable_reserved` places free for fresh produce."""
    condition = Q(booked__lt=F("capacity"))
    if not perishable:
        condition &= Q(booked__lt=F("capacity") - F("perishable_reserved") + F("booked_perishable"))
    changes = {"booked": F("booked") + 1}
    if perishable if count_as_perishable is None else count_as_perishable:
        changes["booked_perishable"] = F("booked_perishable") + 1
    return Slot.objects.filter(condition, pk=slot_id).update(**changes) == 1


def _release_slot(declaration: Declaration) -> None:
    """Give the booked place back. Every caller then moves the declaration on: its
    `transition(..., also=("slot",))` saves the emptied slot in the same UPDATE."""
    if declaration.slot_id is None:
        return
    changes = {"booked": F("booked") - 1}
    if declaration.goods.perishable:
        changes["booked_perishable"] = F("booked_perishable") - 1
    Slot.objects.filter(pk=declaration.slot_id).update(**changes)
    declaration.slot = None


def _slot_state(slot: Slot | None, hour: datetime, capacity: int, reserved: int) -> SlotState:
    if slot is None:
        return SlotState(id=hour, start=hour, capacity=capacity, reserved=reserved)
    return SlotState(id=hour, start=hour, capacity=slot.capacity, used=slot.booked,
                     reserved=slot.perishable_reserved,
                     reserved_used=min(slot.booked_perishable, slot.perishable_reserved))


def nearest_free_slots(gate: Gate, direction: str, requested: datetime, *, perishable: bool,
                       limit: int = 5, window_hours: int = 48,
                       now: datetime | None = None) -> list[FreeSlot]:
    """The free hours nearest the requested one, as the booking screen offers them: the
    engine's online rule over this gate's slot table."""
    now = now or timezone.now()
    requested = selectors.hour_of(requested)
    hours = [h for h in selectors.open_hours(gate, requested - timedelta(hours=window_hours),
                                            requested + timedelta(hours=window_hours))
             if h + timedelta(hours=1) > now]
    existing = {s.starts_at: s for s in Slot.objects.filter(
        gate=gate, direction=direction, starts_at__in=hours)}
    notices = selectors.notices_over(gate, direction, hours)
    states = {h: _slot_state(existing.get(h), h, *_slot_capacity(gate, direction, h, notices))
              for h in hours}
    chosen = nearest_free(list(states.values()), requested, perishable=perishable, count=limit)
    return [FreeSlot(h, free_places(states[h], perishable=perishable)) for h in chosen]


class SlotFull(Exception):
    def __init__(self, error, alternatives: list[FreeSlot]):
        super().__init__(str(error))
        self.error = error
        self.alternatives = alternatives


def book_slot(*, actor, declaration: Declaration, starts_at: datetime) -> Declaration:
    """Book the hour asked for; if it is full, raise SlotFull with the nearest free hours."""
    _require_enterprise(actor, declaration)
    hour = selectors.hour_of(starts_at)
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.state not in {S.SUBMITTED, S.BOOKED, S.NO_SHOW}:
            raise _not_allowed(declaration, "đặt khung giờ", "book a slot")
        gate = declaration.gate
        if hour not in selectors.open_hours(gate, hour, hour + timedelta(hours=1)):
            raise border_error(BorderError.GATE_CLOSED, field="starts_at",
                               opens=f"{gate.opens_at:%H:%M}", closes=f"{gate.closes_at:%H:%M}")
        if declaration.slot_id and declaration.slot.starts_at == hour:
            return declaration
        slot = _ensure_slot(gate, declaration.direction, hour)
        if not _take_place(slot.pk, declaration.goods.perishable):
            raise SlotFull(
                border_error(BorderError.SLOT_FULL, field="starts_at"),
                nearest_free_slots(gate, declaration.direction, hour,
                                   perishable=declaration.goods.perishable),
            )
        _release_slot(declaration)
        declaration.slot = slot
        declaration.lost_booking_priority = False
        transition(declaration, S.BOOKED, actor=actor, note=f"slot {slot}",
                   also=("slot", "lost_booking_priority"))
    return declaration


def mark_no_shows(*, now: datetime | None = None) -> list[int]:
    """Booked trucks that did not arrive within their gate's no-show window lose the slot."""
    now = now or timezone.now()
    marked = []
    # Only slots that have started can be overdue; each gate's own window is checked below.
    candidates = Declaration.objects.filter(
        state=S.BOOKED, slot__starts_at__lte=now).select_related("gate", "slot")
    for declaration in candidates:
        deadline = declaration.slot.starts_at + timedelta(
            minutes=declaration.gate.no_show_after_minutes)
        if deadline > now:
            continue
        with transaction.atomic():
            locked = _locked(declaration)
            if locked.state != S.BOOKED:
                continue
            _release_slot(locked)
            transition(locked, S.NO_SHOW, actor=None, at=now, also=("slot",))
            marked.append(locked.pk)
            _notify_enterprise_later(locked, "no_show",
                                     f"Xe {locked.plate} không đến trong khung giờ đã đặt.",
                                     f"Truck {locked.plate} did not arrive in its slot.")
    return marked


# ---------------------------------------------------------------- plate cameras


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
        declaration = (_relocked(prefetched) if prefetched is not None
                       else _locked_pk(event.declaration_id))
    except Declaration.DoesNotExist:
        declaration = None  # deleted since the plate index was loaded
    if declaration is None or (prefetched is None and match_plate(
            event.plate_read, [(declaration.pk, declaration.plate)]) is None):
        # Matched through a plate index read before the truck was deleted or its plate
        # corrected: the read no longer fits it.
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
    if position == CameraPosition.YARD_ENTRY and declaration.state in {S.SUBMITTED, S.BOOKED,
                                                                      S.NO_SHOW}:
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
        _clear_if_complete(declaration, actor=actor)
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
            locked = _locked(declaration)
            if locked.gate_id != event.camera.gate_id:
                raise _not_allowed(locked, "ghép với camera của cửa khẩu khác",
                                   "match it to another gate's camera")
            target = _decide_camera_step(event.camera, event, locked)
            event.declaration = locked
            event.status = PlateEvent.Status.RESOLVED
            event.save(update_fields=["declaration", "resolved_by", "status", "barrier",
                                      "reason"])
            if target is not None:
                _advance(actor, event.camera, locked, target, event.captured_at)
        audit.record(actor=actor, action="plate_event.resolve", obj=event, before=before,
                     after={"status": event.status, "declaration": event.declaration_id,
                            "barrier": event.barrier})
    return event


# ---------------------------------------------------------------- calling to the gate


def call_next(*, actor, gate: Gate, count: int, now: datetime | None = None) -> list[Declaration]:
    """Call the next trucks of the yard queue, at most what the gate can take this hour."""
    require(actor, "border.gate_console")
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the gate row: two operators pressing "call" at once must not call twice.
        gate = Gate.objects.select_for_update().get(pk=gate.pk)
        room = selectors.gate_room_now(gate, now)
        queue = selectors.yard_queue(gate)[: max(0, min(count, room))]
        called = []
        for entry in queue:
            declaration = _locked_pk(entry.key)
            if declaration.state != S.IN_YARD:
                continue
            transition(declaration, S.CALLED, actor=actor, at=now)
            called.append(declaration)
            _notify_driver_later(
                declaration, "called",
                f"Xe {declaration.plate}: mời lên cửa khẩu {gate.name} ngay.",
                f"Truck {declaration.plate}: please drive to {gate.name} now.",
            )
    if called:  # everyone behind them moved up
        cache.delete(selectors.queue_positions_key(gate.pk))
    return called


def _notify_driver_later(declaration: Declaration, kind: str, vi: str, en: str) -> None:
    note = Notification(recipient=declaration.driver_phone, kind=kind, message_vi=vi,
                        message_en=en, link=f"/border/ticket/{declaration.ticket_token}/")
    transaction.on_commit(lambda: send(note))


def _notify_enterprise_later(declaration: Declaration, kind: str, vi: str, en: str) -> None:
    note = Notification(recipient=f"org:{declaration.enterprise_id}", kind=kind, message_vi=vi,
                        message_en=en, link=f"/border/enterprise/#d{declaration.pk}")
    transaction.on_commit(lambda: send(note))


# ---------------------------------------------------------------- clearance


def required_agencies(declaration: Declaration) -> set[str]:
    agencies = {Agency.CUSTOMS, Agency.BORDER_GUARD}
    if declaration.goods.needs_quarantine:
        agencies.add(Agency.QUARANTINE)
    return agencies


def record_clearance(*, actor, declaration: Declaration, agency: str, verdict: str,
                     note: str = "") -> ClearanceDecision:
    """One agency's verdict. The truck is cleared when every agency its goods and direction
    need has passed it; a hold stops it; a reject ends the trip."""
    require(actor, AGENCY_PERMISSION[Agency(agency)])
    if verdict not in Verdict.values:
        raise border_error(BorderError.NOT_REQUIRED_AGENCY, field="verdict", agency=agency)
    with transaction.atomic():
        declaration = _locked(declaration)
        if agency not in required_agencies(declaration):
            raise border_error(BorderError.NOT_REQUIRED_AGENCY, field="agency",
                               agency=Agency(agency).label)
        if declaration.state not in CLEARANCE_STATES:
            raise _not_allowed(declaration, "ghi kết quả kiểm tra", "record a verdict")
        decision = ClearanceDecision.objects.create(
            declaration=declaration, agency=agency, verdict=verdict, note=note, officer=actor)
        audit.record(actor=actor, action=f"clearance.{agency}.{verdict}", obj=declaration,
                     after={"agency": agency, "verdict": verdict}, note=note)
        if verdict == Verdict.REJECT:
            _release_slot(declaration)
            transition(declaration, S.REJECTED, actor=actor, note=note, also=("slot",))
            _notify_enterprise_later(declaration, "rejected",
                                     f"Xe {declaration.plate} bị từ chối: {note}",
                                     f"Truck {declaration.plate} was rejected: {note}")
        elif verdict == Verdict.HOLD:
            if declaration.state != S.HELD:
                transition(declaration, S.HELD, actor=actor, note=note)
            _notify_enterprise_later(declaration, "held",
                                     f"Xe {declaration.plate} bị tạm giữ để kiểm tra: {note}",
                                     f"Truck {declaration.plate} is held for inspection: {note}")
        else:
            if declaration.state == S.HELD and not selectors.open_holds(declaration):
                transition(declaration, declaration.state_before_hold, actor=actor,
                           note="hold lifted")
            _clear_if_complete(declaration, actor=actor)
    return decision


def _clear_if_complete(declaration: Declaration, *, actor) -> None:
    if declaration.state == S.AT_GATE and selectors.passed_agencies(declaration) >= (
            required_agencies(declaration)):
        transition(declaration, S.CLEARED, actor=actor)


def can_act_for_agency(user, agency: str) -> bool:
    return has_perm(user, AGENCY_PERMISSION[Agency(agency)])
