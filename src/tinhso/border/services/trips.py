"""The trips of one vehicle: a truck makes one trip at a time, in the order they were
declared. The rule is written once here and applied when a trip is declared, corrected
(its plate or arrival) or booked, so that the cameras always know which trip a read is
(``camera_rules``) and no later trip can be booked before, or over, an earlier one.

Each check runs with the vehicle's row of ``VehicleLock`` locked, so two declarations of
one truck sent at the same moment are checked one after the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tinhso.border import selectors
from tinhso.border.errors import BorderError, border_invalid
from tinhso.border.models import Declaration, VehicleLock
from tinhso.border.platematch import vehicle_id
from tinhso.core.errors import FieldCollector

SLOT = timedelta(hours=1)


def lock_vehicle(plate: str) -> None:
    """Take the vehicle's lock row (created on first use) until the transaction ends. The
    insert waits for a concurrent insert of the same row to commit, then the lock waits
    for whoever holds it: every later read sees the other transaction's trip."""
    key = vehicle_id(plate)[:40]
    VehicleLock.objects.bulk_create([VehicleLock(vehicle=key)], ignore_conflicts=True)
    VehicleLock.objects.select_for_update().filter(vehicle=key).first()


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@dataclass(frozen=True)
class TripBounds:
    """Where a trip of a vehicle may lie among its other active trips: from the end of
    the last trip declared before it, to the start of the first one declared after."""

    not_before: datetime | None = None
    earlier: Declaration | None = None
    end_by: datetime | None = None
    later: Declaration | None = None

    def allows(self, starts: datetime, ends: datetime) -> bool:
        return ((self.not_before is None or starts >= self.not_before)
                and (self.end_by is None or ends <= self.end_by))


def trip_bounds(plate: str, trip_id: int | None, now: datetime | None = None) -> TripBounds:
    """The bounds of trip ``trip_id`` of ``plate`` (None: a new declaration, the latest).
    A trip takes the vehicle until the end of its slot, or of the hour it is expected in;
    a trip in a yard or at the gate at least until now."""
    now = now or timezone.now()
    not_before = end_by = earlier = later = None
    for other in selectors.active_trips_of(plate):
        if other.pk == trip_id:
            continue
        if trip_id is None or other.pk < trip_id:  # declared before: this one comes after
            busy = selectors.trip_busy_until(other, now)
            if not_before is None or busy > not_before:
                not_before, earlier = busy, other
        else:  # declared after: this one must be over before it is due
            due = other.slot.starts_at if other.slot_id else other.expected_arrival
            if end_by is None or due < end_by:
                end_by, later = due, other
    return TripBounds(not_before, earlier, end_by, later)


def check_trip_order(*, plate: str, trip_id: int | None, starts: datetime, field: str,
                     in_pipeline: bool = False, now: datetime | None = None) -> None:
    """Refuse a trip of ``plate`` that would start at ``starts`` (its slot's start, else
    its expected arrival) unless it lies within its :func:`trip_bounds`: after every trip
    of the vehicle declared before it, over before every trip declared after it. The
    error names ``field`` (``expected_arrival`` on the declaration form, ``starts_at``
    when booking). The caller holds the vehicle's lock (:func:`lock_vehicle`)."""
    now = now or timezone.now()
    ends = trip_end(starts, in_pipeline=in_pipeline, now=now)
    bounds = trip_bounds(plate, trip_id, now)
    check = FieldCollector()
    if bounds.not_before is not None and starts < bounds.not_before:
        code = (BorderError.SLOT_BEFORE_EARLIER_TRIP if field == "starts_at"
                else BorderError.PLATE_ACTIVE_TRIP)
        check.fail(border_invalid(code, field=field, until=_local(bounds.not_before),
                                  other=bounds.earlier.reference))
    elif bounds.end_by is not None and ends > bounds.end_by:
        check.fail(border_invalid(BorderError.TRIP_AFTER_LATER, field=field,
                                  due=_local(bounds.end_by), other=bounds.later.reference))
    check.raise_if_invalid()


def trip_end(starts: datetime, *, in_pipeline: bool = False,
             now: datetime | None = None) -> datetime:
    """Until when a trip starting at ``starts`` takes the vehicle: the end of that hour
    (a slot), or later if the truck is already in a yard or at the gate."""
    ends = selectors.hour_of(starts) + SLOT
    return max(ends, now or timezone.now()) if in_pipeline else ends
