"""Pages of fees and payments. Same rule as the API: parse, authorise, call a service or
selector, render."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import has_perm, require
from tinhso.core.errors import DomainError
from tinhso.core.language import current_language
from tinhso.core.money import format_vnd, parse_vnd
from tinhso.core.periods import period_for_page
from tinhso.core.reasons import reason_label
from tinhso.core.validators import InvalidValue
from tinhso.payments import selectors, services
from tinhso.payments.errors import PaymentError, payment_error
from tinhso.payments.models import CashReversal, Invoice, InvoiceStatus, PaidVia
from tinhso.payments.presenters import verify_path
from tinhso.payments.receipt import receipt_pdf
from tinhso.payments.vietqr import render_svg


@login_required
def invoice_list(request):
    invoices = selectors.invoices_for(request.user)[:200]
    return render(request, "payments/invoice_list.html", {
        "invoices": invoices, "is_cashier": has_perm(request.user, "payments.cashier")})


@login_required
def invoice_detail(request, reference: str):
    invoice = get_object_or_404(selectors.invoices_for(request.user), reference=reference)
    context = {"invoice": invoice, "amount": format_vnd(invoice.amount_vnd),
               "can_reverse": (invoice.is_paid and invoice.paid_via == PaidVia.CASHIER
                               and has_perm(request.user, "payments.reverse_cash")),
               "reversals": [{"r": r, "amount": format_vnd(r.amount_vnd),
                              "reason": _bilingual(CashReversal.Reason, r.reason)}
                             for r in invoice.cash_reversals.select_related(
                                 "confirmed_by", "reversed_by")],
               "lines": [{**line, "amount": format_vnd(int(line["amount_vnd"]))}
                         for line in invoice.lines]}
    if invoice.status == InvoiceStatus.UNPAID:
        payload = selectors.vietqr_payload(invoice)
        context.update(payload=payload, qr_svg=render_svg(payload, scale=5))
    return render(request, "payments/invoice_detail.html", context)


@login_required
def receipt(request, reference: str):
    invoice = get_object_or_404(selectors.invoices_for(request.user), reference=reference,
                                status=InvoiceStatus.PAID)
    pdf = receipt_pdf(invoice, request.build_absolute_uri(verify_path(invoice)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{invoice.reference}.pdf"'
    return response


def verify(request, reference: str, token: str):
    """Public, no login: is this receipt genuine, and paid? The token is the key. A receipt
    whose cash payment the supervisor reversed is shown as void."""
    invoice = Invoice.objects.select_related("payer", "payee").filter(
        reference=reference).first()
    if invoice is None:
        raise Http404
    reversal = None
    if not hmac.compare_digest(invoice.verify_token.encode(), token.encode()):
        reversal = invoice.cash_reversals.filter(verify_token=token).first()
        if reversal is None:
            raise Http404
    return render(request, "payments/verify.html", {
        "invoice": invoice, "amount": format_vnd(invoice.amount_vnd), "reversal": reversal,
        "reason": _bilingual(CashReversal.Reason, reversal.reason) if reversal else None})


def _bilingual(choices, value: str) -> dict[str, str]:
    labels = {}
    for language in ("vi", "en"):
        with translation.override(language):
            labels[language] = reason_label(choices, value)
    return labels


def _bilingual_choices(choices) -> list[dict[str, str]]:
    return [{"value": value, **_bilingual(choices, value)} for value in choices.values]


@login_required
def cashier(request):
    require(request.user, "payments.cashier")
    invoices = selectors.unpaid_invoices()[:300]
    rows = [{"invoice": i, "amount": format_vnd(i.amount_vnd)} for i in invoices]
    return render(request, "payments/cashier.html", {"rows": rows})


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


@login_required
def cashier_confirm(request, reference: str):
    """Two steps: the cashier's row opens (GET) a page naming the invoice, the payer, the
    truck and the amount; only its own form (``confirm=yes``) records the payment. A POST
    without that step leads to the confirmation page and records nothing."""
    require(request.user, "payments.cashier")
    invoice = get_object_or_404(selectors.invoices_for(request.user).select_related(
        "payer", "declaration"), reference=reference)
    source = request.POST if request.method == "POST" else request.GET
    note = source.get("note", "")[:500]
    try:
        amount = parse_vnd(source.get("amount_vnd", ""), field="amount_vnd")
    except InvalidValue as error:
        messages.error(request, error.message(current_language()))
        return redirect("payments:cashier")
    if not _confirmed(request):
        if request.method == "POST":
            return redirect(f"{request.path}?{urlencode({'amount_vnd': amount, 'note': note})}")
        return render(request, "payments/cashier_confirm.html", {
            "invoice": invoice, "amount_vnd": amount, "amount": format_vnd(amount),
            "expected": format_vnd(invoice.amount_vnd), "note": note,
            "differs": amount != invoice.amount_vnd})
    try:
        services.confirm_cash_payment(actor=request.user, invoice=invoice, amount_vnd=amount,
                                      note=note)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Cash payment of %(amount)s confirmed: %(reference)s.")
                         % {"amount": format_vnd(amount), "reference": reference})
    return redirect("payments:cashier")


@login_required
def reverse_cash(request, reference: str):
    """The supervisor (``payments.reverse_cash``) reverses a cash confirmation: GET is the
    confirmation page with the reasons; its form (``confirm=yes``) reverses."""
    require(request.user, "payments.reverse_cash")
    invoice = get_object_or_404(selectors.invoices_for(request.user).select_related(
        "payer", "declaration", "confirmed_by"), reference=reference)
    if not _confirmed(request):
        if request.method == "POST":
            return redirect("payments:reverse_cash", reference=reference)
        if not (invoice.is_paid and invoice.paid_via == PaidVia.CASHIER):
            messages.error(request, payment_error(
                PaymentError.NOT_REVERSIBLE, reference=reference).message(current_language()))
            return redirect("payments:invoice", reference=reference)
    context = {"invoice": invoice, "amount": format_vnd(invoice.amount_vnd),
               "reasons": _bilingual_choices(CashReversal.Reason), "data": {}, "errors": {}}
    if request.method == "GET":
        return render(request, "payments/reverse_cash.html", context)
    data = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
    try:
        services.reverse_cash_payment(actor=request.user, invoice=invoice, **data)
    except DomainError as error:
        if error.field in ("reason", "note"):
            context.update(data=data, errors={error.field: error})
            return render(request, "payments/reverse_cash.html", context, status=422)
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Cash payment reversed: invoice %(reference)s is unpaid "
                                    "again.") % {"reference": reference})
    return redirect("payments:invoice", reference=reference)


@login_required
def reconciliation(request):
    require(request.user, "payments.cashier")
    start, end, status = period_for_page(request)
    report = selectors.reconciliation(start, end)
    if request.GET.get("format") == "csv" and status == 200:
        response = HttpResponse(selectors.reconciliation_csv(report),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="doi-soat-{start:%Y%m%d}-{end:%Y%m%d}.csv"')
        return response
    return render(request, "payments/reconciliation.html", {
        "report": report, "start": start, "end": end,
        "paid_total": format_vnd(report.paid_total),
        "unpaid_total": format_vnd(report.unpaid_total),
        "mismatched_total": format_vnd(report.mismatched_total),
        "by_channel": {k: format_vnd(v) for k, v in report.paid_by_channel.items()},
    }, status=status)
