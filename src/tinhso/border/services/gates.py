"""The gate board configures its gates, their yards and their plate cameras.

One function per use case, each checking `border.configure_gates`, validating every field
at once (nothing is written when one is bad), writing in one transaction with an audit
entry of what changed (before and after). The same functions serve the gate board's page
and the Django admin.

A change of a gate's hourly capacity (or of its perishable share) is carried into the slots
already created for hours not yet over, by the one rule the booking uses
(`booking.slot_capacity`: the gate's capacity under the most restrictive notice in force),
never below the places already booked (`booking.fit_slot`). Cached rows that depend on what
changed (camera lookups on the camera path, the public status snapshot) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy

from tinhso.accounts.models import Organization, OrganizationKind
from tinhso.accounts.permissions import require
from tinhso.border import selectors
from tinhso.border.errors import BorderError, border_invalid
from tinhso.border.models import (
    Camera,
    CameraPosition,
    Declaration,
    Direction,
    Gate,
    Slot,
    Yard,
)
from tinhso.border.services.booking import fit_slot, slot_capacity
from tinhso.border.services.common import notify_enterprise_later
from tinhso.border.validation import parse_int_field
from tinhso.core import audit
from tinhso.core.errors import FieldCollector
from tinhso.core.validators import ErrorCode, InvalidValue, invalid_value

#: Bounds beyond which a figure is a typing error, not a setting (the busiest gate of the
#: province takes about 60 trucks an hour; its biggest yard holds 600).
MAX_PER_HOUR = 500
MAX_YARD_CAPACITY = 5000
MAX_INTERLEAVE = 20
MAX_LATE_GRACE_MINUTES = 12 * 60
MAX_NO_SHOW_MINUTES = 48 * 60
MAX_WAIT_HOURS = 30 * 24
MAX_BACKLOG = 100_000
MIN_CAMERA_CONFIDENCE = 0.5

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CAMERA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

#: The settings of a gate the board may change, in the order the page shows them.
GATE_SETTINGS = (
    "opens_at", "closes_at", "export_per_hour", "import_per_hour", "transit_per_hour",
    "perishable_share_pct", "perishable_interleave", "late_grace_minutes",
    "no_show_after_minutes", "busy_wait_hours", "congested_wait_hours", "busy_backlog",
    "congested_backlog", "is_active",
)
CAPACITY_FIELDS = {f"{d}_per_hour": d for d in Direction.values}
YARD_FIELDS = ("code", "gate", "name", "capacity", "operator")
CAMERA_FIELDS = ("code", "gate", "position", "yard", "operator", "min_confidence")


# ---------------------------------------------------------------- parsing one field


def _required(field_name: str) -> InvalidValue:
    return invalid_value(field_name, ErrorCode.REQUIRED)


def _number(value: float):
    """`value` written the way the language it is shown in writes numbers (lazy): 0,5 in
    Vietnamese, 0.5 in English; 4.0 is 4."""
    value = int(value) if float(value).is_integer() else value
    return lazy(lambda: number_format(value), str)()


def parse_time(value: Any, field_name: str) -> time:
    """A time of day typed as 07:00 (or 7:00, 07:00:00)."""
    if isinstance(value, time):
        return value
    text = str(value or "").strip()
    if not text:
        raise _required(field_name)
    match = TIME.match(text)
    hour, minute, second = (int(g or 0) for g in match.groups()) if match else (99, 0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise border_invalid(BorderError.TIME_OF_DAY, field=field_name)
    return time(hour, minute, second)


def parse_float(value: Any, field_name: str, *, low: float, high: float) -> float:
    text = str(value if value is not None else "").strip().replace(",", ".")
    if not text:
        raise _required(field_name)
    try:
        number = float(text)
    except ValueError:
        raise border_invalid(BorderError.NUMBER, field=field_name) from None
    if not low <= number <= high:  # also refuses nan
        raise border_invalid(BorderError.RANGE, field=field_name, low=_number(low),
                             high=_number(high))
    return number


def parse_int(value: Any, field_name: str, *, low: int, high: int) -> int:
    if str(value if value is not None else "").strip() == "":
        raise _required(field_name)
    return parse_int_field(value, field_name, low=low, high=high)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "on", "true", "yes", "có"}


def parse_text(value: Any, field_name: str, *, max_length: int) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise _required(field_name)
    if len(text) > max_length:
        raise border_invalid(BorderError.TOO_LONG, field=field_name, max_length=max_length)
    return text


UNKNOWN = {Gate: BorderError.UNKNOWN_GATE, Yard: BorderError.UNKNOWN_YARD,
           Organization: BorderError.UNKNOWN_ORGANIZATION}


def _by_code(model, value: Any, field_name: str):
    """A row given as itself (the admin) or by its code (the page)."""
    if isinstance(value, model):
        return value
    code = str(value or "").strip()
    if not code:
        raise _required(field_name)
    found = model.objects.filter(code=code).first()
    if found is None:
        raise border_invalid(UNKNOWN[model], field=field_name, code=code)
    return found


def _organization(value: Any, field_name: str) -> Organization:
    org = _by_code(Organization, value, field_name)
    if not org.is_active:
        raise border_invalid(BorderError.INACTIVE_ORGANIZATION, field=field_name, code=org.code)
    return org


def _json(value: Any) -> Any:
    """A value as the audit log keeps it."""
    if isinstance(value, time):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return value


def _diff(obj, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose new value differs from the row's: name -> (before, after)."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name, None) if obj is not None and obj.pk else None
        if old != new:
            changed[name] = (old, new)
    return changed


def _record(actor, action: str, obj, changed: dict[str, tuple[Any, Any]], *, created: bool,
            note: str = "") -> None:
    audit.record(
        actor=actor, action=action, obj=obj, note=note,
        before=None if created else {k: _json(old) for k, (old, _new) in changed.items()},
        after={k: _json(new) for k, (_old, new) in changed.items()},
    )


def forget_cameras(codes: Iterable[str]) -> None:
    """Drop the camera path's cached rows (`selectors.camera_by_code`) now and again once
    the transaction commits, so a read racing the change cannot keep the old row cached."""
    keys = [f"border:camera:{code}" for code in codes]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _forget_status() -> None:
    from tinhso.border import congestion

    congestion.forget_snapshots()
    transaction.on_commit(congestion.forget_snapshots)


# ---------------------------------------------------------------- gates


def clean_gate_settings(gate: Gate, data: Mapping[str, Any]) -> dict[str, Any]:
    """The gate's settings after applying `data` (fields absent from it keep their value);
    raises InvalidInput naming every bad field.

    Opening hours: the gate works from `opens_at` to `closes_at` the same day; a gate open
    around the clock says so with `around_the_clock` (stored as 00:00–00:00), so closing
    before opening is never taken for 24 hours by mistake."""
    check = FieldCollector()
    current = {name: getattr(gate, name) for name in GATE_SETTINGS}

    def given(name: str) -> bool:
        return name in data

    if given("around_the_clock"):
        around = parse_bool(data["around_the_clock"])
    else:
        around = gate.open_around_the_clock and not (given("opens_at") or given("closes_at"))
    if around:
        opens = closes = time(0)
    else:
        opens = (check.field("opens_at", parse_time, data["opens_at"], "opens_at")
                 if given("opens_at") else current["opens_at"])
        closes = (check.field("closes_at", parse_time, data["closes_at"], "closes_at")
                  if given("closes_at") else current["closes_at"])
        if opens is not None and closes is not None and closes <= opens:
            check.fail(border_invalid(BorderError.HOURS_ORDER, field="closes_at",
                                      opens=f"{opens:%H:%M}", closes=f"{closes:%H:%M}"))
    values: dict[str, Any] = {"opens_at": opens, "closes_at": closes}

    def number(name: str, parse, **bounds):
        values[name] = (check.field(name, parse, data[name], name, **bounds) if given(name)
                        else current[name])

    for name in CAPACITY_FIELDS:
        number(name, parse_int, low=0, high=MAX_PER_HOUR)
    number("perishable_share_pct", parse_int, low=0, high=100)
    number("perishable_interleave", parse_int, low=0, high=MAX_INTERLEAVE)
    number("late_grace_minutes", parse_int, low=0, high=MAX_LATE_GRACE_MINUTES)
    number("no_show_after_minutes", parse_int, low=60, high=MAX_NO_SHOW_MINUTES)
    number("busy_wait_hours", parse_float, low=0.5, high=MAX_WAIT_HOURS)
    number("congested_wait_hours", parse_float, low=0.5, high=MAX_WAIT_HOURS)
    number("busy_backlog", parse_int, low=1, high=MAX_BACKLOG)
    number("congested_backlog", parse_int, low=1, high=MAX_BACKLOG)
    values["is_active"] = parse_bool(data["is_active"]) if given("is_active") else gate.is_active

    # Rules between fields, checked only when both values are good.
    def both(*names: str) -> bool:
        return all(values.get(n) is not None for n in names)

    grace, no_show = values["late_grace_minutes"], values["no_show_after_minutes"]
    if both("late_grace_minutes", "no_show_after_minutes") and no_show < 60 + grace:
        check.fail(border_invalid(BorderError.NO_SHOW_WINDOW, field="no_show_after_minutes",
                                  minutes=60 + grace, grace=grace))
    if (both("busy_wait_hours", "congested_wait_hours")
            and values["congested_wait_hours"] <= values["busy_wait_hours"]):
        check.fail(border_invalid(BorderError.WAIT_THRESHOLDS, field="congested_wait_hours",
                                  busy=_number(values["busy_wait_hours"])))
    if (both("busy_backlog", "congested_backlog")
            and values["congested_backlog"] <= values["busy_backlog"]):
        check.fail(border_invalid(BorderError.BACKLOG_THRESHOLDS, field="congested_backlog",
                                  busy=values["busy_backlog"]))
    check.raise_if_invalid()
    return values


@dataclass
class GateUpdate:
    gate: Gate
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    slots_refitted: int = 0
    #: Bookings left in hours the gate no longer works (kept: the board decides).
    bookings_outside_hours: int = 0


def update_gate(*, actor, gate: Gate, data: Mapping[str, Any],
                now: datetime | None = None) -> GateUpdate:
    """Change a gate's opening hours, capacities, perishable rules, late and no-show
    windows, congestion thresholds or active flag."""
    require(actor, "border.configure_gates")
    now = now or timezone.now()
    with transaction.atomic():
        gate = Gate.objects.select_for_update().get(pk=gate.pk)
        values = clean_gate_settings(gate, data)
        outcome = GateUpdate(gate, _diff(gate, values))
        if not outcome.changed:
            return outcome
        for name, (_old, new) in outcome.changed.items():
            setattr(gate, name, new)
        gate.save(update_fields=list(outcome.changed))
        directions = ([CAPACITY_FIELDS[n] for n in outcome.changed if n in CAPACITY_FIELDS]
                      if "perishable_share_pct" not in outcome.changed else Direction.values)
        if directions:
            outcome.slots_refitted = refit_future_slots(gate, directions, now)
        if outcome.changed.keys() & {"opens_at", "closes_at"}:
            outside = selectors.bookings_outside_hours(gate, now)
            outcome.bookings_outside_hours = len(outside)
            _tell_enterprises_outside_hours(gate, outside)
        _record(actor, "gate.configure", gate, outcome.changed, created=False, note=(
            f"{outcome.slots_refitted} future slots refitted; "
            f"{outcome.bookings_outside_hours} bookings outside the new hours"))
        forget_cameras(gate.cameras.values_list("code", flat=True))
        _forget_status()
    return outcome


def refit_future_slots(gate: Gate, directions: Iterable[str], now: datetime) -> int:
    """Give the gate's slots of hours not yet over the capacity the booking rule gives them
    now (`slot_capacity`), never below what is booked; returns how many changed. The rows
    are locked, so no booking takes a place while they change."""
    changed = []
    for direction in directions:
        slots = list(Slot.objects.select_for_update().filter(
            gate=gate, direction=direction, starts_at__gt=now - timedelta(hours=1)))
        notices = selectors.notices_over(gate, direction, [s.starts_at for s in slots])
        for slot in slots:
            before = (slot.capacity, slot.perishable_reserved)
            fit_slot(slot, *slot_capacity(gate, direction, slot.starts_at, notices))
            if (slot.capacity, slot.perishable_reserved) != before:
                changed.append(slot)
    Slot.objects.bulk_update(changed, ["capacity", "perishable_reserved"])
    return len(changed)


def _tell_enterprises_outside_hours(gate: Gate, bookings: list[Declaration]) -> None:
    """Each enterprise whose booking the new hours leave outside is told, after the commit:
    the booking is kept (the board decides), and the enterprise may move it."""
    hours = ("24/24" if gate.open_around_the_clock
             else f"{gate.opens_at:%H:%M}–{gate.closes_at:%H:%M}")
    for truck in bookings:
        slot = timezone.localtime(truck.slot.starts_at).strftime("%H:%M %d/%m/%Y")
        notify_enterprise_later(
            truck, "gate_hours_changed",
            f"Xe {truck.plate} ({truck.reference}): {gate.name} đổi giờ làm việc thành "
            f"{hours}; khung giờ đã đặt {slot} nằm ngoài giờ mới. Lượt đặt vẫn được giữ; "
            "vui lòng đặt khung giờ khác nếu cần.",
            f"Truck {truck.plate} ({truck.reference}): {gate.name} now works {hours}; the "
            f"booked slot {slot} is outside the new hours. The booking is kept; please book "
            "another slot if needed.")


# ---------------------------------------------------------------- yards


def clean_yard(yard: Yard | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """A yard's fields after applying `data`; its code and gate are set when it is
    created and kept after (cameras and trucks refer to them)."""
    check = FieldCollector()
    values: dict[str, Any] = {}
    if yard is None:
        values["code"] = check.field("code", _yard_code, data.get("code"))
        values["gate"] = check.field("gate", _by_code, Gate, data.get("gate"), "gate")
    for name in ("name", "capacity", "operator"):
        if yard is not None and name not in data:
            values[name] = getattr(yard, name)
    if "name" not in values:
        values["name"] = check.field("name", parse_text, data.get("name"), "name",
                                     max_length=120)
    if "capacity" not in values:
        values["capacity"] = check.field("capacity", parse_int, data.get("capacity"),
                                         "capacity", low=1, high=MAX_YARD_CAPACITY)
    if "operator" not in values:
        values["operator"] = check.field("operator", _organization, data.get("operator"),
                                         "operator")
    operator = values["operator"]
    if operator is not None and operator.kind != OrganizationKind.YARD_OPERATOR:
        check.fail(border_invalid(BorderError.NOT_YARD_OPERATOR, field="operator",
                                  name=operator.name))
    if yard is not None and values["capacity"] is not None:
        inside = selectors.yard_occupancy(yard)
        if values["capacity"] < inside:
            check.fail(border_invalid(BorderError.BELOW_OCCUPANCY, field="capacity",
                                      inside=inside))
    check.raise_if_invalid()
    return values


def _yard_code(value: Any) -> str:
    code = str(value or "").strip().lower()
    if not code:
        raise _required("code")
    if len(code) > 30 or not CODE.match(code):
        raise border_invalid(BorderError.YARD_CODE_FORMAT, field="code")
    if Yard.objects.filter(code=code).exists():
        raise border_invalid(BorderError.CODE_TAKEN, field="code", code=code)
    return code


def save_yard(*, actor, data: Mapping[str, Any], yard: Yard | None = None) -> Yard:
    """Create a yard (`yard` None) or change one's name, capacity or operator."""
    require(actor, "border.configure_gates")
    with transaction.atomic():
        if yard is not None:
            yard = Yard.objects.select_for_update().get(pk=yard.pk)
        yard, saved = _save(actor, "yard", Yard, yard, clean_yard(yard, data))
        if saved:
            forget_cameras(yard.cameras.values_list("code", flat=True))
            _forget_status()
    return yard


