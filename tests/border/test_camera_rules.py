"""The camera decision alone: no database, every input given."""

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tinhso.border import camera_rules
from tinhso.border.camera_rules import STEPS, CameraSetup, Candidate, Decision, Read, decide
from tinhso.border.platematch import plate_key, vehicle_id

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PLATE = "12C-123.45"


def read(text=PLATE, *, confidence=0.95, captured_at=NOW):
    return Read(plate_key=plate_key(text), confidence=confidence, captured_at=captured_at)


def truck(pk=1, plate=PLATE, state="submitted"):
    return Candidate(declaration_id=pk, plate_key=plate_key(plate), state=state)


def camera(position="yard_entry", min_confidence=0.8):
    return CameraSetup(position=position, min_confidence=min_confidence)


def moved(target, pk=1):
    return Decision("matched", "open", "", pk, 100.0, target, NOW)


def held_in_place(reason, pk=1):
    return Decision("matched", "hold", reason, pk, 100.0, None, NOW)


def desk(reason, pk=None, score=None):
    return Decision("exception", "hold", reason, pk, score, None, NOW)


@pytest.mark.parametrize(("position", "state", "places", "expected"), [
    # Yard entry: a truck that has not arrived yet checks in if the yard has room.
    ("yard_entry", "submitted", 5, moved("in_yard")),
    ("yard_entry", "booked", 1, moved("in_yard")),
    ("yard_entry", "no_show", 1, moved("in_yard")),
    ("yard_entry", "booked", 0, held_in_place("yard_full")),
    ("yard_entry", "submitted", -2, held_in_place("yard_full")),  # over-full: still full
    ("yard_entry", "in_yard", None, held_in_place("state_in_yard")),  # read twice
    ("yard_entry", "cancelled", None, held_in_place("state_cancelled")),
    # Yard exit: only a called truck leaves for the gate.
    ("yard_exit", "called", None, moved("at_gate")),
    ("yard_exit", "in_yard", None, held_in_place("state_in_yard")),
    ("yard_exit", "held", None, held_in_place("state_held")),
    # Border gate: only a cleared truck crosses.
    ("gate", "cleared", None, moved("crossed")),
    ("gate", "at_gate", None, held_in_place("state_at_gate")),
    ("gate", "held", None, held_in_place("state_held")),
])
def test_a_truck_read_exactly_moves_only_where_the_flow_expects_it(position, state, places,
                                                                   expected):
    assert camera_rules.needs_yard_room(position, state) == (places is not None)
    assert decide(read(), camera(position), [truck(state=state)], now=NOW,
                  yard_places_left=places) == expected


@pytest.mark.parametrize("text", ["12C12345", "I2C-I23.45", "12c 123 45", "12C-123.4S",
                                  "1ZC-lZ3.45"])
def test_a_read_differing_only_within_the_confusion_classes_is_the_truck(text):
    assert decide(read(text), camera(), [truck()], now=NOW, yard_places_left=3) \
        == moved("in_yard")


@pytest.mark.parametrize(("text", "candidates", "expected"), [
    # One other digit: maybe another vehicle. The declared truck is proposed, not opened for.
    ("12C-123.42", [truck(plate="12C-123.41")], desk("near_match", 1, 87.5)),
    ("12C-123.4", [truck()], desk("near_match", 1, 93.3)),  # a missing character
    ("12C-123.455", [truck()], desk("near_match", 1, 94.1)),  # an extra one
    ("12C-123.4A", [truck(plate="12C-123.44")], desk("near_match", 1, 87.5)),  # A is not 4
    # Two trucks a camera cannot tell apart, or two equally close: nobody is proposed.
    ("12C-123.45", [truck(1), truck(2, "12C-I23.45")], desk("ambiguous")),
    ("12C-123.47", [truck(1, "12C-123.46"), truck(2, "12C-123.48")], desk("ambiguous")),
    # Nothing close enough, or nothing at all.
    ("29A-000.00", [truck()], desk("unmatched")),
    ("12C-123.45", [], desk("unmatched")),
])
def test_whatever_is_not_surely_one_truck_goes_to_the_desk(text, candidates, expected):
    assert decide(read(text), camera(), candidates, now=NOW, yard_places_left=9) == expected


def test_a_low_confidence_read_goes_to_the_desk_with_its_truck_proposed():
    low = read(confidence=0.5)
    assert decide(low, camera(min_confidence=0.8), [truck()], now=NOW) \
        == desk("low_confidence", 1, 100.0)
    assert decide(read(confidence=0.8), camera(min_confidence=0.8), [truck()], now=NOW,
                  yard_places_left=1) == moved("in_yard")


