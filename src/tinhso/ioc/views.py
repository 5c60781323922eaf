"""Pages of the operations dashboard (Vietnamese first, phone-first): the province view,
a commune's view, one indicator across the communes, alerts, manual values and their
review, reports, the wall screen of the operations room (kiosk token, no login) and the
open-data page. Every write goes through `services`, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import has_perm, require
from tinhso.core import files
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.ioc import access, selectors, services, sources
from tinhso.ioc.models import (
    Alert,
    Indicator,
    ManualState,
    ManualValue,
    Report,
    ReturnReason,
    Unit,
)

WALL_REFRESH_S = 60


def _errors(error: InvalidInput | DomainError) -> dict[str, str]:
    language = current_language()
    if isinstance(error, DomainError):
        return {error.field or "general": error.message(language)}
    return {e.field: e.message(language) for e in error.errors}


@login_required
def dashboard(request):
    require(request.user, "ioc.dashboard")
    home = selectors.home_commune(request.user)
    if access.communes_visible_to(request.user) is not None:
        if home is None:
            raise PermissionDenied("ioc.dashboard")
        return redirect("ioc:commune", code=home.code)
    picked = request.GET.get("commune", "")
    if picked.isdigit() and len(picked) < 10:  # the commune picker without JavaScript
        return redirect("ioc:commune", code=int(picked))
    return render(request, "ioc/dashboard.html", {
        "tiles": selectors.dashboard(request.user),
        "alerts": selectors.open_alerts(request.user)[:5],
        "communes": _communes(),
    })


def _communes():
    from tinhso.core.models import AdministrativeUnit

    return AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE).order_by(
        "name")


@login_required
def commune(request, code: int):
    require(request.user, "ioc.dashboard")
    unit = selectors.commune_for(request.user, code)
    if unit is None:
        raise Http404
    tiles = selectors.dashboard(request.user, commune=unit)
    sources.load()
    return render(request, "ioc/commune.html", {
        "unit": unit, "tiles": tiles,
        "not_here": selectors.without_commune_figures(request.user, tiles),
        "province_view": access.communes_visible_to(request.user) is None,
    })


@login_required
def indicator(request, code: str):
    require(request.user, "ioc.dashboard")
    item = get_object_or_404(Indicator.objects.visible_to(request.user).select_related("owner"),
                             code=code)
    [tile] = selectors.tiles(Indicator.objects.filter(pk=item.pk))
    return render(request, "ioc/indicator.html", {
        "item": item, "tile": tile,
        "rows": selectors.by_commune(item, request.user) if item.per_commune else [],
    })


@login_required
def alerts(request):
    require(request.user, "ioc.dashboard")
    return render(request, "ioc/alerts.html", {
        "alerts": selectors.open_alerts(request.user),
        "may_acknowledge": has_perm(request.user, "ioc.acknowledge_alerts"),
    })


@login_required
def acknowledge(request, pk: int):
    require(request.user, "ioc.acknowledge_alerts")
    alert = get_object_or_404(selectors.open_alerts(request.user), pk=pk)
    errors = {}
    if request.method == "POST":
        try:
            services.acknowledge_alert(actor=request.user, alert_id=alert.pk,
                                       note=request.POST.get("note", ""), now=timezone.now())
        except Alert.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The alert is acknowledged."))
            return redirect("ioc:alerts")
    return render(request, "ioc/acknowledge.html", {"alert": alert, "errors": errors})


@login_required
def values(request):
    """A data officer enters a quarter's figure; the operations centre reviews."""
    may_enter = has_perm(request.user, "ioc.enter_values")
    may_review = has_perm(request.user, "ioc.review_values")
    if not (may_enter or may_review):
        raise PermissionDenied("ioc.enter_values")
    errors, form = {}, {}
    if request.method == "POST" and may_enter:
        form = request.POST
        try:
            services.submit_manual_value(
                actor=request.user, indicator_code=form.get("indicator", ""),
                period=form.get("period", ""), value=form.get("value", ""),
                unit=form.get("unit", ""), document=request.FILES.get("document"),
                note=form.get("note", ""), now=timezone.now())
        except (InvalidInput, DomainError) as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The value is sent for review."))
            return redirect("ioc:values")
    manual = list(Indicator.objects.filter(
        source="manual", owner__memberships__user=request.user,
        owner__memberships__role="data_officer").distinct())
    periods, offered = selectors.entry_periods(manual, timezone.localdate())
    return render(request, "ioc/values.html", {
        "may_enter": may_enter, "may_review": may_review, "errors": errors, "form": form,
        "indicators": manual, "units": Unit.choices, "periods": periods,
        "chosen_period": form.get("period") or offered,
        "mine": selectors.values_of_agency(request.user) if may_enter else [],
        "to_review": selectors.values_to_review() if may_review else [],
    })


