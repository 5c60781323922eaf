"""The hub manager's and the hub accountant's pages: members, the hub's orders, the
commission, the payout statements (make them for a month, Excel), and for the accountant
one VietQR per member payout with "mark paid" behind a confirmation page. Also the
moderator's "hide a review" confirmation page."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError
from tinhso.core.language import current_language
from tinhso.core.money import format_vnd
from tinhso.core.reasons import reason_label
from tinhso.core.validators import InvalidValue
from tinhso.market import selectors_hubs
from tinhso.market.models import HideReason, OrderState, PayoutState, Review
from tinhso.market.services import hubs, reviews
from tinhso.payments.vietqr import render_svg

STATE_VI = {PayoutState.DUE: "Chờ chi trả", PayoutState.PAID: "Đã chi trả"}


def bilingual(choices, value: str) -> dict[str, str]:
    labels = {}
    for language in ("vi", "en"):
        with translation.override(language):
            labels[language] = reason_label(choices, value)
    return labels


def state_labels(value: str) -> dict[str, str]:
    return bilingual(OrderState, value)


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def month_of(text: str | None, today: date) -> tuple[date, date] | None:
    """``'2026-11'`` → (1 Nov, 30 Nov); None when it is not a month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        start = date(year, month, 1)
    except (TypeError, ValueError):
        return None
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end


def statement_row(s) -> dict:
    return {"s": s, "amount": format_vnd(s.amount_vnd), "commission": format_vnd(
        s.commission_vnd), "goods": format_vnd(s.items_total_vnd),
        "delivery": format_vnd(s.delivery_total_vnd), "state_vi": STATE_VI.get(s.state, "")}


@login_required
def hub_home(request, slug: str | None = None):
    hub = hubs.hub_of_user(request.user, slug)
    if hub is None:
        raise Http404
    summary = selectors_hubs.hub_summary(hub)
    today = timezone.localdate()
    start, end = previous_month(today)
    return render(request, "market/hub/hub.html", {
        "hub": hub, "members": summary.members,
        "orders": [{"o": o, "total": format_vnd(o.total_vnd), "state": state_labels(o.state)}
                   for o in summary.orders],
        "statements": [statement_row(s) for s in summary.statements],
        "commission": format_vnd(summary.commission_vnd), "due": format_vnd(summary.due_vnd),
        "rate": f"{hub.commission_bp / 100:g}".replace(".", ","),
        "can_make": hubs.can_make_statements(request.user, hub),
        "month": f"{start:%Y-%m}", "month_label": f"{start:%m/%Y}"})


@login_required
@require_POST
def hub_make_statements(request, slug: str):
    hub = hubs.hub_of_user(request.user, slug)
    if hub is None:
        raise Http404
    period = month_of(request.POST.get("month"), timezone.localdate())
    if period is None:
        messages.error(request, _("Choose a month."))
        return redirect("market_hubs:hub", slug=slug)
    try:
        made = hubs.make_statements(actor=request.user, hub=hub, period_start=period[0],
                                    period_end=period[1])
    except (DomainError, InvalidValue) as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("%(count)d payout statements made.")
                         % {"count": len(made.statements)})
    return redirect("market_hubs:hub", slug=slug)


@login_required
def hub_statements_xlsx(request, slug: str):
    hub = hubs.hub_of_user(request.user, slug)
    if hub is None:
        raise Http404
    period = month_of(request.GET.get("month"), timezone.localdate())
    rows = hubs.statements_visible_to(request.user).filter(hub=hub)
    if period is not None:
        rows = rows.filter(period_start__gte=period[0], period_end__lte=period[1])
    title = f"{hub.name} — bảng kê chi trả" + (f" {period[0]:%m/%Y}" if period else "")
    response = HttpResponse(
        hubs.statements_xlsx(title, rows.order_by("period_start", "shop__name")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"-{period[0]:%Y-%m}" if period else ""
    response["Content-Disposition"] = f'attachment; filename="chi-tra-{hub.slug}{suffix}.xlsx"'
    return response


@login_required
def statement_detail(request, code: str):
    statement = get_object_or_404(hubs.statements_visible_to(request.user), code=code)
    can_pay = statement.state == PayoutState.DUE and hubs.can_mark_paid(request.user, statement)
    payload = hubs.payout_vietqr(statement) if can_pay else None
    return render(request, "market/hub/statement.html", {
        **statement_row(statement), "lines": [
            {"l": line, "goods": format_vnd(line.items_total_vnd),
             "delivery": format_vnd(line.delivery_fee_vnd),
             "commission": format_vnd(line.commission_vnd), "payout": format_vnd(line.payout_vnd)}
            for line in statement.lines.all()],
        "can_pay": can_pay, "payload": payload,
        "qr_svg": render_svg(payload, scale=5) if payload else None,
        "purpose": hubs.transfer_purpose(statement)})


@login_required
def statement_mark_paid(request, code: str):
    """GET: the confirmation page; its form (``confirm=yes``) marks the statement paid."""
    statement = get_object_or_404(hubs.statements_visible_to(request.user), code=code)
    if not hubs.can_mark_paid(request.user, statement):
        raise PermissionDenied("market.pay_out")
    context = {**statement_row(statement), "data": {}, "errors": {}}
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(request, "market/hub/mark_paid.html", context)
    data = {"reference": request.POST.get("reference", "")}
    try:
        hubs.mark_paid(actor=request.user, statement=statement, **data)
    except (DomainError, InvalidValue) as error:
        if error.field == "reference":
            context.update(data=data, errors={"reference": error})
            return render(request, "market/hub/mark_paid.html", context, status=422)
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Payout statement %(code)s marked paid.")
                         % {"code": statement.code})
    return redirect("market_hubs:statement", code=code)


@login_required
def review_hide(request, review_id: int):
    """The moderator's confirmation page to hide a review, with a reason."""
    if not reviews.can_hide(request.user):
        raise PermissionDenied("market.moderate_reviews")
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    context = {"review": review, "data": {}, "errors": {},
               "reasons": [{"value": v, **bilingual(HideReason, v)} for v in HideReason.values]}
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(request, "market/hub/review_hide.html", context)
    data = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
    try:
        reviews.hide(actor=request.user, review=review, **data)
    except DomainError as error:
        if error.field in ("reason", "note"):
            context.update(data=data, errors={error.field: error})
            return render(request, "market/hub/review_hide.html", context, status=422)
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("The review is hidden."))
    return redirect("market_hubs:product_reviews", product_id=review.product_id)
