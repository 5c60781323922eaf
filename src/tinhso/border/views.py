"""Pages of the digital border gate. Same rule as the API: parse, authorise, call a service
or selector, render."""

from __future__ import annotations

from datetime import timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tinhso.accounts.models import Organization, Role
from tinhso.accounts.permissions import has_perm, organizations_with_role, require
from tinhso.border import selectors, services
from tinhso.border.access import AGENCY_FIELDS, hidden_fields
from tinhso.border.drivers import trucks_of_driver
from tinhso.border.errors import Action
from tinhso.border.models import (
    VERDICT_REASONS,
    Agency,
    CancelReason,
    Declaration,
    DeclarationState,
    Direction,
    Gate,
    GateNotice,
    GoodsCategory,
    ManualCrossingReason,
    SavedDriver,
    SavedVehicle,
    Verdict,
    Yard,
)
from tinhso.border.services.common import not_allowed
from tinhso.border.services.trips import trip_bounds, trip_end
from tinhso.border.validation import parse_datetime_field, parse_int_field, parse_text_field
from tinhso.border.workflow import (
    ACTIVE_STATES,
    ARRIVING_STATES,
    CHECKED_IN_STATES,
    EDITABLE_STATES,
    GATE_PIPELINE_STATES,
)
from tinhso.core.errors import DomainError, FieldCollector, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.periods import period_for_page
from tinhso.core.validators import InvalidValue
from tinhso.payments import selectors as payment_selectors

S = DeclarationState


def _int_or_404(value) -> int:
    """Ids typed into forms by hand (or forged) are a 404, never a server error."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _field_errors(error: InvalidInput) -> dict[str, str]:
    return {e["field"]: e["message"] for e in error.as_list(current_language())}


def ticket(request, token: str):
    """The driver's e-ticket, opened from the QR code: no login, the token is the key."""
    declaration = Declaration.objects.select_related("gate", "slot", "goods").filter(
        ticket_token=token).first()
    if declaration is None:
        raise Http404
    context = {"d": declaration, "position": selectors.queue_position(declaration)}
    if request.headers.get("HX-Request"):  # the phone's refresh every 30 s: state only
        return render(request, "border/_ticket_body.html", context)
    # Drawing the QR code costs ~12 ms: once per page load, not on every refresh.
    context["qr_svg"] = segno.make(request.build_absolute_uri(), error="m").svg_inline(
        scale=4, border=2)
    return render(request, "border/ticket.html", context)


def _my_enterprises(user) -> list[Organization]:
    return list(Organization.objects.filter(id__in=organizations_with_role(
        user, [Role.ENTERPRISE_STAFF])))


@login_required
def enterprise(request):
    require(request.user, "border.declare")
    enterprises = _my_enterprises(request.user)
    trucks = (Declaration.objects.visible_to(request.user)
              .filter(enterprise__in=enterprises)
              .select_related("gate", "goods", "slot").order_by("-created_at")[:100])
    context = _declaration_form_context(request.user, enterprises)
    context["trucks"] = trucks
    context["later_trips"] = selectors.later_trips(list(trucks))
    context["data"] = {"direction": "export", "gate": "huu-nghi", "containers": 0}
    if request.method == "POST":
        data = request.POST.dict()
        org_id = _int_or_404(data.get("enterprise") or enterprises[0].id)
        try:
            declaration = services.create_declaration(actor=request.user, enterprise_id=org_id,
                                                      data=data)
        except InvalidInput as error:
            context.update(errors=_field_errors(error), data=data)
            return render(request, "border/enterprise.html", context, status=422)
        messages.success(request, _("Declaration %(ref)s submitted. Now book a slot.")
                         % {"ref": declaration.reference})
        return redirect("border:declaration", pk=declaration.pk)
    return render(request, "border/enterprise.html", context)


