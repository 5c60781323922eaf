"""Reads of the border app: queues, free places, occupancy."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role
from tinhso.border.models import (
    ACTIVE_STATES,
    Camera,
    ClearanceDecision,
    Declaration,
    DeclarationState,
    Gate,
    GateNotice,
    PlateEvent,
    Verdict,
    Yard,
)
from tinhso.border.queueing import QueueEntry, call_order

S = DeclarationState
IN_GATE_PIPELINE = [S.CALLED, S.AT_GATE, S.CLEARED]
CAMERA_CACHE_SECONDS = 60


def hour_of(moment: datetime) -> datetime:
    """The start of the local hour that contains `moment` (slots are local hours)."""
    local = timezone.localtime(moment)
    return local.replace(minute=0, second=0, microsecond=0)


def open_hours(gate: Gate, start: datetime, end: datetime) -> list[datetime]:
    """Local hour starts in [start, end) during which the gate works."""
    hours = []
    hour = hour_of(start)
    if hour < start:
        hour += timedelta(hours=1)
    while hour < end:
        if gate.opens_at <= hour.time() < gate.closes_at:
            hours.append(hour)
        hour = timezone.localtime(hour + timedelta(hours=1))
    return hours


def notices_over(gate: Gate, direction: str, hours: list[datetime]) -> list[GateNotice]:
    """Gate notices that cut capacity for this direction during any of these hours."""
    if not hours:
        return []
    notices = GateNotice.objects.filter(gate=gate, starts_at__lt=max(hours) + timedelta(hours=1),
                                        ends_at__gt=min(hours))
    return [n for n in notices if not n.directions or direction in n.directions]


def camera_by_code(code: str) -> Camera | None:
    """Cameras change rarely and every read looks one up: keep them a minute in the cache."""
    return cache.get_or_set(
        f"border:camera:{code}",
        lambda: Camera.objects.select_related("gate", "yard").filter(code=code).first(),
        CAMERA_CACHE_SECONDS,
    )


def active_plates_at(gate_id: int) -> list[tuple[int, str]]:
    return list(Declaration.objects.filter(gate_id=gate_id, state__in=ACTIVE_STATES)
                .values_list("id", "plate"))


def active_trucks_at(gate: Gate, *, key: str) -> list[Declaration]:
    """Active declarations at a gate with this plate key, with what a camera step needs.

    The gate is attached from the caller rather than joined: with the join, SQLite's
    planner walks the (gate, state) index over every active truck instead of using the
    (plate_key, gate, state) one."""
    trucks = list(Declaration.objects.filter(gate=gate, state__in=ACTIVE_STATES, plate_key=key)
                  .select_related("goods", "slot"))
    for truck in trucks:
        truck.gate = gate
    return trucks


def yard_occupancy(yard: Yard) -> int:
    return Declaration.objects.filter(yard=yard, state__in=[S.IN_YARD, S.CALLED, S.HELD]).count()


def yard_queue(gate: Gate) -> list[QueueEntry]:
    """Trucks waiting in the gate's yards, in the order they will be called."""
    rows = (
        Declaration.objects.filter(gate=gate, state=S.IN_YARD)
        .values_list("id", "checked_in_at", "slot__starts_at", "lost_booking_priority",
                     "goods__perishable")
    )
    entries = [
        QueueEntry(key=pk, checked_in_at=checked_in,
                   slot_starts_at=None if lost else slot_start, perishable=perishable)
        for pk, checked_in, slot_start, lost, perishable in rows
    ]
    return call_order(entries, gate.perishable_interleave)


def gate_room_now(gate: Gate, now: datetime) -> int:
    """How many more trucks the gate can take now: one hour of capacity, less the trucks
    already called and not yet across."""
    hourly = gate.export_per_hour + gate.import_per_hour + gate.transit_per_hour
    if not gate.opens_at <= timezone.localtime(now).time() < gate.closes_at:
        return 0
    in_pipeline = Declaration.objects.filter(gate=gate, state__in=IN_GATE_PIPELINE).count()
    return max(0, hourly - in_pipeline)


def _latest_verdicts(declaration: Declaration) -> dict[str, str]:
    latest: dict[str, str] = {}
    for agency, verdict in ClearanceDecision.objects.filter(declaration=declaration).order_by(
            "decided_at", "id").values_list("agency", "verdict"):
        latest[agency] = verdict
    return latest


def passed_agencies(declaration: Declaration) -> set[str]:
    return {a for a, v in _latest_verdicts(declaration).items() if v == Verdict.PASS}


def open_holds(declaration: Declaration) -> set[str]:
    return {a for a, v in _latest_verdicts(declaration).items() if v == Verdict.HOLD}


def queue_position(declaration: Declaration) -> int | None:
    """1-based position in the yard queue, for the driver's e-ticket."""
    if declaration.state != S.IN_YARD:
        return None
    for position, entry in enumerate(yard_queue(declaration.gate), start=1):
        if entry.key == declaration.pk:
            return position
    return None


def declarations_for_agency(user, agency: str):
    """Trucks an agency officer has to look at: active, needing that agency, not yet
    passed by it, most urgent (perishable, earliest) first."""
    trucks = (
        Declaration.objects.visible_to(user)
        .filter(state__in=[S.SUBMITTED, S.BOOKED, S.IN_YARD, S.CALLED, S.AT_GATE, S.HELD])
        .select_related("goods", "gate", "enterprise")
        .order_by("-goods__perishable", "expected_arrival")
    )
    if agency == "quarantine":
        trucks = trucks.filter(goods__needs_quarantine=True)
    passed = ClearanceDecision.objects.filter(agency=agency, verdict=Verdict.PASS).values(
        "declaration_id")
    return trucks.exclude(pk__in=passed)


def exception_desk(user):
    """Camera reads waiting for a person, for the yard operators whose cameras they came from."""
    events = PlateEvent.objects.filter(status=PlateEvent.Status.EXCEPTION, barrier="hold")
    if not user.is_superuser:
        events = events.filter(
            camera__operator_id__in=organizations_with_role(user, [Role.YARD_OPERATOR]))
    return events.select_related("camera", "declaration").order_by("captured_at")