@login_required
def targets(request):
    """The yearly targets of the indicators the user answers for (the operations centre:
    all; an agency's data officer: its own), set through the same service as the API."""
    require(request.user, "ioc.set_targets")
    errors, form = {}, {}
    if request.method == "POST":
        form = request.POST
        try:
            services.set_target(actor=request.user, indicator_code=form.get("indicator", ""),
                                year=form.get("year", ""), value=form.get("value", ""),
                                now=timezone.now())
        except (InvalidInput, DomainError) as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The target is saved."))
            return redirect("ioc:targets")
    return render(request, "ioc/targets.html", {
        "rows": selectors.targets_editable_by(request.user), "errors": errors, "form": form,
        "this_year": timezone.localdate().year,
    })


@login_required
@require_POST
def approve(request, pk: int):
    require(request.user, "ioc.review_values")
    try:
        services.approve_manual_value(actor=request.user, value_id=pk, now=timezone.now())
    except ManualValue.DoesNotExist:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("The value is approved and counts from now on."))
    return redirect("ioc:values")


@login_required
def return_value(request, pk: int):
    """GET: the confirmation page with the reasons; POST with confirm=yes returns it."""
    require(request.user, "ioc.review_values")
    row = get_object_or_404(ManualValue.objects.select_related("indicator"), pk=pk,
                            state=ManualState.SUBMITTED)
    errors = {}
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.return_manual_value(actor=request.user, value_id=row.pk,
                                         reason=request.POST.get("reason", ""),
                                         note=request.POST.get("note", ""),
                                         now=timezone.now())
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The value is returned to the agency."))
            return redirect("ioc:values")
    return render(request, "ioc/confirm_return.html", {
        "row": row, "reasons": ReturnReason.choices, "errors": errors})


@login_required
def value_document(request, pk: int):
    row = get_object_or_404(ManualValue.objects.select_related("indicator"), pk=pk)
    if not (has_perm(request.user, "ioc.review_values") or Indicator.objects.visible_to(
            request.user).filter(pk=row.indicator_id, owner__memberships__user=request.user)
            .exists()):
        raise Http404
    return files.serve(row.document)


@login_required
def reports(request):
    require(request.user, "ioc.reports")
    return render(request, "ioc/reports.html", {"reports": Report.objects.all()[:60]})


@login_required
def report_file(request, pk: int, fmt: str):
    require(request.user, "ioc.reports")
    report = get_object_or_404(Report, pk=pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    name = report.pdf if fmt == "pdf" else report.xlsx
    return files.serve(name, attachment=True,
                       download_name=f"bao-cao-{report.kind}-{report.period_start}.{fmt}")


def wall(request, token: str):
    """The operations room's wall: large tiles, reloaded by static/ioc/wall.js."""
    if not services.kiosk_token_valid(token):
        raise Http404
    return render(request, "ioc/wall.html", {
        "tiles": selectors.tiles(Indicator.objects.all()),
        "alerts": Alert.objects.open().select_related("indicator")[:6],
        "refresh_s": WALL_REFRESH_S, "now": timezone.now(),
    })


def open_data(request):
    return render(request, "ioc/open_data.html", {
        "rows": selectors.open_data(), "licence": selectors.LICENCE})