def _declaration_form_context(user, enterprises) -> dict:
    return {
        "enterprises": enterprises,
        "gates": Gate.objects.filter(is_active=True).order_by("name"),
        "goods": GoodsCategory.objects.all(),
        "directions": Direction.choices,
        "saved_vehicles": SavedVehicle.objects.filter(enterprise__in=enterprises)
        .order_by("-last_used_at")[:50],
        "saved_drivers": SavedDriver.objects.filter(enterprise__in=enterprises)
        .order_by("-last_used_at")[:50],
        "errors": {},
    }


def _visible_or_404(user, pk: int) -> Declaration:
    return get_object_or_404(
        Declaration.objects.visible_to(user).select_related("gate", "goods", "slot", "enterprise"),
        pk=pk)


def _gate_hours(gate: Gate, now=None) -> dict:
    """What every page about a gate says of its hours: whether it is open now and, when
    closed, when it opens again (read by border/_closed.html as `g`)."""
    now = now or timezone.now()
    return {"gate_now": {"is_open": gate.is_open_at(now), "reopens_at": gate.reopens_at(now),
                         "opens_at": gate.opens_at, "closes_at": gate.closes_at,
                         "around_the_clock": gate.open_around_the_clock},
            "today": now, "en": current_language() == "en"}


@login_required
def driver_trucks(request):
    """The driver's own trucks: the declarations that give their mobile number as the
    driver's, each with its e-ticket."""
    require(request.user, "border.drive")
    now = timezone.now()
    trucks = list(trucks_of_driver(request.user).select_related("gate", "slot", "enterprise")
                  .order_by("-expected_arrival")[:50])
    gates = {}
    for truck in trucks:
        if truck.gate_id not in gates:
            gates[truck.gate_id] = _gate_hours(truck.gate, now)["gate_now"]
        truck.gate_now = gates[truck.gate_id]
    return render(request, "border/driver.html", {
        "trucks": trucks, "today": now, "en": current_language() == "en",
        "active": set(ACTIVE_STATES)})


@login_required
def declaration(request, pk: int):
    """One truck: its state, booking (with the nearest free slots when full), correction."""
    declaration = _visible_or_404(request.user, pk)
    can_edit = has_perm(request.user, "border.declare", declaration.enterprise_id)
    context = {"d": declaration, "can_edit": can_edit, "errors": {}, "alternatives": [],
               "can_change": can_edit and declaration.state in EDITABLE_STATES,
               "can_book": can_edit and declaration.state in ARRIVING_STATES,
               "hidden": hidden_fields(request.user, declaration),
               "position": selectors.queue_position(declaration),
               "later_trip": declaration.pk in selectors.later_trips([declaration]),
               "clearances": declaration.clearances.select_related("officer"),
               "invoices": payment_selectors.invoices_for(request.user).filter(
                   declaration=declaration).order_by("-created_at"),
               **_gate_hours(declaration.gate)}
    if context["can_book"]:
        # Only hours the trip may take: never before, or over, another trip of the truck.
        bounds = trip_bounds(declaration.plate, declaration.pk)
        context["alternatives"] = [
            slot for slot in services.nearest_free_slots(
                declaration.gate, declaration.direction, declaration.expected_arrival,
                perishable=declaration.goods.perishable, limit=12)
            if bounds.allows(slot.starts_at, trip_end(slot.starts_at))][:6]
    return render(request, "border/declaration.html", context)


@login_required
@require_POST
def book(request, pk: int):
    declaration = _visible_or_404(request.user, pk)
    try:
        starts_at = parse_datetime_field(request.POST.get("starts_at"), "starts_at")
        services.book_slot(actor=request.user, declaration=declaration, starts_at=starts_at)
        messages.success(request, _("Slot booked."))
    except services.SlotFull as full:
        messages.error(request, full.error.message(current_language()))
    except (DomainError, InvalidValue) as error:
        messages.error(request, error.message(current_language()))
    except InvalidInput as error:
        for message in _field_errors(error).values():
            messages.error(request, message)
    return redirect("border:declaration", pk=pk)


