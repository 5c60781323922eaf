"""Pages of fees and payments. Same rule as the API: parse, authorise, call a service or
selector, render."""

from __future__ import annotations

import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import has_perm, require
from tinhso.core.errors import DomainError
from tinhso.core.language import current_language
from tinhso.core.money import format_vnd, parse_vnd
from tinhso.core.periods import period_for_page
from tinhso.core.validators import InvalidValue
from tinhso.payments import selectors, services
from tinhso.payments.models import Invoice, InvoiceStatus
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
    """Public, no login: is this receipt genuine, and paid? The token is the key."""
    invoice = Invoice.objects.select_related("payer", "payee").filter(
        reference=reference).first()
    if invoice is None or not hmac.compare_digest(invoice.verify_token.encode(),
                                                  token.encode()):
        raise Http404
    return render(request, "payments/verify.html",
                  {"invoice": invoice, "amount": format_vnd(invoice.amount_vnd)})


@login_required
def cashier(request):
    require(request.user, "payments.cashier")
    invoices = selectors.unpaid_invoices()[:300]
    rows = [{"invoice": i, "amount": format_vnd(i.amount_vnd)} for i in invoices]
    return render(request, "payments/cashier.html", {"rows": rows})


@login_required
@require_POST
def cashier_confirm(request, reference: str):
    require(request.user, "payments.cashier")
    invoice = get_object_or_404(selectors.invoices_for(request.user), reference=reference)
    try:
        amount = parse_vnd(request.POST.get("amount_vnd", ""), field="amount_vnd")
        services.confirm_cash_payment(actor=request.user, invoice=invoice, amount_vnd=amount,
                                      note=request.POST.get("note", "")[:500])
    except (InvalidValue, DomainError) as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Cash payment of %(amount)s confirmed: %(reference)s.")
                         % {"amount": format_vnd(amount), "reference": reference})
    return redirect("payments:cashier")


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
