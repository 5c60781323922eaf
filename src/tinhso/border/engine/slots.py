"""The online booking rule: the nearest free slot to the one a truck asks for.

This is what the booking service calls when a declaration asks for a slot, and what
the simulation calls for every booking request, so both use one rule.

Perishable priority is a *reserved share* of each slot: ``reserved`` places of a slot
are kept for perishable loads; other loads may take them only once the slot is less
than ``release_hours`` away (so unused reserved places are not wasted).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np


def nearest_free_slots(
    capacity: Sequence[int] | np.ndarray,
    used: Sequence[int] | np.ndarray,
    requested: int,
    *,
    earliest: int | None = None,
    latest: int | None = None,
    count: int = 1,
) -> list[int]:
    """Indices of up to ``count`` slots with a free place, nearest to ``requested``.

    Slots are consecutive (index = hour); only indices in ``[earliest, latest]`` are
    candidates. Ties between an earlier and a later slot go to the earlier one.
    Returns ``[]`` when no slot in range is free.
    """
    cap = np.asarray(capacity)
    use = np.asarray(used)
    lo = 0 if earliest is None else max(0, earliest)
    hi = len(cap) if latest is None else min(len(cap), latest + 1)
    if lo >= hi:
        return []
    idx = np.flatnonzero(cap[lo:hi] > use[lo:hi]) + lo
    if idx.size == 0:
        return []
    order = np.lexsort((idx, np.abs(idx - requested)))
    return idx[order[:count]].tolist()


def capacity_in_force(base: int, notice_percents: Iterable[int]) -> int:
    """Trucks per hour a lane can take while gate notices are in force: the base capacity
    times the most restrictive notice. Notices never compound, and a later, milder notice
    never raises what an earlier, stricter one left (base 18 under 50 % and 80 % is 9).
    Booking, re-slotting, the public wait estimate and the simulation all follow this."""
    return base * min(notice_percents, default=100) // 100


@dataclass(frozen=True, slots=True)
class SlotState:
    """A slot as the booking service sees it (one row of its slot table)."""

    id: Hashable
    start: datetime | float
    capacity: int
    used: int = 0
    reserved: int = 0  # places kept for perishable loads (part of capacity)
    reserved_used: int = 0


def free_places(slot: SlotState, *, perishable: bool, now: datetime | float | None = None,
                release_hours: float = 24.0) -> int:
    """Places this slot can still offer to a load of this kind."""
    general_free = (slot.capacity - slot.reserved) - (slot.used - slot.reserved_used)
    reserved_free = slot.reserved - slot.reserved_used
    if perishable:
        return max(0, general_free) + max(0, reserved_free)
    if now is not None and _hours_between(now, slot.start) <= release_hours:
        return max(0, general_free) + max(0, reserved_free)
    return max(0, general_free)


def nearest_free(
    slots: Sequence[SlotState],
    requested: datetime | float,
    *,
    perishable: bool = False,
    earliest: datetime | float | None = None,
    latest: datetime | float | None = None,
    now: datetime | float | None = None,
    release_hours: float = 24.0,
    count: int = 1,
) -> list[Hashable]:
    """Ids of the ``count`` nearest slots (by start time) that can take this load.

    The service form of :func:`nearest_free_slots`: slots may be datetimes or hours,
    and a perishable load may also use the reserved share.
    """
    candidates = []
    for s in slots:
        if earliest is not None and s.start < earliest:
            continue
        if latest is not None and s.start > latest:
            continue
        if free_places(s, perishable=perishable, now=now, release_hours=release_hours) > 0:
            distance = abs(_hours_between(requested, s.start))
            candidates.append((distance, s.start, s.id))
    candidates.sort(key=lambda c: (c[0], c[1]))
    return [c[2] for c in candidates[:count]]


def _hours_between(a: datetime | float, b: datetime | float) -> float:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (b - a).total_seconds() / 3600.0
    return float(b) - float(a)  # type: ignore[arg-type]