def _reason_page(request, *, d, heading, consequence, action, hidden, reasons, submit,
                 back, data=None, errors=None, status=200):
    """The second step of an irreversible action: names the truck and the consequence, asks
    for the reason; only its own form (with ``confirm=yes``) acts."""
    return render(request, "border/confirm.html", {
        "d": d, "heading": heading, "consequence": consequence, "action": action,
        "hidden": hidden, "reasons": reasons.choices, "submit": submit, "back": back,
        "data": data or {}, "errors": errors or {}}, status=status)


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


@login_required
def cancel(request, pk: int):
    """GET: the confirmation page (nothing changes). POST from it: cancel with the reason.
    A POST without the confirmation step only leads to the confirmation page."""
    declaration = _visible_or_404(request.user, pk)
    require(request.user, "border.declare", declaration.enterprise_id)
    if not _confirmed(request):
        if request.method == "POST":
            return redirect("border:cancel", pk=pk)
        if declaration.state not in EDITABLE_STATES:
            messages.error(request, not_allowed(declaration, Action.CANCEL).message(
                current_language()))
            return redirect("border:declaration", pk=pk)
    page = {"d": declaration, "heading": _("Cancel the declaration of %(plate)s?") % {
                "plate": declaration.plate},
            "consequence": _("The booked slot is given back and the truck can no longer "
                             "cross with this declaration. This cannot be undone."),
            "action": request.path, "hidden": [], "reasons": CancelReason,
            "submit": _("Cancel declaration"),
            "back": reverse("border:declaration", args=[pk])}
    if request.method == "GET":
        return _reason_page(request, **page)
    data = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
    try:
        services.cancel_declaration(actor=request.user, declaration=declaration, **data)
    except DomainError as error:
        if error.field in ("reason", "note"):
            return _reason_page(request, **page, data=data, status=422,
                                errors={error.field: error.message(current_language())})
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Declaration cancelled."))
    return redirect("border:declaration", pk=pk)


@login_required
def edit(request, pk: int):
    declaration = _visible_or_404(request.user, pk)
    require(request.user, "border.declare", declaration.enterprise_id)
    context = _declaration_form_context(request.user, [declaration.enterprise])
    context.update(d=declaration, route_frozen=declaration.state in CHECKED_IN_STATES, data={
        "plate": declaration.plate, "trailer_plate": declaration.trailer_plate,
        "driver_name": declaration.driver_name, "driver_id_number": declaration.driver_id_number,
        "driver_phone": declaration.driver_phone, "goods": declaration.goods.code,
        "goods_description": declaration.goods_description, "weight_kg": declaration.weight_kg,
        "containers": declaration.containers, "direction": declaration.direction,
        "gate": declaration.gate.code,
        "expected_arrival": timezone.localtime(declaration.expected_arrival).strftime(
            "%Y-%m-%dT%H:%M"),
    })
    if request.method == "POST":
        try:
            services.update_declaration(actor=request.user, declaration=declaration,
                                        data=request.POST.dict())
        except InvalidInput as error:
            context.update(errors=_field_errors(error), data=request.POST.dict())
            return render(request, "border/edit.html", context, status=422)
        except DomainError as error:
            messages.error(request, error.message(current_language()))
            return redirect("border:declaration", pk=pk)
        messages.success(request, _("Declaration corrected."))
        return redirect("border:declaration", pk=pk)
    return render(request, "border/edit.html", context)


#: Reasons for which the desk proposes a truck but the operator must pick it: the read is
#: another plate than the proposal's (maybe another, undeclared vehicle) or several fit.
NO_PRESELECTION = frozenset({"near_match", "ambiguous", "unmatched"})


def _resolve_from_desk(request) -> None:
    event = get_object_or_404(selectors.exception_desk(request.user),
                              pk=_int_or_404(request.POST.get("event")))
    chosen = request.POST.get("declaration", "")
    if not chosen:  # nothing is preselected for a near match: the operator must pick
        messages.error(request, _("Choose the truck, or choose to dismiss the read."))
        return
    try:
        target = (None if chosen == "dismiss"
                  else _visible_or_404(request.user, _int_or_404(chosen)))
        services.resolve_plate_event(actor=request.user, event=event, declaration=target)
        messages.success(request, _("Camera read resolved."))
    except DomainError as error:
        messages.error(request, error.message(current_language()))


