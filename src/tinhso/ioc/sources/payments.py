"""Payments: fee revenue paid in the period (VND), every fee invoice counted by the moment
it was paid. The province's figure and, for the invoices of a border crossing, the commune
of the crossing's gate."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, number, register

GATE_COMMUNES = gettext_noop("Only the communes with a border gate have this figure: a "
                            "crossing's fee counts in the commune of its gate; fees not "
                            "tied to a crossing count for the province only.")


@register("payments.fee_revenue", some_communes=GATE_COMMUNES)
def fee_revenue(period: Period, now: datetime) -> Figures:
    from tinhso.border.models import Gate
    from tinhso.payments.models import Invoice, InvoiceStatus

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID, paid_at__gte=start,
                                  paid_at__lt=end)
    total = paid.aggregate(total=Sum("amount_vnd"))["total"]
    communes = dict.fromkeys(Gate.objects.filter(commune__isnull=False)
                             .values_list("commune__code", flat=True), 0)
    for code, amount in (paid.filter(declaration__gate__commune__isnull=False)
                         .values("declaration__gate__commune__code")
                         .annotate(total=Sum("amount_vnd")).order_by()
                         .values_list("declaration__gate__commune__code", "total")):
        communes[code] = amount
    return Figures(number(total or 0), {code: number(v) for code, v in communes.items()})
