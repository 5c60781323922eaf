"""Slots at the gate: booking, the nearest free hours, no-shows, and gate notices that move
every affected booking at once to the optimal free slots (the engine's LP), perishables
first; nothing is silently dropped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tinhso.accounts.permissions import require
from tinhso.border import selectors
from tinhso.border.engine import (
    Booking,
    SlotState,
    free_places,
    nearest_free,
    perishable_weight,
    reslot_optimal,
)
from tinhso.border.engine import Slot as EngineSlot
from tinhso.border.errors import Action, BorderError, border_error, border_invalid
from tinhso.border.models import Declaration, DeclarationState, Direction, Gate, GateNotice, Slot
from tinhso.border.services.common import (
    locked,
    not_allowed,
    notify_enterprise_later,
    require_enterprise,
    transition,
)
from tinhso.border.services.trips import check_trip_order, lock_vehicle
from tinhso.border.workflow import ARRIVING_STATES
from tinhso.core import audit
from tinhso.core.errors import FieldCollector

S = DeclarationState
# How far after its old slot a booking may be moved before we release it instead.
RESLOT_WINDOW_HOURS = 96


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime
    free: int


def slot_capacity(gate: Gate, direction: str, hour: datetime,
                  notices: list[GateNotice] | None = None) -> tuple[int, int]:
    """(capacity, places reserved for perishables) of one hour, after any gate notice."""
    capacity = selectors.capacity_at(gate, direction, hour, notices)
    return capacity, math.ceil(capacity * gate.perishable_share_pct / 100)


def fit_slot(slot: Slot, capacity: int, reserved: int) -> None:
    """Give an existing slot a new capacity (the gate's, after notices), never below the
    places already booked; the perishable reserve never exceeds the capacity. The caller
    holds the slot's row lock and saves it."""
    slot.capacity = max(capacity, slot.booked)
    slot.perishable_reserved = min(reserved, slot.capacity)


def ensure_slot(gate: Gate, direction: str, starts_at: datetime) -> Slot:
    capacity, reserved = slot_capacity(gate, direction, starts_at)
    slot, _ = Slot.objects.get_or_create(
        gate=gate, direction=direction, starts_at=starts_at,
        defaults={"capacity": capacity, "perishable_reserved": reserved},
    )
    return slot


def take_place(slot_id: int, perishable: bool, *, count_as_perishable: bool | None = None
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


def release_slot(declaration: Declaration, *, perishable: bool | None = None) -> None:
    """Give the booked place back, counted as it was taken (`perishable`: the load's kind
    when it was booked, if the goods were corrected since). Every caller then moves the
    declaration on: its `transition(..., also=("slot",))` saves the emptied slot in the
    same UPDATE."""
    if declaration.slot_id is None:
        return
    changes = {"booked": F("booked") - 1}
    if declaration.goods.perishable if perishable is None else perishable:
        changes["booked_perishable"] = F("booked_perishable") - 1
    Slot.objects.filter(pk=declaration.slot_id).update(**changes)
    declaration.slot = None


def recount_load_kind(slot_id: int, *, perishable: bool) -> None:
    """A booking's goods were corrected to (or from) a perishable load: the slot keeps the
    place but counts it as the new kind."""
    step = 1 if perishable else -1
    Slot.objects.filter(pk=slot_id).update(booked_perishable=F("booked_perishable") + step)


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
    states = {h: _slot_state(existing.get(h), h, *slot_capacity(gate, direction, h, notices))
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
    require_enterprise(actor, declaration)
    hour = selectors.hour_of(starts_at)
    with transaction.atomic():
        declaration = locked(declaration)
        if declaration.state not in ARRIVING_STATES:
            raise not_allowed(declaration, Action.BOOK_SLOT)
        gate = declaration.gate
        if hour + timedelta(hours=1) <= timezone.now():
            # A past hour would put the truck ahead of those booked for the current one.
            raise border_error(BorderError.SLOT_PAST, field="starts_at",
                               hour=f"{hour:%H:%M %d/%m/%Y}")
        if hour not in selectors.open_hours(gate, hour, hour + timedelta(hours=1)):
            raise border_error(BorderError.GATE_CLOSED, field="starts_at",
                               opens=f"{gate.opens_at:%H:%M}", closes=f"{gate.closes_at:%H:%M}")
        if declaration.slot_id and declaration.slot.starts_at == hour:
            return declaration
        # A later trip of the truck is never booked before, or over, an earlier one.
        lock_vehicle(declaration.plate)
        check_trip_order(plate=declaration.plate, trip_id=declaration.pk, starts=hour,
                         field="starts_at")
        slot = ensure_slot(gate, declaration.direction, hour)
        if not take_place(slot.pk, declaration.goods.perishable):
            raise SlotFull(
                border_error(BorderError.SLOT_FULL, field="starts_at"),
                nearest_free_slots(gate, declaration.direction, hour,
                                   perishable=declaration.goods.perishable),
            )
        release_slot(declaration)
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
            truck = locked(declaration)
            if truck.state != S.BOOKED:
                continue
            release_slot(truck)
            transition(truck, S.NO_SHOW, actor=None, at=now, also=("slot",))
            marked.append(truck.pk)
            notify_enterprise_later(truck, "no_show",
                                     f"Xe {truck.plate} không đến trong khung giờ đã đặt.",
                                     f"Truck {truck.plate} did not arrive in its slot.")
    return marked


# ---------------------------------------------------------------- gate notices


@dataclass
class NoticeOutcome:
    notice: GateNotice
    moved: dict[int, datetime] = field(default_factory=dict)  # declaration -> new slot
    released: list[int] = field(default_factory=list)  # no slot within the window


def _check_notice(starts_at, ends_at, kind, capacity_pct, directions) -> None:
    check = FieldCollector()
    if ends_at <= starts_at:
        check.fail(border_invalid(BorderError.NOTICE_ORDER, field="ends_at"))
    if kind == GateNotice.Kind.REDUCED and not 0 < capacity_pct < 100:
        check.fail(border_invalid(BorderError.NOTICE_CAPACITY, field="capacity_pct"))
    unknown = set(directions) - set(Direction.values)
    if unknown:
        check.fail(border_invalid(BorderError.NOTICE_DIRECTION, field="directions"))
    check.raise_if_invalid()


def announce_notice(*, actor, gate: Gate, kind: str, starts_at: datetime, ends_at: datetime,
                    reason_vi: str, reason_en: str = "", capacity_pct: int = 0,
                    directions: Sequence[str] = (), now: datetime | None = None) -> NoticeOutcome:
    require(actor, "border.manage_notices")
    if kind not in GateNotice.Kind.values:
        raise border_error(BorderError.NOTICE_KIND, field="kind")
    capacity_pct = 0 if kind == GateNotice.Kind.SUSPENSION else capacity_pct
    _check_notice(starts_at, ends_at, kind, capacity_pct, directions)
    now = now or timezone.now()
    with transaction.atomic():
        gate = Gate.objects.select_for_update().get(pk=gate.pk)
        notice = GateNotice.objects.create(
            gate=gate, kind=kind, starts_at=starts_at, ends_at=ends_at, capacity_pct=capacity_pct,
            directions=list(directions), reason_vi=reason_vi, reason_en=reason_en,
            created_by=actor)
        audit.record(actor=actor, action="gate_notice.announce", obj=notice, after={
            "kind": kind, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
            "capacity_pct": capacity_pct, "directions": list(directions)})
        outcome = NoticeOutcome(notice)
        for direction in directions or Direction.values:
            if gate.serves(direction):
                _reslot_direction(actor, gate, notice, direction, now, outcome)
    return outcome


def _reslot_direction(actor, gate: Gate, notice: GateNotice, direction: str, now: datetime,
                      outcome: NoticeOutcome) -> None:
    hit_slots = list(Slot.objects.select_for_update().filter(
        gate=gate, direction=direction, starts_at__gte=selectors.hour_of(notice.starts_at),
        starts_at__lt=notice.ends_at))
    affected = list(Declaration.objects.select_for_update(of=("self",)).select_related("goods")
                    .filter(slot__in=hit_slots, state=S.BOOKED).order_by("pk"))
    # Give every affected place back, then shrink the slots to what the notices in force
    # leave (the new one among them). Trucks of the slot already in the yard keep their
    # place (rows are locked above).
    in_force = selectors.notices_over(gate, direction, [slot.starts_at for slot in hit_slots])
    for slot in hit_slots:
        capacity, reserved = slot_capacity(gate, direction, slot.starts_at, in_force)
        slot.booked -= _count(affected, slot.pk)
        slot.booked_perishable -= _count(affected, slot.pk, perishable=True)
        fit_slot(slot, capacity, reserved)
        slot.save(update_fields=["booked", "booked_perishable", "capacity",
                                 "perishable_reserved"])
    if not affected:
        return
    origin = selectors.hour_of(min(d.slot.starts_at for d in affected))
    horizon = max(d.slot.starts_at for d in affected) + timedelta(hours=RESLOT_WINDOW_HOURS)
    hours = [h for h in selectors.open_hours(gate, origin, horizon) if h >= now - timedelta(
        hours=1)]
    existing = {s.starts_at: s for s in Slot.objects.filter(
        gate=gate, direction=direction, starts_at__in=hours)}
    notices = selectors.notices_over(gate, direction, hours)
    engine_slots = []
    for hour in hours:
        slot = existing.get(hour)
        capacity = slot.capacity if slot else slot_capacity(gate, direction, hour, notices)[0]
        free = capacity - (slot.booked if slot else 0)
        if free > 0:
            engine_slots.append(EngineSlot(id=hour, lane=direction, hour=_index(origin, hour),
                                           capacity=free))
    bookings = [
        Booking(id=d.pk, lane=direction, requested=_index(origin, d.slot.starts_at),
                weight=perishable_weight(_shelf_left(d, now)))
        for d in affected
    ]
    assignment = reslot_optimal(bookings, engine_slots, window_hours=RESLOT_WINDOW_HOURS)
    for declaration in affected:
        new_hour = assignment.get(declaration.pk)
        old_hour = declaration.slot.starts_at
        if new_hour is not None:
            slot = ensure_slot(gate, direction, new_hour)
            # The LP respected each slot's free places; the reserved share is the LP's
            # perishable weight here, so the place is taken regardless of it.
            if take_place(slot.pk, perishable=True, count_as_perishable=declaration.perishable):
                declaration.slot = slot
                transition(declaration, S.BOOKED, actor=actor, also=("slot",),
                           note=f"gate notice #{notice.pk}: {old_hour:%d/%m %H:%M} → "
                                f"{timezone.localtime(new_hour):%d/%m %H:%M}")
                outcome.moved[declaration.pk] = new_hour
                notify_enterprise_later(
                    declaration, "reslotted",
                    f"Xe {declaration.plate}: {notice.reason_vi}. Khung giờ mới "
                    f"{timezone.localtime(new_hour):%H:%M %d/%m/%Y}.",
                    f"Truck {declaration.plate}: {notice.reason_en or notice.reason_vi}. "
                    f"New slot {timezone.localtime(new_hour):%d/%m/%Y %H:%M}.")
                continue
        declaration.slot = None
        transition(declaration, S.SUBMITTED, actor=actor, also=("slot",),
                   note=f"gate notice #{notice.pk}: no free slot within "
                        f"{RESLOT_WINDOW_HOURS} h, booking released")
        outcome.released.append(declaration.pk)
        notify_enterprise_later(
            declaration, "booking_released",
            f"Xe {declaration.plate}: {notice.reason_vi}. Không còn khung giờ trống, "
            "vui lòng đặt lại.",
            f"Truck {declaration.plate}: {notice.reason_en or notice.reason_vi}. No free slot "
            "left: please book again.")


def _count(declarations, slot_id: int, *, perishable: bool = False) -> int:
    return sum(1 for d in declarations
               if d.slot_id == slot_id and (not perishable or d.goods.perishable))


def _index(origin: datetime, hour: datetime) -> int:
    return round((hour - origin).total_seconds() / 3600)


def _shelf_left(declaration: Declaration, now: datetime) -> float | None:
    goods = declaration.goods
    if not goods.perishable or not goods.shelf_life_hours:
        return None
    loaded = declaration.loaded_at or declaration.expected_arrival
    return goods.shelf_life_hours - (now - loaded).total_seconds() / 3600