LIMIT, AGE = camera_rules.CLOCK_AHEAD_LIMIT, camera_rules.MAX_READ_AGE
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(("captured_at", "reason"), [
    (NOW + LIMIT + SECOND, "clock_ahead"),
    (datetime(9999, 12, 31, 23, 59, tzinfo=NOW.tzinfo), "clock_ahead"),
    (NOW - AGE - SECOND, "stale"),
    (datetime(1970, 1, 1, tzinfo=NOW.tzinfo), "stale"),
])
def test_a_read_not_dated_now_goes_to_the_desk_and_never_dates_a_step(captured_at, reason):
    decision = decide(read(captured_at=captured_at), camera(), [truck()], now=NOW)
    assert (decision.status, decision.barrier, decision.reason, decision.target) \
        == ("exception", "hold", reason, None)
    assert decision.declaration_id == 1  # proposed at the desk
    assert decision.at == min(captured_at, NOW)
    # Dated wrong and ambiguous, it is the date the desk is told about.
    assert decide(read(captured_at=captured_at), camera(), [truck(1), truck(2)],
                  now=NOW).reason == reason


@pytest.mark.parametrize("captured_at", [NOW + LIMIT, NOW - AGE, NOW + SECOND, NOW])
def test_a_read_within_the_clock_limits_acts_and_is_dated_at_most_now(captured_at):
    decision = decide(read(captured_at=captured_at), camera(), [truck()], now=NOW,
                      yard_places_left=1)
    assert (decision.barrier, decision.target) == ("open", "in_yard")
    assert decision.at == min(captured_at, NOW)


def test_a_check_in_cannot_be_decided_without_the_yard_room():
    with pytest.raises(ValueError, match="free places"):
        decide(read(), camera(), [truck()], now=NOW)


def test_every_camera_step_is_a_workflow_edge_and_yard_entry_takes_the_arriving_trucks():
    from tinhso.border.models import CameraPosition
    from tinhso.border.workflow import ARRIVING_STATES, can_transition

    assert set(STEPS) == set(CameraPosition.values)
    assert STEPS["yard_entry"].acts_on == ARRIVING_STATES
    for rule in STEPS.values():
        for state in rule.acts_on:
            assert can_transition(state, rule.target), (state, rule.target)


