"""Reads of the border app: queues, free places, occupancy.

The reads on the plate-camera hot path (``active_trucks_at``, ``lock_if_unchanged``,
``yard_places_left``) are written in SQL: there, compiling the ORM query cost ten times
what the database spent running it (``bench/border_events.py``). They return model
instances (through ``core.rows``) or plain numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role
from tinhso.border.engine import capacity_in_force
from tinhso.border.models import (
    Camera,
    ClearanceDecision,
    Declaration,
    DeclarationState,
    Gate,
    GateNotice,
    PlateEvent,
    Slot,
    Verdict,
    Yard,
)
from tinhso.border.platematch import PlateIndex, plate_key, vehicle_id
from tinhso.border.queueing import QueueEntry, call_order
from tinhso.border.workflow import (
    ACTIVE_STATES,
    AGENCY_WORK_STATES,
    ARRIVING_STATES,
    GATE_PIPELINE_STATES,
    YARD_PIPELINE_STATES,
    YARD_STATES,
    in_yard_pipeline,
)
from tinhso.core import rows

S = DeclarationState
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
        if gate.works_at(hour.time()):
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


def capacity_at(gate: Gate, direction: str, moment: datetime,
                notices: list[GateNotice] | None = None) -> int:
    """Trucks per hour the gate takes in this direction at `moment`, under the gate notices
    then in force (`notices`: those already read, e.g. by `notices_over`)."""
    if notices is None:
        notices = notices_over(gate, direction, [hour_of(moment)])
    return capacity_in_force(gate.capacity_per_hour(direction), [
        n.capacity_pct for n in notices
        if n.gate_id == gate.pk and n.starts_at <= moment < n.ends_at
        and (not n.directions or direction in n.directions)])


def notices_in_force(gate_ids: list[int], moment: datetime) -> list[GateNotice]:
    return list(GateNotice.objects.filter(gate_id__in=gate_ids, starts_at__lte=moment,
                                          ends_at__gt=moment))


def camera_by_code(code: str) -> Camera | None:
    """Cameras change rarely and every read looks one up: keep them a minute in the cache."""
    return cache.get_or_set(
        f"border:camera:{code}",
        lambda: Camera.objects.select_related("gate", "yard").filter(code=code).first(),
        CAMERA_CACHE_SECONDS,
    )


_IN_ACTIVE_STATE = f"state IN ({', '.join(['%s'] * len(ACTIVE_STATES))})"

#: How long a gate's plate keys are reused from the cache before being read again.
PLATE_INDEX_SECONDS = 2


def plate_index_key(gate_id: int) -> str:
    return f"border:plate-keys:{gate_id}"


def active_plate_index(gate_id: int) -> PlateIndex:
    """Every active truck's plate at a gate, for proposing the closest plates to a read
    that matches none exactly.

    The plate keys are shared through the cache for ``PLATE_INDEX_SECONDS``: reading
    5,000 of them costs several milliseconds, a match a fraction of one. A stale index
    moves no truck (a close plate never does) and proposes none that left or changed
    plate (the proposals are read again, ``active_plates_among``). At worst, a truck
    declared in the last seconds is not proposed for a misread of its plate."""
    held = cache.get(plate_index_key(gate_id))
    if held is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, plate_key FROM border_declaration"
                           f" WHERE gate_id = %s AND {_IN_ACTIVE_STATE}", [gate_id, *ACTIVE_STATES])
            active = cursor.fetchall()
        held = ([pk for pk, _ in active], [key for _, key in active])
        cache.set(plate_index_key(gate_id), held, PLATE_INDEX_SECONDS)
    return PlateIndex.of_keys(*held)


def active_trucks_at(gate: Gate, *, key: str) -> list[Declaration]:
    """Active declarations at a gate with this plate key, with what a camera step needs
    (the gate, and the slot of a booked truck) attached."""
    trucks = rows.select(Declaration, f"plate_key = %s AND gate_id = %s AND {_IN_ACTIVE_STATE}",
                         [key, gate.pk, *ACTIVE_STATES])
    slot_ids = [t.slot_id for t in trucks if t.slot_id is not None]
    slots = {slot.pk: slot for slot in rows.select(
        Slot, f"id IN ({', '.join(['%s'] * len(slot_ids))})", slot_ids)} if slot_ids else {}
    for truck in trucks:
        truck.gate = gate
        if truck.slot_id is not None:
            truck.slot = slots[truck.slot_id]
    return trucks


def active_plates_among(gate_id: int, ids: list[int]) -> list[Declaration]:
    """Those declarations that are still active at the gate, read now (the plate index
    they were found in may be seconds old), with their slots. Off the common path (a read
    that matches no plate exactly), so the ORM."""
    return list(Declaration.objects.filter(pk__in=ids, gate_id=gate_id, state__in=ACTIVE_STATES)
                .select_related("slot"))


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_if_unchanged(declaration: Declaration) -> bool:
    """Lock the declaration's row (until the transaction ends) if nobody saved it since
    this copy was read; False if somebody did. SQLite has no row locks: its writer already
    holds the whole database."""
    updated_at = Declaration._meta.get_field("updated_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM border_declaration WHERE id = %s AND updated_at = %s{_for_update()}",
            [declaration.pk, updated_at.get_db_prep_value(declaration.updated_at, connection)])
        return cursor.fetchone() is not None


_YARD_OCCUPANCY = ("SELECT COUNT(*) FROM border_declaration WHERE yard_id = %s"
                   f" AND state IN ({', '.join(['%s'] * len(YARD_STATES))})")


def yard_occupancy(yard: Yard) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_YARD_OCCUPANCY, [yard.pk, *YARD_STATES])
        return cursor.fetchone()[0]


def yard_places_left(yard_id: int) -> int:
    """Free places in a yard, for a check-in: the yard's row is locked until the
    transaction ends, so two trucks cannot both take its last place."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT capacity FROM border_yard WHERE id = %s{_for_update()}", [yard_id])
        (capacity,) = cursor.fetchone()
        cursor.execute(_YARD_OCCUPANCY, [yard_id, *YARD_STATES])
        return capacity - cursor.fetchone()[0]


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
    if not gate.is_open_at(now):
        return 0
    notices = notices_in_force([gate.pk], now)
    hourly = sum(capacity_at(gate, direction, now, notices)
                 for direction in ("export", "import", "transit"))
    in_pipeline = Declaration.objects.filter(gate=gate, state__in=GATE_PIPELINE_STATES).count()
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