def _desk_context(user) -> dict:
    events = list(selectors.exception_desk(user)[:100])
    choices = list(selectors.desk_choices(user, {e.camera.gate_id for e in events}))
    rows = [{"e": e, "choices": [d for d in choices if d.gate_id == e.camera.gate_id],
             "preselect": None if e.reason in NO_PRESELECTION else e.declaration_id}
            for e in events]
    return {"events": events, "desk_rows": rows}


@login_required
def exception_desk(request):
    """The exception desk of everyone who works at a camera's place: the yard operator
    resolves the yard cameras' reads, the gate operator the border gate camera's."""
    if not selectors.has_exception_desk(request.user):
        raise PermissionDenied
    if request.method == "POST":
        _resolve_from_desk(request)
        return redirect("border:exception_desk")
    return render(request, "border/exception_desk.html", _desk_context(request.user))


@login_required
def yard_console(request):
    require(request.user, "border.yard_console")
    operator_ids = organizations_with_role(request.user, [Role.YARD_OPERATOR])
    if request.method == "POST":
        _resolve_from_desk(request)
        return redirect("border:yard_console")
    yards = []
    for yard in Yard.objects.filter(operator_id__in=operator_ids).select_related("gate"):
        yards.append({"yard": yard, "occupancy": selectors.yard_occupancy(yard)})
    return render(request, "border/yard_console.html",
                  {"yards": yards, **_desk_context(request.user)})


MANUAL_STEP_LABELS = {"check_in": _lazy("Check in by hand"),
                      "check_out": _lazy("Check out by hand")}


@login_required
def yard_manual(request):
    """Check a truck in or out of a yard by hand (camera broken, plate dirty): the form,
    then a page that asks to confirm, then the step, recorded with the reason."""
    require(request.user, "border.yard_console")
    yards = Yard.objects.filter(operator_id__in=organizations_with_role(
        request.user, [Role.YARD_OPERATOR])).select_related("gate")
    if request.user.is_superuser:
        yards = Yard.objects.select_related("gate")
    form = request.POST if request.method == "POST" else request.GET
    context = {"yards": yards, "data": form, "errors": {}, "steps": MANUAL_STEP_LABELS,
               "choices": []}
    yard = yards.filter(code=form.get("yard")).first()
    step = form.get("step") if form.get("step") in MANUAL_STEP_LABELS else "check_in"
    context.update(yard=yard, step=step)
    if yard is not None:
        context["choices"] = selectors.manual_step_choices(request.user, yard, step)
    if request.method != "POST":
        return render(request, "border/yard_manual.html", context)
    declaration = _visible_or_404(request.user, _int_or_404(form.get("declaration")))
    if yard is None:
        raise Http404
    reason = form.get("reason", "")
    if form.get("confirmed") != "1":
        # The first submission only shows what will happen: nothing moves yet.
        errors = {}
        try:
            services.check_manual_reason(reason)
        except InvalidInput as error:
            errors = _field_errors(error)
        context.update(d=declaration, reason=reason, errors=errors, confirm=not errors)
        return render(request, "border/yard_manual.html", context, status=422 if errors else 200)
    try:
        services.manual_yard_step(actor=request.user, declaration=declaration, yard=yard,
                                  step=step, reason=reason)
    except InvalidInput as error:
        context.update(d=declaration, reason=reason, errors=_field_errors(error))
        return render(request, "border/yard_manual.html", context, status=422)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
        return redirect(f"{request.path}?yard={yard.code}&step={step}")
    messages.success(request, _("%(plate)s (%(ref)s): %(step)s recorded.") % {
        "plate": declaration.plate, "ref": declaration.reference,
        "step": str(MANUAL_STEP_LABELS[step]).lower()})
    return redirect("border:yard_console")