def test_the_decision_does_not_import_django():
    src = Path(camera_rules.__file__).parents[2]
    code = (f"import sys; sys.path.insert(0, {str(src)!r})\n"
            "import tinhso.border.camera_rules\n"
            "assert not [m for m in sys.modules if m.startswith('django')]\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# ---- A repeat truck: several trips of one plate (one vehicle) at the gate.

H = timedelta(hours=1)


def trip(pk, state="booked", *, slot=None, arrival=None, held_from="", plate=PLATE):
    """A trip of the vehicle ``plate``: ``slot`` and ``arrival`` are offsets from NOW."""
    return Candidate(declaration_id=pk, plate_key=plate_key(plate), state=state,
                     slot_starts_at=None if slot is None else NOW + slot,
                     expected_arrival=NOW + next(t for t in (arrival, slot, 0 * H)
                                                 if t is not None),
                     held_from=held_from, vehicle=vehicle_id(plate))


def chosen(target, pk, why):
    return Decision("matched", "open", why, pk, 100.0, target, NOW)


def held_on(pk, reason):
    return Decision("matched", "hold", reason, pk, 100.0, None, NOW)


GRACE = timedelta(minutes=60)


@pytest.mark.parametrize(("position", "trips", "expected"), [
    # Yard entry: the booked trip whose slot (with the late grace) is now.
    ("yard_entry", [trip(1, slot=-0.5 * H), trip(2, slot=23.5 * H)],
     chosen("in_yard", 1, "trip_slot_now")),
    ("yard_entry", [trip(2, slot=23.5 * H), trip(1, slot=-0.5 * H)],  # order does not matter
     chosen("in_yard", 1, "trip_slot_now")),
    # The first slot was missed (ended more than the grace ago): the one now wins.
    ("yard_entry", [trip(1, slot=-3 * H), trip(2, slot=-0.25 * H)],
     chosen("in_yard", 2, "trip_slot_now")),
    # Late within the grace: still that slot's trip.
    ("yard_entry", [trip(1, slot=-1.5 * H), trip(2, slot=5 * H)],
     chosen("in_yard", 1, "trip_slot_now")),
    # Early for its slot, no slot now: the earliest trip due.
    ("yard_entry", [trip(1, slot=0.5 * H), trip(2, slot=24 * H)],
     chosen("in_yard", 1, "trip_next")),
    ("yard_entry", [trip(1, "submitted", arrival=2 * H), trip(2, "submitted", arrival=30 * H)],
     chosen("in_yard", 1, "trip_next")),
    # The truck is already in the yard on one trip: a second read holds it there.
    ("yard_entry", [trip(1, "in_yard", slot=-0.5 * H), trip(2, slot=23.5 * H)],
     held_on(1, "state_in_yard")),
    # Yard exit and gate act on the trip in the pipeline, never on a later booking.
    ("yard_exit", [trip(1, "called", slot=-1 * H), trip(2, slot=0 * H)],
     chosen("at_gate", 1, "trip_in_pipeline")),
    ("gate", [trip(2, slot=0 * H), trip(1, "cleared", slot=-2 * H)],
     chosen("crossed", 1, "trip_in_pipeline")),
    ("gate", [trip(1, "held", slot=-2 * H, held_from="at_gate"), trip(2, slot=0 * H)],
     held_on(1, "state_held")),
    # A hold before arrival is not the pipeline: the next trip is the one due.
    ("gate", [trip(1, "held", slot=3 * H, held_from="booked"), trip(2, slot=0 * H)],
     held_on(2, "state_booked")),
])
def test_a_repeat_truck_is_one_vehicle_and_the_rule_picks_its_trip(position, trips, expected):
    setup = CameraSetup(position=position, min_confidence=0.8, late_grace=GRACE)
    assert decide(read(), setup, trips, now=NOW, yard_places_left=5) == expected


@pytest.mark.parametrize("trips", [
    [trip(1, "in_yard"), trip(2, "called")],  # two in the pipeline: data to fix, not guess
    [trip(1, slot=0 * H), trip(2, slot=0 * H)],  # two bookings in the same slot
    [trip(1, "submitted", arrival=H), trip(2, "submitted", arrival=H)],  # due together
    # Two vehicles a camera cannot tell apart (B and 8).
    [trip(1, slot=0 * H, plate="桂AB1234"), trip(2, slot=H, plate="桂A81234")],
])
def test_trips_the_rule_cannot_tell_apart_go_to_the_desk_with_no_proposal(trips):
    read_ = Read(plate_key=trips[0].plate_key, confidence=0.95, captured_at=NOW)
    assert decide(read_, camera(), trips, now=NOW, yard_places_left=5) == desk("ambiguous")


def test_a_near_read_of_a_repeat_truck_proposes_its_current_trip():
    trips = [trip(1, slot=23 * H, plate="12C-123.41"), trip(2, slot=0 * H, plate="12C-123.41")]
    assert decide(read("12C-123.42"), camera(), trips, now=NOW) == desk("near_match", 2, 87.5)


def test_the_slot_window_uses_the_gates_late_grace():
    trips = [trip(1, slot=-1.25 * H), trip(2, slot=20 * H)]  # 15 min past the slot's end
    strict = CameraSetup(position="yard_entry", min_confidence=0.8,
                         late_grace=timedelta(minutes=10))
    lenient = CameraSetup(position="yard_entry", min_confidence=0.8,
                          late_grace=timedelta(minutes=30))
    assert decide(read(), lenient, trips, now=NOW, yard_places_left=1).reason == "trip_slot_now"
    # Outside the grace no slot is now: still the earliest trip due, said so.
    assert decide(read(), strict, trips, now=NOW, yard_places_left=1) \
        == chosen("in_yard", 1, "trip_next")


def test_a_yard_exit_camera_lets_out_only_the_called_trucks_of_its_own_yard():
    exit_of_yard_1 = CameraSetup(position="yard_exit", min_confidence=0.8, yard_id=1)
    called_in_yard_2 = Candidate(declaration_id=1, plate_key=plate_key(PLATE), state="called",
                                 yard_id=2)
    assert decide(read(), exit_of_yard_1, [called_in_yard_2], now=NOW) \
        == Decision("exception", "hold", "other_yard", 1, 100.0, None, NOW)
    called_in_yard_1 = Candidate(declaration_id=1, plate_key=plate_key(PLATE), state="called",
                                 yard_id=1)
    assert decide(read(), exit_of_yard_1, [called_in_yard_1], now=NOW) == moved("at_gate")
