"""The gate board's configuration pages: its gates (hours, capacities, perishable rules,
late and no-show windows, congestion thresholds), their yards and plate cameras. Plain
forms that post to the same services the admin uses; every page reads on a phone."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tinhso.accounts.models import Organization, OrganizationKind
from tinhso.accounts.permissions import require
from tinhso.border import selectors, services
from tinhso.border.models import Camera, CameraPosition, Gate, Yard
from tinhso.core.errors import InvalidInput

PERMISSION = "border.configure_gates"

#: The gate form, section by section: (field, Vietnamese label, English label, input kind).
GATE_FORM = [
    (("Giờ làm việc", "Opening hours"), [
        ("around_the_clock", "Làm việc 24/24 giờ", "Open 24 hours", "checkbox"),
        ("opens_at", "Giờ mở cửa", "Opens at", "time"),
        ("closes_at", "Giờ đóng cửa", "Closes at", "time"),
    ]),
    (("Công suất (xe/giờ)", "Capacity (trucks per hour)"), [
        ("export_per_hour", "Xuất khẩu", "Export", "int"),
        ("import_per_hour", "Nhập khẩu", "Import", "int"),
        ("transit_per_hour", "Tạm nhập tái xuất", "Temporary import / re-export", "int"),
    ]),
    (("Hàng dễ hỏng", "Perishable goods"), [
        ("perishable_share_pct", "Tỷ lệ chỗ dành cho hàng dễ hỏng (%)",
         "Share of places reserved for perishables (%)", "int"),
        ("perishable_interleave", "Gọi 1 xe hàng dễ hỏng sau mỗi N xe khác (0: không xen kẽ)",
         "Call 1 perishable load after every N other trucks (0: no interleaving)", "int"),
    ]),
    (("Đến muộn và không đến", "Late arrival and no-show"), [
        ("late_grace_minutes", "Cho phép đến muộn sau khung giờ (phút)",
         "Late-arrival grace after the slot (minutes)", "int"),
        ("no_show_after_minutes", "Coi là không đến sau (phút từ đầu khung giờ)",
         "No-show after (minutes from the slot's start)", "int"),
    ]),
    (("Ngưỡng cảnh báo ùn tắc", "Congestion thresholds"), [
        ("busy_wait_hours", "Đông xe khi thời gian chờ vượt (giờ)",
         "Busy when the estimated wait exceeds (h)", "float"),
        ("congested_wait_hours", "Ùn tắc khi thời gian chờ vượt (giờ)",
         "Congested when the estimated wait exceeds (h)", "float"),
        ("busy_backlog", "Đông xe khi số xe chờ vượt", "Busy when trucks waiting exceed", "int"),
        ("congested_backlog", "Ùn tắc khi số xe chờ vượt", "Congested when trucks waiting exceed",
         "int"),
    ]),
    (("Trạng thái", "Status"), [
        ("is_active", "Đang hoạt động (nhận khai báo, hiện trên trang công khai)",
         "Active (takes declarations, shown on the public page)", "checkbox"),
    ]),
]

POSITIONS = [(CameraPosition.YARD_ENTRY, "Cổng vào bãi", "Yard entry"),
             (CameraPosition.YARD_EXIT, "Cổng ra bãi", "Yard exit"),
             (CameraPosition.GATE, "Cửa khẩu", "Border gate")]
POSITION_LABELS = {value: (vi, en) for value, vi, en in POSITIONS}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(getattr(value, "code", value))


def _errors(error: InvalidInput) -> dict:
    """field -> the first InvalidValue about it (message_vi, message_en)."""
    found: dict = {}
    for e in error.errors:
        found.setdefault(e.field, e)
    return found


def _saved(request, message: str) -> None:
    messages.success(request, message)


def _hours(gate: Gate) -> str:
    if gate.open_around_the_clock:
        return "24/24"
    return f"{_text(gate.opens_at)}–{_text(gate.closes_at)}"


@login_required
def gates(request):
    """Every gate with its settings, yards (with occupancy) and cameras."""
    require(request.user, PERMISSION)
    cameras = Camera.objects.select_related("operator", "yard").order_by("position", "code")
    rows, now = [], timezone.now()
    for gate in Gate.objects.order_by("-is_active", "name").prefetch_related(
            Prefetch("yards", Yard.objects.select_related("operator").order_by("code")),
            Prefetch("cameras", cameras)):
        yards = [{"yard": y, "occupancy": selectors.yard_occupancy(y)} for y in gate.yards.all()]
        cams = [{"camera": c, "position": POSITION_LABELS[c.position]} for c in gate.cameras.all()]
        rows.append({"gate": gate, "hours": _hours(gate), "yards": yards, "cameras": cams,
                     "outside_hours": len(selectors.bookings_outside_hours(gate, now))})
    return render(request, "border/gates.html", {"rows": rows})


@login_required
def gate_edit(request, code: str):
    require(request.user, PERMISSION)
    gate = get_object_or_404(Gate, code=code)
    data = {name: _text(getattr(gate, name)) for name in services.gates.GATE_SETTINGS}
    data["around_the_clock"] = _text(gate.open_around_the_clock)
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        try:
            outcome = services.update_gate(actor=request.user, gate=gate, data=data)
        except InvalidInput as error:
            errors = _errors(error)
        else:
            if outcome.changed:
                _saved(request, ngettext(
                    "%(gate)s saved: %(count)d coming slot follows the new capacity.",
                    "%(gate)s saved: %(count)d coming slots follow the new capacity.",
                    outcome.slots_refitted) % {"gate": gate.name,
                                               "count": outcome.slots_refitted})
            else:
                _saved(request, _("Nothing changed."))
            if outcome.bookings_outside_hours:
                messages.warning(request, ngettext(
                    "%(count)d booking falls outside the new hours: it is kept, and its "
                    "enterprise has been told.",
                    "%(count)d bookings fall outside the new hours: they are kept, and their "
                    "enterprises have been told.",
                    outcome.bookings_outside_hours) % {"count": outcome.bookings_outside_hours})
            return redirect(reverse("border:gates") + f"#gate-{gate.code}")
    sections = [{"vi": vi, "en": en, "fields": [
        {"name": name, "vi": label_vi, "en": label_en, "kind": kind,
         "value": data.get(name, ""), "error": errors.get(name)}
        for name, label_vi, label_en, kind in fields]}
        for (vi, en), fields in GATE_FORM]
    return render(request, "border/gate_form.html", {
        "gate": gate, "sections": sections, "errors": errors,
    }, status=422 if errors else 200)


def _operators(*kinds: str):
    orgs = Organization.objects.filter(is_active=True).order_by("name")
    return orgs.filter(kind__in=kinds) if kinds else orgs


@login_required
def yard_new(request, code: str):
    require(request.user, PERMISSION)
    gate = get_object_or_404(Gate, code=code)
    return _yard_form(request, gate, None)


@login_required
def yard_edit(request, code: str):
    require(request.user, PERMISSION)
    yard = get_object_or_404(Yard.objects.select_related("gate", "operator"), code=code)
    return _yard_form(request, yard.gate, yard)


def _yard_form(request, gate: Gate, yard: Yard | None):
    data = ({"gate": gate.code} if yard is None else
            {name: _text(getattr(yard, name)) for name in services.gates.YARD_FIELDS})
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        if yard is None:
            data["gate"] = gate.code
        try:
            saved = services.save_yard(actor=request.user, yard=yard, data=data)
        except InvalidInput as error:
            errors = _errors(error)
        else:
            _saved(request, _("Yard %(name)s saved.") % {"name": saved.name})
            return redirect(reverse("border:gates") + f"#gate-{gate.code}")
    return render(request, "border/yard_form.html", {
        "gate": gate, "yard": yard, "data": data, "errors": errors,
        "operators": _operators(OrganizationKind.YARD_OPERATOR),
        "occupancy": selectors.yard_occupancy(yard) if yard else 0,
    }, status=422 if errors else 200)


@login_required
def camera_new(request, code: str):
    require(request.user, PERMISSION)
    gate = get_object_or_404(Gate, code=code)
    return _camera_form(request, gate, None)


@login_required
def camera_edit(request, code: str):
    require(request.user, PERMISSION)
    camera = get_object_or_404(Camera.objects.select_related("gate", "yard", "operator"),
                               code=code)
    return _camera_form(request, camera.gate, camera)


def _camera_form(request, gate: Gate, camera: Camera | None):
    data = ({"gate": gate.code, "position": CameraPosition.YARD_ENTRY, "min_confidence": "0.8"}
            if camera is None else
            {name: _text(getattr(camera, name)) for name in services.gates.CAMERA_FIELDS})
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        try:
            saved = services.save_camera(actor=request.user, camera=camera, data=data)
        except InvalidInput as error:
            errors = _errors(error)
        else:
            _saved(request, _("Camera %(code)s saved.") % {"code": saved.code})
            return redirect(reverse("border:gates") + f"#gate-{saved.gate.code}")
    return render(request, "border/camera_form.html", {
        "gate": gate, "camera": camera, "data": data, "errors": errors,
        "gates": Gate.objects.order_by("name"),
        "yards": Yard.objects.select_related("gate").order_by("gate__name", "code"),
        "positions": POSITIONS, "operators": _operators(),
    }, status=422 if errors else 200)