def _manual_gates(user):
    """The gates whose crossings this user records by hand; 403 for whoever is no gate
    operator at all."""
    if not (user.is_superuser or organizations_with_role(user, [Role.GATE_OPERATOR])):
        raise PermissionDenied
    return selectors.gates_crossed_by_hand(user)


@login_required
def gate_manual(request):
    """The gate camera is down (or cannot read a plate): the cleared trucks of the gate,
    each with the button that records its crossing by hand."""
    gates = _manual_gates(request.user)
    code = request.GET.get("gate")
    # Without a choice, the gate where a cleared truck waits (the camera there is down).
    gate = (get_object_or_404(gates, code=code) if code else
            gates.filter(pk__in=Declaration.objects.filter(state=S.CLEARED).values("gate_id"))
            .first() or gates.first())
    if gate is None:
        raise Http404
    return render(request, "border/gate_manual.html", {
        "gates": gates, "gate": gate,
        "choices": selectors.manual_crossing_choices(request.user, gate)})


@login_required
def gate_manual_confirm(request, pk: int):
    """GET: the confirmation page (nothing changes). POST from it, with a reason: the
    crossing is recorded, as the gate camera would have, and marked manual."""
    gates = _manual_gates(request.user)
    declaration = _visible_or_404(request.user, pk)
    gate = get_object_or_404(gates, pk=declaration.gate_id)
    back = f"{reverse('border:gate_manual')}?gate={gate.code}"
    if not _confirmed(request):
        if request.method == "POST":
            return redirect("border:gate_manual_confirm", pk=pk)
        if declaration.state != S.CLEARED:
            messages.error(request, not_allowed(declaration, Action.move_to(
                S.CROSSED.label)).message(current_language()))
            return redirect(back)
    page = {"d": declaration,
            "heading": _("Record the crossing of %(plate)s by hand?") % {
                "plate": declaration.plate},
            "consequence": _("The truck is recorded as crossed at %(gate)s now, with your "
                             "name and the reason, and its fee invoice is issued. This cannot "
                             "be undone: check the plate and the papers first.") % {
                                 "gate": gate.name},
            "action": request.path, "hidden": [], "reasons": ManualCrossingReason,
            "submit": _("Record the crossing"), "back": back}
    if request.method == "GET":
        return _reason_page(request, **page)
    data = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
    try:
        services.manual_crossing(actor=request.user, declaration=declaration, gate=gate, **data)
    except DomainError as error:
        if error.field in ("reason", "note"):
            return _reason_page(request, **page, data=data, status=422,
                                errors={error.field: error.message(current_language())})
        messages.error(request, error.message(current_language()))
        return redirect(back)
    messages.success(request, _("%(plate)s (%(ref)s): crossing recorded by hand.") % {
        "plate": declaration.plate, "ref": declaration.reference})
    return redirect(back)


@login_required
def gate_console(request):
    require(request.user, "border.gate_console")
    gates = Gate.objects.filter(is_active=True).order_by("name")
    gate = gates.filter(code=request.GET.get("gate") or request.POST.get("gate") or "huu-nghi"
                        ).first() or gates.first()
    if request.method == "POST":
        try:
            count = max(1, min(100, int(request.POST.get("count", "1"))))
        except ValueError:
            count = 1
        called = services.call_next(actor=request.user, gate=gate, count=count)
        reopens_at = gate.reopens_at(timezone.now())
        if called:
            messages.success(request, _("Called: %(plates)s") % {
                "plates": ", ".join(d.plate for d in called)})
        elif reopens_at is not None:
            local = timezone.localtime(reopens_at)
            same_day = local.date() == timezone.localdate()
            messages.error(request, _("No truck was called: the gate is closed until %(time)s.")
                           % {"time": local.strftime("%H:%M" if same_day else "%H:%M %d/%m")})
        else:
            messages.error(request, _("No truck was called: the queue is empty or the gate is "
                                      "full or closed."))
        return redirect(f"{request.path}?gate={gate.code}")
    queue = selectors.yard_queue(gate)
    trucks = Declaration.objects.in_bulk([e.key for e in queue])
    rows = [{"position": i, "entry": e, "d": trucks[e.key]} for i, e in enumerate(queue, 1)]
    in_pipeline = (Declaration.objects.filter(gate=gate, state__in=GATE_PIPELINE_STATES)
                   .select_related("goods").order_by("called_at"))
    return render(request, "border/gate_console.html", {
        "gates": gates, "gate": gate, "rows": rows, "in_pipeline": in_pipeline,
        "room": selectors.gate_room_now(gate, timezone.now()), **_gate_hours(gate),
        "can_desk": selectors.has_exception_desk(request.user),
        "can_cross_by_hand": selectors.gates_crossed_by_hand(request.user).filter(
            pk=gate.pk).exists(),
        "desk_count": selectors.exception_desk(request.user).count(),
    })


