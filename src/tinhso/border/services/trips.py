"""The trips of one vehicle: a truck makes one trip at a time, in the order they were
declared. The rule is written once here and applied when a trip is declared, corrected
(its plate or arrival) or booked, so that the cameras always know which trip a read is
(``camera_rules``) and no later trip can be booked before, or over, an earlier one.

Each check runs with the vehicle's row of ``VehicleLock`` locked, so two declarations of
one truck sent at the same moment are checked one after the other."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tinhso.border import selectors
from tinhso.border.errors import BorderError, border_invalid
from tinhso.border.models import VehicleLock
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


def check_trip_order(*, plate: str, trip_id: int | None, starts: datetime, field: str,
                     in_pipeline: bool = False, now: datetime | None = None) -> None:
    """Refuse a trip of ``plate`` that would start at ``starts`` (its slot's start, else
    its expected arrival) unless it comes after every trip of the vehicle declared before
    it and ends before every trip declared after it (``trip_id`` None: a new declaration,
    the latest). A trip takes the vehicle until the end of its slot, or of the hour it is
    expected in; a trip in a yard or at the gate at least until now. The error names
    ``field`` (``expected_arrival`` on the declaration form, ``starts_at`` when booking).
    The caller holds the vehicle's lock (:func:`lock_vehicle`)."""
    now = now or timezone.now()
    ends = selectors.hour_of(starts) + SLOT
    if in_pipeline:
        ends = max(ends, now)
    check = FieldCollector()
    for other in selectors.active_trips_of(plate):
        if other.pk == trip_id:
            continue
        if trip_id is None or other.pk < trip_id:  # declared before: this one comes after
            busy = selectors.trip_busy_until(other, now)
            if starts < busy:
                code = (BorderError.SLOT_BEFORE_EARLIER_TRIP if field == "starts_at"
                        else BorderError.PLATE_ACTIVE_TRIP)
                check.fail(border_invalid(code, field=field, until=_local(busy),
                                          other=other.reference))
                break
        else:  # declared after: this one must be over before it is due
            due = other.slot.starts_at if other.slot_id else other.expected_arrival
            if ends > due:
                check.fail(border_invalid(BorderError.TRIP_AFTER_LATER, field=field,
                                          due=_local(due), other=other.reference))
                break
    check.raise_if_invalid()
