"""Re-slotting after a gate notice: the online (greedy) rule and the LP optimum.

When a notice removes capacity, every affected booking must get a new slot. The
optimum minimises total weighted lateness ``sum w_b * max(0, hour(slot) - requested_b)``
subject to each slot's capacity and each booking's earliest slot; perishable loads
weigh more the less shelf life they have left (:func:`perishable_weight`).

It is a transportation problem: bookings with the same (lane, requested, earliest,
weight) are interchangeable, so they are aggregated into one *class* with a supply
equal to their number; slots are sinks with their capacity. The constraint matrix is
totally unimodular, so the simplex optimum HiGHS returns is integral. Candidate slots
are restricted to a window after each class's requested hour; a booking that fits in
no candidate slot is left unassigned (``None``) at a large penalty, so the LP is
always feasible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

UNASSIGNED_PENALTY = 1e6


@dataclass(frozen=True, slots=True)
class Booking:
    id: Hashable
    lane: str
    requested: int  # hour slot the truck asked for
    earliest: int | None = None  # first slot it can reach (default: requested)
    weight: float = 1.0
    current: Hashable | None = None  # slot id it holds now (for the greedy rule)

    @property
    def first(self) -> int:
        return self.requested if self.earliest is None else self.earliest


@dataclass(frozen=True, slots=True)
class Slot:
    id: Hashable
    lane: str
    hour: int
    capacity: int  # capacity after the notice


def perishable_weight(remaining_shelf_hours: float | None, *, scale: float = 72.0,
                      step: float = 0.25) -> float:
    """Weight of one hour of lateness: 1 for goods that keep; for perishable goods
    ``1 + scale / remaining`` (24 h left weighs 4, a week 1.43), rounded to ``step``
    so that bookings aggregate into few classes."""
    if remaining_shelf_hours is None or math.isinf(remaining_shelf_hours):
        return 1.0
    w = 1.0 + scale / max(remaining_shelf_hours, 6.0)
    return round(w / step) * step


def lateness_cost(booking: Booking, slot: Slot | None) -> float:
    if slot is None:
        return UNASSIGNED_PENALTY
    return booking.weight * max(0, slot.hour - booking.requested)


def assignment_cost(
    bookings: Sequence[Booking], slots: Sequence[Slot], assignment: dict[Hashable, Hashable]
) -> float:
    by_id = {s.id: s for s in slots}
    return float(sum(lateness_cost(b, by_id.get(assignment.get(b.id))) for b in bookings))


def check_assignment(
    bookings: Sequence[Booking], slots: Sequence[Slot], assignment: dict[Hashable, Hashable]
) -> None:
    """Raise ``ValueError`` if capacity, lane or earliest slot is violated."""
    by_id = {s.id: s for s in slots}
    load: dict[Hashable, int] = defaultdict(int)
    for b in bookings:
        sid = assignment.get(b.id)
        if sid is None:
            continue
        s = by_id[sid]
        if s.lane != b.lane or s.hour < b.first:
            raise ValueError(f"booking {b.id} cannot use slot {sid}")
        load[sid] += 1
    for sid, n in load.items():
        if n > by_id[sid].capacity:
            raise ValueError(f"slot {sid} over capacity: {n} > {by_id[sid].capacity}")


def _priority(b: Booking) -> tuple:
    return (-b.weight, b.requested, b.first, str(b.id))


def reslot_greedy(
    bookings: Sequence[Booking], slots: Sequence[Slot], *, window_hours: int | None = None
) -> dict[Hashable, Hashable | None]:
    """The online rule applied to a notice: bookings whose slot still has room keep it
    (heaviest first); the others, heaviest first, take the nearest free slot at or after
    their earliest hour (``None`` if none within ``window_hours``)."""
    by_lane: dict[str, list[Slot]] = defaultdict(list)
    for s in slots:
        by_lane[s.lane].append(s)
    free: dict[Hashable, int] = {s.id: s.capacity for s in slots}
    hours = {lane: np.array([s.hour for s in sorted(ss, key=lambda s: s.hour)])
             for lane, ss in by_lane.items()}
    ordered = {lane: sorted(ss, key=lambda s: s.hour) for lane, ss in by_lane.items()}
    slot_by_id = {s.id: s for s in slots}
    out: dict[Hashable, Hashable | None] = {}
    displaced = []
    for b in sorted(bookings, key=_priority):
        cur = slot_by_id.get(b.current) if b.current is not None else None
        if cur is not None and cur.lane == b.lane and cur.hour >= b.first and free[cur.id] > 0:
            free[cur.id] -= 1
            out[b.id] = cur.id
        else:
            displaced.append(b)
    for b in displaced:
        lane_slots = ordered.get(b.lane, [])
        i = int(np.searchsorted(hours.get(b.lane, np.array([])), b.first, side="left"))
        chosen = None
        while i < len(lane_slots):
            s = lane_slots[i]
            if window_hours is not None and s.hour > b.requested + window_hours:
                break
            if free[s.id] > 0:
                chosen = s
                break
            i += 1
        if chosen is not None:
            free[chosen.id] -= 1
        out[b.id] = chosen.id if chosen is not None else None
    return out


def reslot_optimal(
    bookings: Sequence[Booking], slots: Sequence[Slot], *, window_hours: int = 96,
    time_limit: float = 30.0,
) -> dict[Hashable, Hashable | None]:
    """Optimal re-assignment of every booking (LP with HiGHS on booking classes)."""
    import highspy  # local import: the rest of the engine does not need it

    slots = [s for s in slots if s.capacity > 0]
    classes: dict[tuple, list[Booking]] = defaultdict(list)
    for b in bookings:
        classes[(b.lane, b.requested, b.first, b.weight)].append(b)
    keys = list(classes)
    by_lane: dict[str, list[Slot]] = defaultdict(list)
    for s in slots:
        by_lane[s.lane].append(s)
    lane_hours: dict[str, np.ndarray] = {}
    lane_slots: dict[str, list[Slot]] = {}
    for lane, ss in by_lane.items():
        ss.sort(key=lambda s: s.hour)
        lane_slots[lane] = ss
        lane_hours[lane] = np.array([s.hour for s in ss], dtype=np.int64)
    slot_index = {s.id: j for j, s in enumerate(slots)}

    col_class: list[np.ndarray] = []
    col_slot: list[np.ndarray] = []
    col_cost: list[np.ndarray] = []
    for ci, (lane, requested, first, weight) in enumerate(keys):
        hrs = lane_hours.get(lane)
        if hrs is None:
            continue
        lo = int(np.searchsorted(hrs, first, side="left"))
        hi = int(np.searchsorted(hrs, max(first, requested) + window_hours, side="right"))
        if hi <= lo:
            continue
        idx = np.arange(lo, hi)
        col_class.append(np.full(hi - lo, ci, dtype=np.int64))
        col_slot.append(np.array([slot_index[lane_slots[lane][i].id] for i in idx]))
        col_cost.append(weight * np.maximum(0, hrs[lo:hi] - requested).astype(float))
    n_cls, n_slot = len(keys), len(slots)
    cls_arr = np.concatenate(col_class) if col_class else np.zeros(0, dtype=np.int64)
    slot_arr = np.concatenate(col_slot) if col_slot else np.zeros(0, dtype=np.int64)
    cost_arr = np.concatenate(col_cost) if col_cost else np.zeros(0)
    n_x = len(cls_arr)
    # columns: x (class, slot) pairs, then one "unassigned" column per class
    n_col = n_x + n_cls
    supply = np.array([len(classes[k]) for k in keys], dtype=float)
    cost = np.concatenate([cost_arr, np.full(n_cls, UNASSIGNED_PENALTY)])
    # rows: class supply (== count), then slot capacity (<= capacity)
    start = np.zeros(n_col + 1, dtype=np.int32)
    start[1 : n_x + 1] = 2 * np.arange(1, n_x + 1)
    start[n_x + 1 :] = 2 * n_x + np.arange(1, n_cls + 1)
    index = np.empty(2 * n_x + n_cls, dtype=np.int32)
    index[0 : 2 * n_x : 2] = cls_arr
    index[1 : 2 * n_x : 2] = n_cls + slot_arr
    index[2 * n_x :] = np.arange(n_cls)
    value = np.ones(2 * n_x + n_cls)

    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_cls + n_slot
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.full(n_col, highspy.kHighsInf)
    capacity = np.array([s.capacity for s in slots], dtype=float)
    lp.row_lower_ = np.concatenate([supply, np.zeros(n_slot)])
    lp.row_upper_ = np.concatenate([supply, capacity])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = n_cls + n_slot
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("time_limit", float(time_limit))
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        status = h.modelStatusToString(h.getModelStatus())
        raise RuntimeError(f"re-slotting LP not solved: {status}")
    x = np.rint(np.asarray(h.getSolution().col_value[:n_x])).astype(np.int64)

    out: dict[Hashable, Hashable | None] = {}
    queues = {ci: sorted(classes[k], key=lambda b: str(b.id)) for ci, k in enumerate(keys)}
    pos = dict.fromkeys(range(n_cls), 0)
    for j in np.flatnonzero(x > 0).tolist():
        ci, sid = int(cls_arr[j]), slots[int(slot_arr[j])].id
        members = queues[ci]
        for b in members[pos[ci] : pos[ci] + int(x[j])]:
            out[b.id] = sid
        pos[ci] += int(x[j])
    for ci, members in queues.items():
        for b in members[pos[ci] :]:
            out[b.id] = None
    return out


def hour_slots(lane: str, capacities: Iterable[int], first_hour: int = 0) -> list[Slot]:
    """Slots ``lane@hour`` from an array of hourly capacities."""
    return [Slot(f"{lane}@{first_hour + i}", lane, first_hour + i, int(c))
            for i, c in enumerate(capacities)]