def _console_agency(request) -> tuple[Agency, list[Agency]]:
    agencies = [a for a in Agency if services.can_act_for_agency(request.user, a)]
    if not agencies:
        require(request.user, "border.clear_customs")  # raises PermissionDenied
    wanted = request.GET.get("agency") or request.POST.get("agency") or agencies[0]
    if wanted not in agencies:
        raise Http404
    return Agency(wanted), agencies


@login_required
def agency_console(request):
    agency, agencies = _console_agency(request)
    if request.method == "POST":
        declaration = _visible_or_404(request.user, _int_or_404(request.POST.get("declaration")))
        verdict = request.POST.get("verdict", "")
        if verdict in VERDICT_REASONS and not _confirmed(request):
            # A hold or a reject is never one tap: the confirmation page comes first.
            return redirect(f"{reverse('border:verdict_confirm')}?agency={agency}"
                            f"&declaration={declaration.pk}&verdict={verdict}")
        try:
            services.record_clearance(actor=request.user, declaration=declaration, agency=agency,
                                      verdict=verdict, reason=request.POST.get("reason", ""),
                                      note=request.POST.get("note", "").strip())
            messages.success(request, _("Verdict recorded for %(plate)s.") % {
                "plate": declaration.plate})
        except DomainError as error:
            if error.field in ("reason", "note") and verdict in VERDICT_REASONS:
                return _reason_page(
                    request, **_verdict_page(declaration, agency, verdict),
                    data={"reason": request.POST.get("reason", ""),
                          "note": request.POST.get("note", "")},
                    errors={error.field: error.message(current_language())}, status=422)
            messages.error(request, error.message(current_language()))
        return redirect(f"{request.path}?agency={agency}")
    trucks = selectors.declarations_for_agency(request.user, agency)[:200]
    return render(request, "border/agency_console.html", {
        "agencies": agencies, "agency": agency, "trucks": trucks,
        "fields": AGENCY_FIELDS[agency], "verdicts": Verdict.choices,
        "since": timezone.now() - timedelta(hours=24),
    })


def _verdict_page(declaration: Declaration, agency: Agency, verdict: str) -> dict:
    if verdict == Verdict.REJECT:
        heading = _("Reject %(plate)s for %(agency)s?")
        consequence = _("The trip ends: the truck may not cross with this declaration, its "
                        "booked slot is given back and the enterprise is told why. This "
                        "cannot be undone.")
        submit = _("Reject")
    else:
        heading = _("Hold %(plate)s for %(agency)s?")
        consequence = _("The truck stops here until your agency passes it; the enterprise "
                        "is told why.")
        submit = _("Hold")
    return {"d": declaration, "heading": heading % {"plate": declaration.plate,
                                                    "agency": agency.label},
            "consequence": consequence, "action": reverse("border:agency_console"),
            "hidden": [("agency", agency.value), ("declaration", declaration.pk),
                       ("verdict", verdict)],
            "reasons": VERDICT_REASONS[verdict], "submit": submit,
            "back": f"{reverse('border:agency_console')}?agency={agency}"}