#: How long the gate's call order is reused for drivers' e-tickets.
QUEUE_POSITIONS_SECONDS = 15


def queue_positions_key(gate_id: int) -> str:
    return f"border:queue-positions:{gate_id}"


def queue_position(declaration: Declaration) -> int | None:
    """1-based position in the yard queue, for the driver's e-ticket.

    Every truck in the yard refreshes its e-ticket: computing the whole call order for
    each would cost the server thousands of orderings a minute on a peak day. The order
    is cached per gate for ``QUEUE_POSITIONS_SECONDS``; calling trucks drops it, and a
    truck not found in it (it checked in since) orders the queue afresh. A hold lifted or
    placed in the meantime shows up at the next refresh."""
    if declaration.state != S.IN_YARD:
        return None
    key = queue_positions_key(declaration.gate_id)
    positions = cache.get(key)
    if positions is None or declaration.pk not in positions:
        positions = {entry.key: position for position, entry in
                     enumerate(yard_queue(declaration.gate), start=1)}
        cache.set(key, positions, QUEUE_POSITIONS_SECONDS)
    return positions.get(declaration.pk)


def declarations_for_agency(user, agency: str):
    """Trucks an agency officer has to look at: active, needing that agency, not yet
    passed by it, most urgent (perishable, earliest) first."""
    trucks = (
        Declaration.objects.visible_to(user)
        .filter(state__in=AGENCY_WORK_STATES)
        .select_related("goods", "gate", "enterprise", "slot")
        .order_by("-goods__perishable", "expected_arrival")
    )
    if agency == "quarantine":
        trucks = trucks.filter(goods__needs_quarantine=True)
    passed = ClearanceDecision.objects.filter(agency=agency, verdict=Verdict.PASS).values(
        "declaration_id")
    return trucks.exclude(pk__in=passed)


#: Who resolves a camera's reads at the desk: the role that works at its place, in the
#: organisation that operates the camera.
DESK_ROLES = {"yard_entry": Role.YARD_OPERATOR, "yard_exit": Role.YARD_OPERATOR,
              "gate": Role.GATE_OPERATOR}


def desk_role(camera: Camera) -> Role:
    return DESK_ROLES[camera.position]


def desk_cameras(user) -> Q:
    """The cameras whose reads this user resolves at the exception desk."""
    if user.is_superuser:
        return Q()
    rule = Q(pk__in=[])
    for role in set(DESK_ROLES.values()):
        orgs = organizations_with_role(user, [role])
        if orgs:
            positions = [p for p, r in DESK_ROLES.items() if r == role]
            rule |= Q(position__in=positions, operator_id__in=orgs)
    return rule


def may_resolve(user, camera: Camera) -> bool:
    return user.is_superuser or camera.operator_id in organizations_with_role(
        user, [desk_role(camera)])


def has_exception_desk(user) -> bool:
    return user.is_superuser or bool(organizations_with_role(user, list(set(DESK_ROLES.values()))))


def exception_desk(user, *, positions: tuple[str, ...] | None = None):
    """Camera reads waiting for a person, for those who work where the camera is: a yard
    camera's for its yard operator, a gate camera's for the gate operator."""
    cameras = Camera.objects.filter(desk_cameras(user))
    if positions is not None:
        cameras = cameras.filter(position__in=positions)
    events = PlateEvent.objects.filter(status=PlateEvent.Status.EXCEPTION, barrier="hold",
                                       camera__in=cameras)
    return events.select_related("camera", "declaration").order_by("captured_at")


