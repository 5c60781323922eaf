"""The declaration state machine, written once: allowed edges as data, one check.

Every edge carries its reason. `services.transition` is the only code that changes
`Declaration.state`, and it writes an audit entry for each change.
"""

from __future__ import annotations

from tinhso.border.models import DeclarationState as S

TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {
        S.SUBMITTED: "the enterprise sends the declaration",
        S.CANCELLED: "the enterprise drops a draft",
    },
    S.SUBMITTED: {
        S.BOOKED: "a slot at the gate is booked",
        S.IN_YARD: "a truck without booking enters a yard: it joins the queue behind booked ones",
        S.CANCELLED: "the enterprise cancels before the truck is called",
        S.REJECTED: "an agency refuses the load before arrival",
        S.HELD: "an agency holds the load on its documents before arrival",
    },
    S.BOOKED: {
        S.IN_YARD: "the yard entry camera (or operator) checks the truck in",
        S.SUBMITTED: "the booking is released (changed plan, gate notice without a free slot)",
        S.BOOKED: "the booking moves to another slot (rebooking or re-slotting)",
        S.NO_SHOW: "the truck did not arrive within the no-show window of its slot",
        S.HELD: "an agency holds the load on its documents before arrival",
        S.CANCELLED: "the enterprise cancels before the truck is called",
        S.REJECTED: "an agency refuses the load before arrival",
    },
    S.IN_YARD: {
        S.CALLED: "the gate operator calls the truck to the gate",
        S.HELD: "an agency holds the truck for inspection",
        S.REJECTED: "an agency refuses the load",
        S.CANCELLED: "the enterprise cancels before the truck is called",
    },
    S.CALLED: {
        S.AT_GATE: "the yard exit camera sees the called truck leave for the gate",
        S.HELD: "an agency holds the truck",
        S.REJECTED: "an agency refuses the load",
    },
    S.AT_GATE: {
        S.CLEARED: "every required agency has passed the truck",
        S.HELD: "an agency holds the truck",
        S.REJECTED: "an agency refuses the load",
    },
    S.HELD: {
        S.SUBMITTED: "the hold is lifted before arrival (no booking)",
        S.BOOKED: "the hold is lifted before arrival; the booking stands",
        S.IN_YARD: "the hold is lifted for a truck that was waiting in the yard",
        S.CALLED: "the hold is lifted for a called truck",
        S.AT_GATE: "the hold is lifted for a truck at the gate",
        S.CLEARED: "the hold is lifted and every required agency has passed",
        S.REJECTED: "an agency refuses the held load",
    },
    S.CLEARED: {
        S.CROSSED: "the gate camera sees the cleared truck cross the border",
        S.HELD: "an agency reopens a cleared truck before it crosses",
    },
    S.NO_SHOW: {
        S.BOOKED: "the enterprise books a new slot",
        S.SUBMITTED: "the truck arrives late and joins the queue without booking",
        S.IN_YARD: "the truck arrives late and is checked in without booking priority",
        S.CANCELLED: "the enterprise gives up the trip",
    },
    S.CROSSED: {},
    S.CANCELLED: {},
    S.REJECTED: {},
}

# ---- Groups of states: each defined here once, used by services, selectors and pages.

# A trip under way: declared and not yet ended (crossed, cancelled, rejected, no-show).
ACTIVE_STATES = (S.SUBMITTED, S.BOOKED, S.IN_YARD, S.CALLED, S.AT_GATE, S.CLEARED, S.HELD)
# Declared or booked, not arrived yet.
EXPECTED_STATES = (S.SUBMITTED, S.BOOKED)
# What takes a place in the yard the truck checked into.
YARD_STATES = (S.IN_YARD, S.CALLED, S.HELD)
# "Trucks waiting" on the public page: in the yards, or held there.
WAITING_STATES = (S.IN_YARD, S.HELD)
# Called and on their way through the gate: they use the gate's hourly capacity.
GATE_PIPELINE_STATES = (S.CALLED, S.AT_GATE, S.CLEARED)
# The truck is here: in a yard or on its way through the gate (a held truck counts when it
# was held in one of these, ``state_before_hold``). A plate has at most one declaration in
# this pipeline at a time; its other active declarations are later trips.
YARD_PIPELINE_STATES = (S.IN_YARD, S.CALLED, S.AT_GATE, S.CLEARED)
# A truck arriving now queues behind the trucks in the yards and those already called; a
# held truck waits for an agency, not for the gate, so it is not ahead in the line.
QUEUE_AHEAD_STATES = (S.IN_YARD, *GATE_PIPELINE_STATES)
# Not arrived (or arrived late after losing the slot): may book a slot and be checked in.
ARRIVING_STATES = frozenset({S.SUBMITTED, S.BOOKED, S.NO_SHOW})
# The enterprise may correct or cancel its declaration until the truck is called.
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.BOOKED, S.IN_YARD, S.NO_SHOW})
# Once checked in, the truck's identity and route are what the yard holds: frozen.
CHECKED_IN_STATES = frozenset({S.IN_YARD})
# States in which the agencies may record a verdict.
CLEARANCE_STATES = frozenset({S.SUBMITTED, S.BOOKED, S.IN_YARD, S.CALLED, S.AT_GATE, S.HELD,
                              S.CLEARED})
# What an agency console lists: still to be checked (a cleared truck needs nothing more).
AGENCY_WORK_STATES = CLEARANCE_STATES - {S.CLEARED}


def in_yard_pipeline(state: str, state_before_hold: str = "") -> bool:
    return state in YARD_PIPELINE_STATES or (state == S.HELD
                                             and state_before_hold in YARD_PIPELINE_STATES)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, {})