@login_required
def verdict_confirm(request):
    """First step of a hold or a reject: what it does to which truck, and why (nothing
    changes until its form is sent)."""
    agency, _agencies = _console_agency(request)
    declaration = _visible_or_404(request.user, _int_or_404(request.GET.get("declaration")))
    verdict = request.GET.get("verdict", "")
    if verdict not in VERDICT_REASONS:
        raise Http404
    return _reason_page(request, **_verdict_page(declaration, agency, verdict),
                        data={"note": request.GET.get("note", "")})


@login_required
def exception_count(request):
    """htmx fragment: how many reads wait at the desk (polled by the consoles)."""
    if not selectors.has_exception_desk(request.user):
        raise PermissionDenied
    count = selectors.exception_desk(request.user).count()
    return render(request, "border/_exception_count.html", {"count": count})


@login_required
def whatif(request):
    """The gate board's what-if simulator: the form, and the recent runs. Imported on first
    use: it pulls in the engine (numpy), which the other pages do not need."""
    require(request.user, "border.whatif")
    from tinhso.border.views_whatif import whatif as page

    return page(request)


@login_required
def whatif_run(request, pk: int):
    """One what-if run: its progress while the worker simulates, then its result."""
    require(request.user, "border.whatif")
    from tinhso.border.views_whatif import whatif_run as page

    return page(request, pk)


@login_required
def notices(request):
    """The gate board announces suspensions and reduced capacity; bookings move at once."""
    require(request.user, "border.manage_notices")

    errors: dict[str, str] = {}
    if request.method == "POST":
        gate = get_object_or_404(Gate, code=request.POST.get("gate"))
        form = request.POST
        check = FieldCollector()
        starts_at = check.field("starts_at", parse_datetime_field, form.get("starts_at"),
                                "starts_at")
        ends_at = check.field("ends_at", parse_datetime_field, form.get("ends_at"), "ends_at")
        capacity_pct = check.field("capacity_pct", parse_int_field,
                                   form.get("capacity_pct") or 0, "capacity_pct", low=0, high=100)
        reason_vi = check.field("reason_vi", parse_text_field, form.get("reason_vi"),
                                "reason_vi", max_length=255)
        reason_en = check.field("reason_en", parse_text_field, form.get("reason_en"),
                                "reason_en", max_length=255, required=False)
        try:
            check.raise_if_invalid()
            outcome = services.announce_notice(
                actor=request.user, gate=gate, kind=form.get("kind", ""), starts_at=starts_at,
                ends_at=ends_at, capacity_pct=capacity_pct,
                directions=form.getlist("directions"), reason_vi=reason_vi, reason_en=reason_en)
        except InvalidInput as error:
            errors = _field_errors(error)
        except DomainError as error:
            errors = {error.field or "kind": error.message(current_language())}
        else:
            messages.success(request, _("Notice published: %(moved)d bookings moved, "
                                        "%(released)d released.") % {
                "moved": len(outcome.moved), "released": len(outcome.released)})
            return redirect("border:notices")
    return render(request, "border/notices.html", {
        "notices": GateNotice.objects.select_related("gate")[:50],
        "gates": Gate.objects.filter(is_active=True), "directions": Direction.choices,
        "kinds": GateNotice.Kind.choices, "errors": errors, "data": request.POST,
        "checked_directions": request.POST.getlist("directions")},
        status=422 if errors else 200)


@login_required
def reports(request):
    """Crossings by gate, direction, goods and enterprise; dwell time and fee revenue."""
    require(request.user, "border.reports")
    from django.http import HttpResponse

    from tinhso.border import reports as border_reports

    period = request.GET.get("period") if request.GET.get("period") in ("day", "month") else "day"
    start, end, status = period_for_page(request)
    report = border_reports.crossings_report(period=period, start=start, end=end)
    name = f"bao-cao-cua-khau-{start:%Y%m%d}-{end:%Y%m%d}"
    export = request.GET.get("format") if status == 200 else None
    if export == "csv":
        response = HttpResponse(border_reports.as_csv(report), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            border_reports.as_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return render(request, "border/reports.html", {"report": report, "query": request.GET},
                  status=status)
