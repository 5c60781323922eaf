"""What one plate-camera read does: a pure function of the read, the candidate trucks,
the yard's free places and the clock. No Django import.

The barrier opens only for the one active truck whose plate a camera cannot tell apart
from the read (equal :func:`~tinhso.border.platematch.plate_key`: equal up to separators,
case and the OCR confusion classes), and only for a read that is confident and dated
now. Everything else is recorded and held for the exception desk, with the closest
truck proposed when there is one clear candidate: a plate one digit off may be another,
undeclared vehicle, and only a person may decide it is the declared one.

``services.cameras`` gathers the inputs (candidates read from the database, the matched
truck's row locked) and applies the :class:`Decision`. State names are the workflow's
values (``DeclarationState``); ``tests/border/test_camera_rules.py`` checks
:data:`STEPS` against ``workflow.TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tinhso.border.platematch import PlateIndex

#: A camera clock may run this far ahead of the server's before its reads are distrusted:
#: NTP-less cameras drift by minutes, not by hours, and a read from the future (year
#: 9999, once) must never become a check-in time.
CLOCK_AHEAD_LIMIT = timedelta(minutes=5)
#: A read older than this no longer describes the vehicle at the barrier (the truck has
#: driven on, or another stands there): it goes to the desk, where the operator sees
#: whether the truck is in the yard. Not the gate's late_grace_minutes: that is how late
#: a truck may come for its booked slot (an hour by default), a policy about bookings,
#: not about how old a barrier command may be. Twice CLOCK_AHEAD_LIMIT, so a camera clock
#: behind by as much as one ahead is trusted still, with minutes left for a retry.
MAX_READ_AGE = timedelta(minutes=10)

MATCHED, EXCEPTION = "matched", "exception"  # PlateEvent.Status values
OPEN, HOLD = "open", "hold"
#: A slot is one hour.
SLOT_LENGTH = timedelta(hours=1)
#: ``workflow.YARD_PIPELINE_STATES`` (a held truck counts when held from one of them):
#: a plate has at most one declaration there at a time.
PIPELINE_STATES = frozenset({"in_yard", "called", "at_gate", "cleared"})
#: Why the camera chose one of several trips of the same plate (the event's reason even
#: when the barrier opens, so the desk and the audit see the choice was made).
IN_PIPELINE = "trip_in_pipeline"  # the trip already in the yard or at the gate
SLOT_NOW = "trip_slot_now"  # the booked trip whose slot (with the late grace) is now
NEXT_TRIP = "trip_next"  # no slot is now: the earliest trip due
#: A yard's exit camera read a called truck that is checked into another yard.
OTHER_YARD = "other_yard"


@dataclass(frozen=True)
class Step:
    """What a camera does to a truck: move it from any of ``acts_on`` to ``target``."""

    acts_on: frozenset[str]
    target: str
    takes_yard_place: bool = False


#: Camera position -> its step. Yard entry checks in a truck that has not arrived yet
#: (booked, declared without booking, or late after a no-show) if the yard has room;
#: yard exit sends a called truck to the gate; the gate camera records a cleared truck
#: crossing. A truck anywhere else in the flow is held, not dropped.
STEPS: dict[str, Step] = {
    "yard_entry": Step(frozenset({"submitted", "booked", "no_show"}), "in_yard",
                       takes_yard_place=True),
    "yard_exit": Step(frozenset({"called"}), "at_gate"),
    "gate": Step(frozenset({"cleared"}), "crossed"),
}


@dataclass(frozen=True)
class Read:
    plate_key: str  # platematch.plate_key of the text read
    confidence: float
    captured_at: datetime  # aware


@dataclass(frozen=True)
class CameraSetup:
    position: str  # a key of STEPS
    min_confidence: float
    #: The gate's late_grace_minutes: how long after its slot ends a booked truck still
    #: arrives "in its slot" when the camera chooses among trips of one plate.
    late_grace: timedelta = timedelta(minutes=60)
    #: The camera's yard (None for the border gate's camera).
    yard_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    """An active truck at the camera's gate, as it is now: for the truck the read is about
    to move, its locked row."""

    declaration_id: int
    plate_key: str
    state: str
    #: When the trip is due: its booked slot's start, else its expected arrival. Only
    #: needed to choose among several trips of one plate (a repeat truck).
    slot_starts_at: datetime | None = None
    expected_arrival: datetime | None = None
    #: For a held truck, the state it was held in (``state_before_hold``).
    held_from: str = ""
    #: ``platematch.vehicle_id`` of the declared plate: equal for trips of one truck.
    vehicle: str = ""
    #: The yard the truck is in (None before it checks in): a yard's exit camera lets
    #: out only the trucks of its own yard.
    yard_id: int | None = None

    @property
    def in_pipeline(self) -> bool:
        """In a yard or on its way through the gate (held there included): the truck is
        here, and no other trip of its plate can be."""
        return self.state in PIPELINE_STATES or (self.state == "held"
                                                 and self.held_from in PIPELINE_STATES)

    @property
    def due_at(self) -> datetime | None:
        return self.slot_starts_at or self.expected_arrival


@dataclass(frozen=True)
class Decision:
    status: str  # MATCHED (the truck moved, or is held where it stands) or EXCEPTION (desk)
    barrier: str  # OPEN or HOLD
    reason: str  # "" when the truck moved; otherwise why the barrier holds
    declaration_id: int | None  # the truck it acted on, or the desk's proposal
    score: float | None  # similarity of the read to that truck's plate, 0-100
    target: str | None  # the state the truck moves to, or None
    at: datetime  # when it happened: the capture, never later than now


def needs_yard_room(position: str, state: str) -> bool:
    """Whether deciding for a truck in ``state`` at this camera needs the yard's free places
    (the service then reads them, locking the yard's row)."""
    step = STEPS[position]
    return step.takes_yard_place and state in step.acts_on


def step(position: str, state: str, yard_places_left: int | None) -> tuple[str | None, str]:
    """``(target, "")`` if a truck known to be this one moves on, else ``(None, reason)``.
    Also the desk's rule once an operator has named the truck."""
    rule = STEPS[position]
    if state not in rule.acts_on:
        return None, f"state_{state}"
    if rule.takes_yard_place:
        if yard_places_left is None:
            raise ValueError("a check-in needs the yard's free places")
        if yard_places_left <= 0:
            return None, "yard_full"
    return rule.target, ""


def moment(captured_at: datetime, now: datetime) -> datetime:
    """When a read's step happened: its capture, but never in the future."""
    return min(captured_at, now)


def timing(captured_at: datetime, now: datetime) -> str:
    """"clock_ahead" or "stale" for a read not dated now, else ""."""
    if captured_at - now > CLOCK_AHEAD_LIMIT:
        return "clock_ahead"
    if now - captured_at > MAX_READ_AGE:
        return "stale"
    return ""


def decide(read: Read, camera: CameraSetup, candidates: Sequence[Candidate], *,
           now: datetime, yard_places_left: int | None = None) -> Decision:
    """What the read does. ``candidates``: the active trucks at the gate with the read's key,
    or, if none, the closest ones; ``yard_places_left`` is needed only when
    :func:`needs_yard_room` says so for the truck :func:`identify` names.

    Several trips of one plate (a repeat truck declared for today and tomorrow) are one
    vehicle, not an ambiguity: the camera acts on the trip already in the pipeline, else
    the booked trip whose slot is now, else the earliest trip due, and says which rule
    chose it in ``reason``."""
    at = moment(read.captured_at, now)
    truck, score, identity, why = identify(read, camera, candidates, now=now)
    held = (timing(read.captured_at, now)
            or ("low_confidence" if read.confidence < camera.min_confidence else "")
            or identity)
    proposal = truck.declaration_id if truck is not None else None
    if held:
        return Decision(EXCEPTION, HOLD, held, proposal, score, None, at)
    if (camera.position == "yard_exit" and truck.state in STEPS["yard_exit"].acts_on
            and truck.yard_id != camera.yard_id):
        # Called from another yard: the plate read here is not the truck we think it is,
        # or the truck is not where the system has it. A person looks.
        return Decision(EXCEPTION, HOLD, OTHER_YARD, proposal, score, None, at)
    target, reason = step(camera.position, truck.state, yard_places_left)
    return Decision(MATCHED, OPEN if target else HOLD, reason or why, proposal, score, target,
                    at)


def identify(read: Read, camera: CameraSetup, candidates: Sequence[Candidate], *,
             now: datetime) -> tuple[Candidate | None, float | None, str, str]:
    """``(truck, score, identity, why)``: the truck the read is about and its score;
    ``identity`` is "" if it is surely that truck, else why not ("unmatched", "ambiguous",
    or "near_match" with the closest truck proposed); ``why`` says how one of several
    trips of the read's plate was chosen ("" when there was one). Trips of one vehicle
    (same declared plate) are chosen among; two vehicles the camera cannot tell apart
    stay ambiguous."""
    at = moment(read.captured_at, now)
    vehicles: dict[object, list[Candidate]] = {}
    for c in candidates:
        vehicles.setdefault(c.vehicle or c.declaration_id, []).append(c)
    # One candidate per vehicle: the trip the read would be about, so a repeat truck is
    # one vehicle to match (and to propose at the desk), not two to confuse.
    chosen: dict[int, str] = {}
    each = []
    for trips in vehicles.values():
        if len(trips) == 1:
            each.append(trips[0])
            continue
        trip, why = choose_trip(trips, camera, at=at)
        if trip is None:  # the rule cannot tell: none is proposed
            return None, None, "ambiguous", ""
        chosen[trip.declaration_id] = why
        each.append(trip)
    truck, score, identity = _identify(read.plate_key, each)
    why = chosen.get(truck.declaration_id, "") if truck is not None and not identity else ""
    return truck, score, identity, why


def choose_trip(trips: Sequence[Candidate], camera: CameraSetup, *,
                at: datetime) -> tuple[Candidate | None, str]:
    """Which of several trips of one plate a read at ``at`` is: ``(trip, why)``, or
    ``(None, "")`` if the rule cannot tell (two trips in the pipeline, two slots now,
    two trips due at the same moment)."""
    pipeline = [t for t in trips if t.in_pipeline]
    if pipeline:
        return (pipeline[0], IN_PIPELINE) if len(pipeline) == 1 else (None, "")
    in_slot = [t for t in trips if t.slot_starts_at is not None
               and t.slot_starts_at <= at <= t.slot_starts_at + SLOT_LENGTH + camera.late_grace]
    if in_slot:
        return (in_slot[0], SLOT_NOW) if len(in_slot) == 1 else (None, "")
    due = sorted((t for t in trips if t.due_at is not None), key=lambda t: t.due_at)
    if len(due) != len(trips) or (len(due) > 1 and due[0].due_at == due[1].due_at):
        return None, ""
    return due[0], NEXT_TRIP


def _identify(key: str, candidates: Sequence[Candidate]) -> tuple[Candidate | None, float | None,
                                                                   str]:
    """The truck the read is about and its score, and "" if it is surely that truck, else
    why not ("unmatched", "ambiguous", or "near_match" with the closest truck proposed)."""
    if not candidates:
        return None, None, "unmatched"
    by_id = {c.declaration_id: c for c in candidates}
    match = PlateIndex.of_keys(list(by_id), [c.plate_key for c in by_id.values()]).match(key)
    if match is None:
        return None, None, "unmatched"
    if match.ambiguous:  # two trucks with this key, or two close ones
        return None, None, "ambiguous"
    return by_id[match.key], match.score, "" if match.exact else "near_match"