def _save(actor, kind: str, model, instance, values: dict[str, Any]):
    """Create `instance` (None) or apply to it the values that differ, with the audit entry
    of what changed; (the row, whether anything was written)."""
    created = instance is None
    changed = _diff(instance, values)
    if not changed:
        return instance, False
    instance = instance or model()
    for name, (_old, new) in changed.items():
        setattr(instance, name, new)
    instance.save()
    _record(actor, f"{kind}.create" if created else f"{kind}.update", instance, changed,
            created=created)
    return instance, True


# ---------------------------------------------------------------- cameras


def clean_camera(camera: Camera | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """A camera's fields after applying `data`. Its id is set when it is created (the
    camera sends it with every read); a yard camera belongs to a yard of its own gate, a
    gate camera to no yard."""
    check = FieldCollector()
    values: dict[str, Any] = {}
    if camera is None:
        values["code"] = check.field("code", _camera_code, data.get("code"))

    def given_or_kept(name: str) -> bool:
        if camera is not None and name not in data:
            values[name] = getattr(camera, name)
            return True
        return False

    if not given_or_kept("gate"):
        values["gate"] = check.field("gate", _by_code, Gate, data.get("gate"), "gate")
    if not given_or_kept("position"):
        values["position"] = check.field("position", _position, data.get("position"))
    if not given_or_kept("yard"):
        raw = data.get("yard")
        values["yard"] = (None if raw in (None, "") else check.field(
            "yard", _by_code, Yard, raw, "yard"))
    if not given_or_kept("operator"):
        values["operator"] = check.field("operator", _organization, data.get("operator"),
                                         "operator")
    if not given_or_kept("min_confidence"):
        values["min_confidence"] = check.field(
            "min_confidence", parse_float, data.get("min_confidence"), "min_confidence",
            low=MIN_CAMERA_CONFIDENCE, high=1.0)
    gate, yard, position = values.get("gate"), values.get("yard"), values.get("position")
    if position == CameraPosition.GATE and yard is not None:
        check.fail(border_invalid(BorderError.GATE_CAMERA_IN_YARD, field="yard"))
    elif position not in (None, CameraPosition.GATE) and yard is None and "yard" not in {
            e.field for e in check.errors}:
        check.fail(border_invalid(BorderError.YARD_CAMERA_NEEDS_YARD, field="yard"))
    elif gate is not None and yard is not None and yard.gate_id != gate.pk:
        check.fail(border_invalid(BorderError.YARD_OF_OTHER_GATE, field="yard",
                                  yard=yard.name, yard_gate=yard.gate.name, gate=gate.name))
    check.raise_if_invalid()
    return values


def _camera_code(value: Any) -> str:
    code = str(value or "").strip()
    if not code:
        raise _required("code")
    if len(code) > 40 or not CAMERA_CODE.match(code):
        raise border_invalid(BorderError.CAMERA_CODE_FORMAT, field="code")
    if Camera.objects.filter(code=code).exists():
        raise border_invalid(BorderError.CODE_TAKEN, field="code", code=code)
    return code


def _position(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise _required("position")
    if text not in CameraPosition.values:
        raise border_invalid(BorderError.CAMERA_POSITION, field="position")
    return text


def save_camera(*, actor, data: Mapping[str, Any], camera: Camera | None = None) -> Camera:
    """Register a plate camera (`camera` None) or change one's gate, position, yard,
    operator or minimum confidence. The camera path sees the change at once."""
    require(actor, "border.configure_gates")
    with transaction.atomic():
        if camera is not None:
            camera = Camera.objects.select_for_update().get(pk=camera.pk)
        camera, saved = _save(actor, "camera", Camera, camera, clean_camera(camera, data))
        if saved:
            forget_cameras([camera.code])
    return camera