def desk_choices(user, gate_ids):
    """The trucks an operator may name at the desk, with what tells two trips of one plate
    apart (code, slot, goods, enterprise)."""
    return (Declaration.objects.visible_to(user)
            .filter(gate_id__in=gate_ids, state__in=ACTIVE_STATES)
            .select_related("slot", "goods", "enterprise")
            .order_by("plate", "expected_arrival"))


def bookings_outside_hours(gate: Gate, now: datetime) -> list[Declaration]:
    """Bookings of hours not yet over that the gate's (changed) hours no longer cover:
    kept, but the board and the enterprises must know."""
    booked = Declaration.objects.filter(
        gate=gate, state=S.BOOKED, slot__starts_at__gt=now - timedelta(hours=1),
    ).select_related("slot").order_by("slot__starts_at")
    return [d for d in booked if not gate.works_at(timezone.localtime(d.slot.starts_at).time())]


def gates_crossed_by_hand(user):
    """The gates whose crossings this user may record by hand (the gate camera is down):
    those whose gate camera is operated by an organisation where the user is a gate
    operator."""
    gates = Gate.objects.filter(is_active=True).order_by("name")
    if user.is_superuser:
        return gates
    orgs = organizations_with_role(user, [Role.GATE_OPERATOR])
    return gates.filter(pk__in=Camera.objects.filter(
        position="gate", operator_id__in=orgs).values("gate_id"))


def manual_crossing_choices(user, gate: Gate):
    """The trucks a gate operator may let cross by hand: cleared at this gate."""
    return (Declaration.objects.visible_to(user).filter(gate=gate, state=S.CLEARED)
            .select_related("slot", "goods", "enterprise").order_by("cleared_at", "pk"))


def manual_step_choices(user, yard: Yard, step: str):
    """The trucks a yard operator may check in (not arrived yet, at the yard's gate) or out
    (called, in this yard) by hand."""
    trucks = Declaration.objects.visible_to(user).filter(gate_id=yard.gate_id).select_related(
        "slot", "goods", "enterprise")
    if step == "check_out":
        trucks = trucks.filter(yard=yard, state=S.CALLED)
    else:
        trucks = trucks.filter(state__in=ARRIVING_STATES)
    return trucks.order_by("plate", "expected_arrival")[:300]


def trip_in_pipeline(plate: str, *, exclude: int | None = None) -> Declaration | None:
    """The declaration of this vehicle in a yard or at the gate, if any (at most one)."""
    trips = Declaration.objects.filter(plate_key=plate_key(plate)).filter(
        Q(state__in=YARD_PIPELINE_STATES)
        | Q(state=S.HELD, state_before_hold__in=YARD_PIPELINE_STATES))
    if exclude is not None:
        trips = trips.exclude(pk=exclude)
    vehicle = vehicle_id(plate)
    return next((t for t in trips if vehicle_id(t.plate) == vehicle), None)


def active_trips_of(plate: str) -> list[Declaration]:
    """The vehicle's active declarations (the same declared plate, whatever the gate)."""
    vehicle = vehicle_id(plate)
    return [t for t in Declaration.objects.filter(plate_key=plate_key(plate),
                                                  state__in=ACTIVE_STATES).select_related("slot")
            if vehicle_id(t.plate) == vehicle]


def trip_busy_until(trip: Declaration, now: datetime) -> datetime:
    """Until when a vehicle is taken by this trip: the end of its booked slot, else of the
    hour it is expected in; a truck already in the pipeline at least until now."""
    due = (trip.slot.starts_at if trip.slot_id else hour_of(trip.expected_arrival)) \
        + timedelta(hours=1)
    if in_yard_pipeline(trip.state, trip.state_before_hold):
        due = max(due, now)
    return due


def later_trips(declarations) -> set[int]:
    """Of these declarations, those that are a later trip of a vehicle with an earlier
    active one (the one in the pipeline, else the earliest due): "chuyến sau"."""
    keys = {d.plate_key for d in declarations if d.state in ACTIVE_STATES}
    if not keys:
        return set()
    first: dict[str, tuple] = {}
    active = Declaration.objects.filter(plate_key__in=keys, state__in=ACTIVE_STATES).values_list(
        "id", "plate", "state", "state_before_hold", "slot__starts_at", "expected_arrival")
    for pk, plate, state, before_hold, slot_start, arrival in active:
        rank = (not in_yard_pipeline(state, before_hold), slot_start or arrival, pk)
        vehicle = vehicle_id(plate)
        if vehicle not in first or rank < first[vehicle]:
            first[vehicle] = rank
    return {d.pk for d in declarations
            if d.state in ACTIVE_STATES and first[vehicle_id(d.plate)][-1] != d.pk}
